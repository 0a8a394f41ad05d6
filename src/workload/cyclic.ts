/**
 * `cyclic`: every handler in id order, round and round. Exact equal shares
 * and a pattern a predictor with long enough history can learn: read it
 * against `uniform` (same shares, no pattern) to see what learning buys.
 */
import { byId, expectNoArg, makeWorkload } from "./shared.js";
import type { WorkloadKind } from "./types.js";

export const cyclic: WorkloadKind = {
  kind: "cyclic",
  syntax: "cyclic",
  summary: "round-robin over all handlers in id order, repeated to the stream length",
  build(arg, spec, ctx) {
    expectNoArg(cyclic, arg);
    const ids = byId(spec).map((h) => h.id);
    const stream = new Int32Array(ctx.length);
    for (let i = 0; i < ctx.length; i++) stream[i] = ids[i % ids.length]!;
    return makeWorkload("cyclic", `the ${ids.length} handlers of ${spec.name} in id order, repeated (period ${ids.length})`, stream, spec);
  },
};
