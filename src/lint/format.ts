import type { Finding, Severity } from "./types.js";

/** Errors first: they set the exit code; notes last: they are context. */
export const SEVERITIES: readonly Severity[] = ["error", "warning", "note"];

/** How many findings the text form prints: Xen's tables (58 notes for pv64) in full, a 300-handler synthetic spec cut. */
export const MAX_PRINTED_FINDINGS = 100;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * The text form: one line per finding, `severity rule path: message`, its
 * fix (if any) after `; fix: ` on the same line so each finding greps as one
 * line; then a count line. A long list (a synthetic spec of hundreds of
 * handlers) is cut after MAX_PRINTED_FINDINGS, errors first as sorted, with a line
 * saying how many more; the count line counts them all and the JSON form
 * (the findings array itself) lists them all.
 */
export function formatFindings(findings: readonly Finding[]): string {
  const lines = findings.slice(0, MAX_PRINTED_FINDINGS).map((f) => `${f.severity} ${f.rule} ${f.path}: ${f.message}${f.fix ? `; fix: ${f.fix}` : ""}`);
  const rest = findings.length - MAX_PRINTED_FINDINGS;
  if (rest > 0) lines.push(`... and ${plural(rest, "more finding")} (--json lists all)`);
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  lines.push([plural(count("error"), "error"), plural(count("warning"), "warning"), plural(count("note"), "note")].join(", "));
  return lines.join("\n");
}
