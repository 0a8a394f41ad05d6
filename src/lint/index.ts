/**
 * `dispatch-lab lint`: the rule registry and its ordering (docs/lint.md).
 * Pure: a spec in, findings out; the CLI reads files and prints.
 */
import type { Spec } from "../spec/types.js";
import { SEVERITIES } from "./format.js";
import { abiNarrowing } from "./rules/abi-narrowing.js";
import { levelSize } from "./rules/level-size.js";
import { maskWord } from "./rules/mask-word.js";
import { positionCost } from "./rules/position-cost.js";
import { unguardedAlias } from "./rules/unguarded-alias.js";
import type { Finding, LintRule } from "./types.js";

export type { Finding, LintRule, Severity } from "./types.js";
export { formatFindings } from "./format.js";

/** Every rule, in the order docs/lint.md lists them. */
export const rules: readonly LintRule[] = [maskWord, unguardedAlias, levelSize, positionCost, abiNarrowing];

/**
 * Paths compare segment by segment, numbers as numbers, so handlers[2]
 * precedes handlers[10] (the order of the user's file).
 */
export function comparePaths(a: string, b: string): number {
  const split = (p: string) => p.split(/(\d+)/);
  const [x, y] = [split(a), split(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [s, t] = [x[i]!, y[i]!];
    if (s === t) continue;
    // split() with a capture group puts the digit runs at odd indexes.
    if (i % 2 === 1) return Number(s) - Number(t);
    return s < t ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * Every rule's findings, errors first, then by path; ties keep the rules'
 * order (the sort is stable). `against` is an older version of the spec.
 */
export function lint(spec: Spec, against?: Spec): Finding[] {
  return sortFindings(rules.flatMap((r) => r.check(spec, against)));
}

/** Errors first, then warnings, then notes; within each, by path (comparePaths); stable otherwise. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding) => SEVERITIES.indexOf(f.severity);
  return [...findings].sort((a, b) => rank(a) - rank(b) || comparePaths(a.path, b.path));
}

/** 1 iff some finding is an error (notes and warnings inform; errors fail a CI step). */
export function exitCodeFor(findings: readonly Finding[]): 0 | 1 {
  return findings.some((f) => f.severity === "error") ? 1 : 0;
}
