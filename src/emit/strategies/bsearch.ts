import type { Strategy } from "../strategy.js";
import { compareTree } from "./shapes.js";

/** A balanced binary compare tree over the ids: ceil(log2 n) + 1 compares for every handler. */
export const bsearch: Strategy = {
  name: "bsearch",
  summary: "balanced binary compare tree over the ids (log2 n compares, no table)",
  plan: (spec) => ({ root: compareTree(spec.handlers) }),
  claims: (spec) => {
    const n = spec.handlers.length;
    return { call_indirect: 0, br_table: 0, call: n, "i32.eq": n, "i32.lt_u": n - 1, "i64.shl": 0 };
  },
  /**
   * A compare tree: no indirect branch, every handler called, and from four
   * handlers on an ordered branch that splits (with fewer, a split like
   * `u < 1` is `u == 0` and compilers write it so).
   */
  machineClaims: (spec) => {
    const n = spec.handlers.length;
    return { indirectCalls: 0, indirectJumps: 0, directCallTargets: n, orderedBranches: { min: n >= 4 ? 1 : 0 } };
  },
};
