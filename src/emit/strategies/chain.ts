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
  /**
   * Compares and direct calls only: no indirect branch (no jump table), every
   * handler called, an equality compare and branch per handler, and no ordered
   * branch (a `ja`/`jl` means a search tree, not a chain).
   */
  machineClaims: (spec) => {
    const n = spec.handlers.length;
    return {
      indirectCalls: 0,
      indirectJumps: 0,
      directCallTargets: n,
      compares: { min: n },
      equalityBranches: { min: n },
      orderedBranches: 0,
    };
  },
};
