/**
 * The report's tables as GitHub Markdown (a PR comment, $GITHUB_STEP_SUMMARY):
 * per input its machine line (and busy-machine warnings), its answers and
 * its summary table with its notes, then its simulated counts when it
 * measured them (counts.ts: in place of the table when it measured counts
 * alone). Every text is escaped (text/escape.ts):
 * names from a user's files make no HTML, link, image, mention or column.
 */
import type { Dataset, RunRecord } from "../model/results.js";
import { fingerprintSummary } from "../model/fingerprint.js";
import { escapeMarkdown } from "../text/escape.js";
import { runAnswers } from "../results/answers.js";
import { markdownTable } from "../text/markdown-table.js";
import { BUSY, loadWarnings, summaryNotes, summaryTable, sweepLoadWarnings } from "./summary.js";
import { ENGINE_HEADER, engineRows, showsEngines } from "./engines.js";
import { sweepSectionMarkdown } from "./sweep-section.js";
import { hardwareMarkdown } from "./hardware.js";
import { countsMarkdown, countsOnly } from "./counts.js";

/** A machine id as code when it is a plain token (a results file may hold anything: then as escaped text). */
const machineId = (id: string): string => (/^[\w.:-]+$/.test(id) ? `\`${id}\`` : escapeMarkdown(id));

/** The machine line and, when the machine was busy, its warnings. */
function machineMarkdown(r: RunRecord, warnings: readonly string[]): string[] {
  const line = `**machine** ${machineId(r.fingerprint.machineId)}: ${escapeMarkdown(fingerprintSummary(r.fingerprint))}`;
  return warnings.length ? [line, "", `**${escapeMarkdown(BUSY)}**`, "", ...warnings.map((w) => `- ${escapeMarkdown(w)}`)] : [line];
}

/** A run that recorded its engines: its engines table (the skipped strategies are among the table's notes). */
const enginesMarkdown = (r: RunRecord): string[] => (showsEngines(r) ? ["**engines**", "", markdownTable(ENGINE_HEADER, engineRows(r)), ""] : []);

function runMarkdown(r: RunRecord, title: string): string[] {
  const t = summaryTable(r);
  return [
    `### ${escapeMarkdown(title)}`,
    "",
    ...machineMarkdown(r, loadWarnings([{ run: r }])),
    "",
    `spec ${escapeMarkdown(r.spec.name)}, reference ${escapeMarkdown(r.config.reference)}, control ${escapeMarkdown(r.config.control)}${r.complete ? "" : " (incomplete)"}`,
    "",
    ...runAnswers(r).flatMap((a, i, all) => [`- ${escapeMarkdown(a)}`, ...(i === all.length - 1 ? [""] : [])]),
    // A run that measured counts alone has no ns: its counts stand in for the ns table.
    ...(countsOnly(r) ? [] : [markdownTable(t.header, t.rows, t.numeric), ""]),
    ...summaryNotes(r).flatMap((n) => [`_${escapeMarkdown(n)}_`, ""]),
    ...countsMarkdown(r),
    ...enginesMarkdown(r),
    ...hardwareMarkdown(r),
  ];
}

/** Plain runs: their tables; sweeps: their curves' tables (the per-point tables are in the CSVs). */
export function renderMarkdown(datasets: Dataset[]): string {
  const runs = datasets.flatMap((d) => (d.sweep ? [] : d.runs));
  const out = runs.flatMap((r, i) =>
    runMarkdown(r, runs.length > 1 ? `Input ${i + 1}: ${r.fingerprint.cpu.model ?? "unknown CPU"}` : `dispatch-lab: ${r.spec.name}`),
  );
  for (const d of datasets.filter((x) => x.sweep)) {
    out.push(sweepSectionMarkdown(d.sweep!), "", ...machineMarkdown(d.runs[0]!, sweepLoadWarnings(d)), "");
  }
  return out.join("\n");
}
