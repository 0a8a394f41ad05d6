/**
 * `fixed:X`: always the same handler. The best case of every branch
 * predictor: it isolates a strategy's cost of reaching one handler, e.g.
 * the hottest (first compare of a chain) against the coldest (last).
 */
import type { Handler, Spec } from "../spec/types.js";
import { chainOrder } from "../spec/types.js";
import { argError, makeWorkload, requireArg } from "./shared.js";
import type { WorkloadKind } from "./types.js";

/**
 * The handler X names. The keywords win over a handler that happens to be
 * named `hottest`/`coldest`, so `fixed:hottest` means the same on every spec.
 */
function resolve(spec: Spec, x: string): { handler: Handler; why: string } | undefined {
  const order = chainOrder(spec.handlers);
  if (x === "hottest") return { handler: order[0]!, why: "the hottest: first in chain order" };
  if (x === "coldest") return { handler: order[order.length - 1]!, why: "the coldest: last in chain order" };
  const handler = /^[0-9]+$/.test(x) ? spec.handlers.find((h) => h.id === Number(x)) : spec.handlers.find((h) => h.name === x);
  return handler && { handler, why: /^[0-9]+$/.test(x) ? "by id" : "by name" };
}

export const fixed: WorkloadKind = {
  kind: "fixed",
  syntax: "fixed:X",
  summary: "always handler X: an id, a handler name, hottest or coldest (the first or last in priority order, as a chain tests them; not by frequency)",
  build(arg, spec, ctx) {
    const x = requireArg(fixed, arg);
    const name = `fixed:${x}`;
    const found = resolve(spec, x);
    if (!found) {
      const what = /^[0-9]+$/.test(x) ? `no handler has id ${x}` : `no handler is named "${x}"`;
      throw argError(name, `${what} in spec ${spec.name}`, "write fixed:ID, fixed:NAME, fixed:hottest or fixed:coldest with a handler of the spec");
    }
    const { handler, why } = found;
    const stream = new Int32Array(ctx.length).fill(handler.id);
    return makeWorkload(name, `always ${handler.name} (id ${handler.id}), ${why}`, stream, spec);
  },
};
