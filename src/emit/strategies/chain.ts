import type { Strategy } from "../strategy.js";
import { chainOrder } from "../../spec/types.js";
import { compareChain } from "./shapes.js";

/**
 * A linear chain of compares in priority order, then id order; each handler
 * called directly with its own signature. The i-th handler costs i compares.
 */
export const chain: Strategy = {
  name: "chain",
  summary: "linear if-chain of compares in priority order, then id order; direct calls",
  plan: (spec) => ({ root: compareChain(chainOrder(spec.handlers).map((h) => h.id)) }),
  claims: (spec) => {
    const n = spec.handlers.length;
    return { call_indirect: 0, br_table: 0, "i64.shl": 0, "i32.lt_u": 0, call: n, "i32.eq": n, if: n };
  },
};
