import type { Finding, Severity } from "./types.js";

/** Errors first: they set the exit code; notes last: they are context. */
export const SEVERITIES: readonly Severity[] = ["error", "warning", "note"];

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * The text form: one line per finding, `severity rule path: message`, its
 * fix (if any) after `; fix: ` on the same line so each finding greps as one
 * line; then a count line. The JSON form is the findings array itself.
 */
export function formatFindings(findings: readonly Finding[]): string {
  const lines = findings.map((f) => `${f.severity} ${f.rule} ${f.path}: ${f.message}${f.fix ? `; fix: ${f.fix}` : ""}`);
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  lines.push([plural(count("error"), "error"), plural(count("warning"), "warning"), plural(count("note"), "note")].join(", "));
  return lines.join("\n");
}
