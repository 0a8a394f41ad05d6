import type { Strategy } from "../strategy.js";
import type { Spec } from "../../spec/types.js";
import { chainOrder } from "../../spec/types.js";
import { denseEntries, type Node } from "../plan.js";
import { compareChain } from "./shapes.js";

/**
 * Intel's recommendation as quoted in the Xen thread: direct compares for the
 * few hot (prioritised) numbers, then one indirect call for the rest. The
 * table holds only the unprioritised handlers. A spec with no priorities
 * degenerates to `table`; one with no unprioritised handlers to `chain`.
 */
const split = (spec: Spec) => {
  const hot = chainOrder(spec.handlers.filter((h) => h.priority !== undefined));
  const rest = spec.handlers.filter((h) => h.priority === undefined);
  return { hot, rest };
};

export const hybrid: Strategy = {
  name: "hybrid",
  summary: "direct compares for prioritised handlers, one call_indirect for the rest",
  plan: (spec) => {
    const { hot, rest } = split(spec);
    const cold: Node = rest.length ? { kind: "table", entries: denseEntries(rest.map((h) => h.id)) } : { kind: "fallback" };
    return {
      root: compareChain(
        hot.map((h) => h.id),
        cold,
      ),
    };
  },
  claims: (spec) => {
    const { hot, rest } = split(spec);
    const tables = rest.length ? 1 : 0;
    return { call_indirect: tables, br_table: 0, call: hot.length, "i32.eq": hot.length, if: hot.length + tables };
  },
  /**
   * An equality compare per hot handler, in a chain (no ordered branch but the
   * table's bounds check), then one indirect call when there is a table; no jump table.
   */
  machineClaims: (spec) => {
    const { hot, rest } = split(spec);
    const tables = rest.length ? 1 : 0;
    return {
      indirectCalls: tables,
      indirectJumps: 0,
      directCallTargets: hot.length,
      compares: { min: hot.length + tables },
      equalityBranches: { min: hot.length },
      orderedBranches: tables,
    };
  },
};
