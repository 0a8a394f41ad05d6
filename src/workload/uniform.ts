/**
 * `uniform`: every number an independent, uniformly random handler id. The
 * mix is uniform only in expectation (each share within a few tenths of a
 * percent at 64 Ki entries): the baseline the other kinds are read against.
 */
import { seededRng, type Rng } from "../stats/rng.js";
import type { Spec } from "../spec/types.js";
import { byId, expectNoArg, makeWorkload } from "./shared.js";
import type { WorkloadKind } from "./types.js";

/** `length` independent uniform draws from the spec's ids (id order, so the spec's listing order does not matter). */
export function uniformIds(spec: Spec, length: number, rng: Rng): Int32Array {
  const ids = byId(spec).map((h) => h.id);
  const stream = new Int32Array(length);
  for (let i = 0; i < length; i++) stream[i] = ids[rng.int(0, ids.length - 1)]!;
  return stream;
}

export const uniform: WorkloadKind = {
  kind: "uniform",
  syntax: "uniform",
  summary: "each number a uniformly random handler id (independent draws)",
  build(arg, spec, ctx) {
    expectNoArg(uniform, arg);
    const stream = uniformIds(spec, ctx.length, seededRng(ctx.seed));
    return makeWorkload("uniform", `uniformly random over the ${spec.handlers.length} handlers of ${spec.name}`, stream, spec);
  },
};
