/**
 * The summary table of a run as text cells (HTML and Markdown render the
 * same rows), its notes, and the busy-machine warnings shown beside it.
 */
import { engineOf } from "../model/cells.js";
import { enginesOf, type CellSummary, type Dataset, type RunRecord } from "../model/results.js";

/** "1.23 [1.10, 1.40]" with `digits` decimals, or "–" when missing. */
export function withCi(value: number | undefined, ciLow: number | undefined, ciHigh: number | undefined, digits = 2): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  const ci = ciLow !== undefined && ciHigh !== undefined ? ` [${ciLow.toFixed(digits)}, ${ciHigh.toFixed(digits)}]` : "";
  return `${value.toFixed(digits)}${ci}`;
}

/** Shown under a summary table that has a negative net. */
export const NEGATIVE_NET_NOTE =
  "negative net: this strategy's whole call was faster than the control kernel's in the same rounds; the control is an out-of-line direct call, so a strategy that the engine compiles tighter can come out below it.";

export const hasNegativeNet = (s: CellSummary): boolean => !!s.net && s.net.diff < 0;

/**
 * A cell's status: failed with its error; "inconclusive: <why>" in place of
 * any verdict its numbers seem to give (the numbers stay in their columns);
 * a negative net pointed at NEGATIVE_NET_NOTE.
 */
function statusText(s: CellSummary): string {
  if (s.error) return `${s.status}: ${s.error}`;
  if (s.inconclusive) return `inconclusive: ${s.inconclusive}`;
  return hasNegativeNet(s) ? `${s.status}; negative net (see the note)` : s.status;
}

/**
 * The summary table's cells for one summary, as text (shared with
 * markdown.ts). An inconclusive cell's numbers are shown without an
 * interval: from too few rounds a bootstrap interval is not one.
 */
export function summaryRow(s: CellSummary, withEngine = false): string[] {
  const ci = (lo: number, hi: number): [number | undefined, number | undefined] => (s.inconclusive ? [undefined, undefined] : [lo, hi]);
  return [
    s.workload,
    s.strategy,
    s.tier,
    ...(withEngine ? [engineOf(s)] : []),
    s.gross ? withCi(s.gross.median, ...ci(s.gross.ciLow, s.gross.ciHigh)) : "–",
    s.net ? withCi(s.net.diff, ...ci(s.net.ciLow, s.net.ciHigh)) : "–",
    s.ratio ? `${s.ratio.ratio.toFixed(3)}x${s.inconclusive ? "" : ` [${s.ratio.ciLow.toFixed(3)}, ${s.ratio.ciHigh.toFixed(3)}]`}` : "–",
    String(s.gross?.n ?? 0),
    statusText(s),
  ];
}

/** The ratio column is the whole call's (gross time, not net) over the reference's: its header says so. */
export const summaryHeader = (reference: string, withEngine = false): string[] => [
  "workload",
  "strategy",
  "tier",
  ...(withEngine ? ["engine"] : []),
  "gross ns/dispatch [95% CI]",
  "net ns/dispatch [95% CI]",
  `x ${reference}, whole call [95% CI]`,
  "samples",
  "status",
];
/** The summary table's right-aligned (numeric) columns. */
export const SUMMARY_NUMERIC: ReadonlySet<number> = new Set([3, 4, 5, 6]);

/**
 * A run's summary table as text: header, rows, numeric columns and the
 * summary behind each row. With several engines it has an engine column and
 * its rows are grouped by engine in the run's order (as the terminal's);
 * with one it is the table it always was.
 */
export function summaryTable(r: RunRecord): { header: string[]; rows: string[][]; numeric: ReadonlySet<number>; summaries: CellSummary[] } {
  const engines = enginesOf(r.config);
  if (engines.length < 2)
    return { header: summaryHeader(r.config.reference), rows: r.summaries.map((s) => summaryRow(s)), numeric: SUMMARY_NUMERIC, summaries: r.summaries };
  const rank = (s: CellSummary) => {
    const i = engines.indexOf(engineOf(s));
    return i < 0 ? engines.length : i;
  };
  // A stable sort: within an engine the rows keep the run's order.
  const summaries = [...r.summaries].sort((a, b) => rank(a) - rank(b));
  return {
    header: summaryHeader(r.config.reference, true),
    rows: summaries.map((s) => summaryRow(s, true)),
    numeric: new Set([...SUMMARY_NUMERIC].map((i) => i + 1)),
    summaries,
  };
}

/** One line per strategy an engine could not run (RunRecord.skipped): not measured there, not a failure. */
export const skippedNotes = (r: RunRecord): string[] => skippedGroups(r).map((k) => `skipped: ${k.strategies.join(", ")} in ${k.engine}: ${k.reason}`);

/** The skipped strategies grouped by engine and reason (an engine with no compiler skips every strategy for one reason). */
export function skippedGroups(r: RunRecord): { engine: string; reason: string; strategies: string[] }[] {
  const groups = new Map<string, { engine: string; reason: string; strategies: string[] }>();
  for (const k of r.skipped ?? []) {
    const key = `${k.engine}\u0000${k.reason}`;
    const group = groups.get(key) ?? groups.set(key, { engine: k.engine, reason: k.reason, strategies: [] }).get(key)!;
    group.strategies.push(k.strategy);
  }
  return [...groups.values()];
}

/** The notes a run's summary table needs: the negative-net explanation when one of its nets is negative, and the strategies an engine skipped. */
export const summaryNotes = (r: RunRecord): string[] => [...(r.summaries.some(hasNegativeNet) ? [NEGATIVE_NET_NOTE] : []), ...skippedNotes(r)];

/** The heading of busy-machine warnings. */
export const BUSY = "The machine was busy while it measured: its numbers may be off.";

/** A sweep's hundreds of points would repeat their warnings: the first few are shown, then how many more. */
const MAX_LOAD_WARNINGS = 10;

/**
 * "session 0: <warning>" for every session that measured on a busy machine
 * (run/load.ts), each run's prefixed with its label where there are several
 * (a sweep's points); cut after MAX_LOAD_WARNINGS.
 */
export function loadWarnings(runs: ReadonlyArray<{ label?: string; run: RunRecord }>): string[] {
  const all = runs.flatMap(({ label, run }) =>
    run.sessions.flatMap((s, i) => (s.load?.busy ? s.load.warnings.map((w) => `${label ? `${label}, ` : ""}session ${i}: ${w}`) : [])),
  );
  const rest = all.length - MAX_LOAD_WARNINGS;
  return rest > 0 ? [...all.slice(0, MAX_LOAD_WARNINGS), `... and ${rest} more`] : all;
}

/** A sweep's busy-machine warnings, each labelled with its point. */
export const sweepLoadWarnings = (d: Dataset): string[] => loadWarnings(d.runs.map((run, i) => ({ label: d.sweep?.points[i]?.label ?? run.spec.name, run })));
