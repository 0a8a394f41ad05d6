import { chainOrder, type Spec } from "../../spec/types.js";
import { pathsOf, xenCosts, xenLevels } from "../shape.js";
import type { Finding, LintRule } from "../types.js";

/** A handler this deep in a linear chain pays 16+ compares per call. */
export const DEEP = 16;
/** More deep handlers than this earn a summary line. */
export const SUMMARY_OVER = 10;

/**
 * The cost of order: a linear `if` chain (the `chain` strategy) spends k
 * compares on its k-th handler, in priority-then-id order. The xen scheme
 * spends one compare per level before the handler's, plus its depth inside
 * the level (a compare tree in the last one). Notes, not warnings: a deep
 * handler is fine if it is cold; the workloads decide.
 */
export const positionCost: LintRule = {
  name: "position-cost",
  summary: "handlers 16+ compares deep in a linear chain, and their cost in the xen scheme",
  check(spec: Spec): Finding[] {
    const pathOf = pathsOf(spec);
    const costs = xenCosts(xenLevels(spec));
    const deep = chainOrder(spec.handlers)
      .map((h, i) => ({ h, k: i + 1 }))
      .filter(({ k }) => k >= DEEP);
    const findings: Finding[] = deep.map(({ h, k }) => {
      const { before, inLevel } = costs.get(h.id)!;
      return {
        rule: "position-cost",
        severity: "note",
        path: pathOf(h),
        message:
          `handler ${h.name} is compare #${k} in a linear chain (and #${before + inLevel} in the xen scheme: ` +
          `${before} level${before === 1 ? "" : "s"} before it + ${inLevel} in its level)`,
      };
    });
    if (deep.length > SUMMARY_OVER) {
      const worst = Math.max(...deep.map(({ h }) => costs.get(h.id)!.before + costs.get(h.id)!.inLevel));
      findings.push({
        rule: "position-cost",
        severity: "note",
        path: "spec",
        message: `${deep.length} handlers are ${DEEP}+ compares deep in a linear chain (up to #${spec.handlers.length}); the xen scheme reaches each in at most ${worst}`,
      });
    }
    return findings;
  },
};
