import type { Strategy } from "../strategy.js";
import { denseEntries } from "../plan.js";

/**
 * Xen before 4.17, Linux's sys_call_table before 2024:
 * `if (op >= SIZE) return -ENOSYS; return table[op](a1..aN);`
 * A fixed-size table (min = max, so TurboFan's bounds check compares against
 * a constant), one uniform signature; handlers declaring fewer or narrower
 * params sit behind adapters, and empty slots hold a fallback function.
 */
export const table: Strategy = {
  name: "table",
  summary: "bounds check + one call_indirect through a fixed-size funcref table",
  plan: (spec) => ({ root: { kind: "table", entries: denseEntries(spec.handlers.map((h) => h.id)) } }),
  claims: () => ({ call_indirect: 1, br_table: 0, call: 0, br_if: 0, if: 1, "i32.ge_u": 1 }),
  /** One bounds check (one compare, one ordered branch) and one indirect call; no jump table, no direct call in dispatch (adapters are their own functions). */
  machineClaims: () => tableMachineClaims,
};

export const tableMachineClaims = {
  indirectCalls: 1,
  indirectJumps: 0,
  directCallTargets: 0,
  compares: 1,
  conditionalBranches: 1,
  orderedBranches: 1,
} as const;
