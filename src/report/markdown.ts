/**
 * The report's tables as GitHub Markdown (a PR comment, $GITHUB_STEP_SUMMARY):
 * per input its machine line, its answers and its summary table.
 */
import type { Results } from "../results/schema.js";
import { fingerprintSummary } from "../run/fingerprint.js";
import { SUMMARY_HEADER, summaryRow } from "./html.js";

/** Escapes a table cell: pipes, backslashes, newlines; and HTML-ish angle brackets. */
export function escapeCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r?\n/g, " ");
}

/** Escapes inline Markdown text (not in a table). */
const escapeText = (text: string): string => text.replace(/([\\`*_[\]<>|])/g, "\\$1");

const pipeRow = (cells: string[]): string => `| ${cells.map(escapeCell).join(" | ")} |`;

export function markdownTable(header: string[], rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string {
  const align = header.map((_, i) => (rightAligned.has(i) ? "---:" : "---"));
  return [pipeRow(header), `| ${align.join(" | ")} |`, ...rows.map(pipeRow)].join("\n");
}

export function renderMarkdown(resultsList: Results[]): string {
  const out: string[] = [];
  resultsList.forEach((r, i) => {
    const title = resultsList.length > 1 ? `Input ${i + 1}: ${r.fingerprint.cpu.model ?? "unknown CPU"}` : `dispatch-lab: ${r.spec.name}`;
    out.push(`### ${escapeText(title)}`);
    out.push("");
    out.push(`**machine** \`${r.fingerprint.machineId}\`: ${escapeText(fingerprintSummary(r.fingerprint))}`);
    out.push("");
    out.push(`spec ${escapeText(r.spec.name)}, reference ${escapeText(r.config.reference)}, control ${escapeText(r.config.control)}${r.complete ? "" : " (incomplete)"}`);
    out.push("");
    for (const a of r.answers) out.push(`- ${escapeText(a)}`);
    if (r.answers.length) out.push("");
    out.push(markdownTable(SUMMARY_HEADER, r.summaries.map(summaryRow), new Set([3, 4, 5, 6])));
    out.push("");
  });
  return out.join("\n");
}
