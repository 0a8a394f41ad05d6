import type { Spec } from "../../spec/types.js";
import { levelName, pathsOf, treeDepth, xenLevels } from "../shape.js";
import type { Finding, LintRule } from "../types.js";

/** From this many handlers a mask level needs an inner dispatch (two are one compare). */
export const INNER_DISPATCH = 3;
/** From this many the inner dispatch is as deep as the level was meant to save: split it. */
export const SPLIT_LEVEL = 8;

/**
 * A priority level exists to make a few hot numbers cheap. Behind the mask,
 * three or more handlers need Xen's inner `switch` (a compare tree under
 * -fno-jump-tables), so the hottest numbers pay the mask test and up to
 * ceil(log2 N) + 1 compares more.
 */
export const levelSize: LintRule = {
  name: "level-size",
  summary: "priority levels of 3+ handlers (mask + inner dispatch); 8+ should be split",
  check(spec: Spec): Finding[] {
    const pathOf = pathsOf(spec);
    return xenLevels(spec)
      .filter((l) => l.masked && l.handlers.length >= INNER_DISPATCH)
      .map((l) => {
        const n = l.handlers.length;
        const split = n >= SPLIT_LEVEL;
        const finding: Finding = {
          rule: "level-size",
          severity: split ? "warning" : "note",
          path: `${pathOf(l.handlers[0]!)}.priority`,
          message:
            `${levelName(l)}: mask + inner dispatch of ${n} handlers, up to ${treeDepth(n)} compares after the mask ` +
            `(ceil(log2 ${n})+1)${split ? "; consider splitting the level" : ""}`,
        };
        if (split) finding.fix = `give the hottest of its ${n} handlers a priority of their own (one or two per level)`;
        return finding;
      });
  },
};
