import type { Strategy } from "../strategy.js";
import type { Spec } from "../../spec/types.js";
import { chainOrder } from "../../spec/types.js";
import { call } from "../plan.js";

/**
 * The control kernel: the same module and harness, but `dispatch` calls one
 * handler directly whatever the number. The timing engine subtracts its cost
 * (loop, call, handler body) from every strategy's to leave dispatch alone.
 * The handler is the first in chain order (the hottest).
 */
export const controlHandlerId = (spec: Spec): number => chainOrder(spec.handlers)[0]!.id;

export const direct: Strategy = {
  name: "direct",
  summary: "control kernel: the same harness calling the hottest handler directly",
  control: true,
  plan: (spec) => ({ root: call(controlHandlerId(spec)) }),
  claims: () => ({ call: 1, call_indirect: 0, br_table: 0, if: 0, br_if: 0 }),
  /** One direct call, nothing tested. */
  machineClaims: () => ({ indirectCalls: 0, indirectJumps: 0, directCalls: 1, directCallTargets: 1, compares: 0, conditionalBranches: 0 }),
};
