/**
 * Lint: warnings for spec authors about the hazards the 2022 Xen thread found
 * (docs/lint.md). Every rule is a pure function of the spec (and, for
 * abi-narrowing, an older version of it); the CLI prints what they return.
 */
import type { Spec } from "../spec/types.js";

/** error: a behaviour change guests can see (exit 1); warning: a likely mistake; note: a cost or hazard to know about. */
export type Severity = "error" | "warning" | "note";

export interface Finding {
  /** The rule's name, e.g. `mask-word`. */
  rule: string;
  severity: Severity;
  /** A JSON path into the (new) spec, e.g. `handlers[3].id`, or `spec` for the whole spec. */
  path: string;
  message: string;
  /** What to do about it, when there is something to do. */
  fix?: string;
}

export interface LintRule {
  name: string;
  summary: string;
  check(spec: Spec, against?: Spec): Finding[];
}
