/**
 * The report's tables as GitHub Markdown (a PR comment, $GITHUB_STEP_SUMMARY):
 * per input its machine line, its answers and its summary table.
 */
import type { Dataset, Results } from "../results/schema.js";
import { fingerprintSummary } from "../run/fingerprint.js";
import { SUMMARY_HEADER, SUMMARY_NUMERIC, summaryRow } from "./html.js";
import { sweepSectionMarkdown } from "./sweep-section.js";

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

function runMarkdown(r: Results, title: string): string[] {
  return [
    `### ${escapeText(title)}`,
    "",
    `**machine** \`${r.fingerprint.machineId}\`: ${escapeText(fingerprintSummary(r.fingerprint))}`,
    "",
    `spec ${escapeText(r.spec.name)}, reference ${escapeText(r.config.reference)}, control ${escapeText(r.config.control)}${r.complete ? "" : " (incomplete)"}`,
    "",
    ...r.answers.map((a) => `- ${escapeText(a)}`),
    ...(r.answers.length ? [""] : []),
    markdownTable(SUMMARY_HEADER, r.summaries.map(summaryRow), SUMMARY_NUMERIC),
    "",
  ];
}

/** Plain runs: their tables; sweeps: their curves' tables (the per-point tables are in the CSVs). */
export function renderMarkdown(datasets: Dataset[]): string {
  const runs = datasets.flatMap((d) => (d.sweep ? [] : d.runs));
  const out = runs.flatMap((r, i) => runMarkdown(r, runs.length > 1 ? `Input ${i + 1}: ${r.fingerprint.cpu.model ?? "unknown CPU"}` : `dispatch-lab: ${r.spec.name}`));
  for (const d of datasets.filter((x) => x.sweep)) {
    const first = d.runs[0]!;
    out.push(sweepSectionMarkdown(d.sweep!), "", `**machine** \`${first.fingerprint.machineId}\`: ${escapeText(fingerprintSummary(first.fingerprint))}`, "");
  }
  return out.join("\n");
}
