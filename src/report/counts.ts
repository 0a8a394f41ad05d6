/**
 * Simulated counts in the report (`run --measure counts`, or `time,counts`):
 * per group (workload x tier x engine) each strategy's instructions,
 * branches and simulated mispredicts per dispatch under valgrind
 * (run/callgrind.ts), and its net instructions and net mispredicts (minus the
 * control's); beside them its net ns when the run timed its cells too. Then,
 * for a run with both, what the counts explain of the timings on this
 * machine (stats/counts-fit.ts): ns per simulated mispredict and per
 * instruction with their intervals, R², and the cells the model fits worst.
 * Every rendering says the counts are simulated. Pure: a RunRecord in, text
 * out (terminal lines, HTML, Markdown); a run without counts shows nothing
 * of this. Names come from a results file and are escaped where they land.
 */
import pc from "picocolors";
import { cellKey, engineOf } from "../model/cells.js";
import { COUNT_EVENTS, EVENT_NAMES, formatCount, mispredicts } from "../model/counts.js";
import { enginesOf, groupLabel, tiersOf, type CellRecord, type CellSummary, type RunRecord } from "../model/results.js";
import { BADLY_SDS, fitCounts, MAX_BADLY, MIN_BADLY_NS, MIN_FIT_CELLS, type CountsFit } from "../stats/counts-fit.js";
import { escapeHtml, escapeMarkdown } from "../text/escape.js";
import { markdownTable } from "../text/markdown-table.js";
import { textTable } from "../text/text-table.js";
import { table } from "./html-table.js";
import { withCi } from "./summary.js";

/** The section's title, as every rendering shows it. */
export const COUNTS_TITLE = "Simulated counts (valgrind)";

/** Whether the run measured counts (or has any): then the report shows them. A run without shows exactly what it always did. */
export const showsCounts = (r: RunRecord): boolean =>
  !!r.config.measure?.includes("counts") || r.summaries.some((s) => s.counts) || r.cells.some((c) => c.counts || c.countsError);

/** A run that measured counts and no time: its cells have no samples, so its counts table stands where the ns table would. */
export const countsOnly = (r: RunRecord): boolean => !!r.config.measure && !r.config.measure.includes("time");

/** A timed cell with counts, as the fit takes it. */
export interface CountsFitCell {
  summary: CellSummary;
  /** `chain @ cyclic`, with the tier and engine where the run has several (`chain @ cyclic (liftoff, node@24)`). */
  label: string;
  /** Net ns per dispatch (median difference to the control). */
  ns: number;
  /** Net instructions per dispatch. */
  instructions: number;
  /** Net simulated mispredicts per dispatch (conditional and indirect). */
  mispredicts: number;
}

export interface RunCountsFit {
  /** The timed cells with counts the fit was asked to take (the control, failed and inconclusive cells left out). */
  cells: CountsFitCell[];
  /** Null when it could not be made: `reason` says why. */
  fit: CountsFit<CountsFitCell> | null;
  reason: string | null;
}

/** A cell's label in the fit's sentence. */
const cellLabel = (s: CellSummary, r: RunRecord): string => `${s.strategy} @ ${groupLabel(s, r.config)}`;

/**
 * The fit of a run's net ns on its net counts, across the cells that have
 * both (stats/counts-fit.ts); null when the run did not time its cells or
 * has no counts.
 */
export function runCountsFit(r: RunRecord): RunCountsFit | null {
  if (countsOnly(r) || !showsCounts(r)) return null;
  const cells = r.summaries.flatMap((s): CountsFitCell[] =>
    s.strategy !== r.config.control && s.status !== "failed" && !s.inconclusive && s.net && s.counts?.net
      ? [{ summary: s, label: cellLabel(s, r), ns: s.net.diff, instructions: s.counts.net.Ir, mispredicts: mispredicts(s.counts.net) }]
      : [],
  );
  const fit = fitCounts(cells, { seed: Math.trunc(r.config.seed) });
  const reason = fit
    ? null
    : cells.length < MIN_FIT_CELLS
      ? `${cells.length} timed cell${cells.length === 1 ? "" : "s"} ha${cells.length === 1 ? "s" : "ve"} counts and a conclusive net (${MIN_FIT_CELLS} needed)`
      : "the cells' net instructions or net mispredicts do not vary, or vary together, so the two costs cannot be told apart";
  return { cells, fit, reason };
}

/** Coefficients to about three significant digits. */
const coef = (x: number): string => {
  const a = Math.abs(x);
  return x.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3);
};
const ns = (x: number): string => `${x.toFixed(2)} ns`;

/**
 * The fit's sentence: "about 5.12 ns per simulated mispredict on this
 * machine [4.10, 6.30] and 0.310 ns per instruction [0.250, 0.370]; R^2 =
 * 0.93 over 12 timed cells; fits worst: chain @ cyclic (measured 4.20 ns,
 * model 1.10 ns)"; or why there is none. Null when the run has no fit to
 * speak of (no time, or no counts).
 */
export function countsFitSentence(r: RunRecord, f: RunCountsFit | null = runCountsFit(r)): string | null {
  if (!f) return null;
  const { fit } = f;
  if (!fit) return `no fit of net ns on the simulated counts: ${f.reason}.`;
  const ci = ([lo, hi]: [number, number]) => `[${coef(lo)}, ${coef(hi)}]`;
  const worst = fit.badly.length
    ? `fits worst: ${fit.badly.map((b) => `${b.point.label} (measured ${ns(b.point.ns)}, model ${ns(b.model)})`).join(", ")}`
    : `no cell is more than ${BADLY_SDS} residual SDs off the model`;
  return `about ${coef(fit.nsPerMispredict)} ns per simulated mispredict on this machine ${ci(fit.nsPerMispredictCI)} and ${coef(fit.nsPerInstruction)} ns per instruction ${ci(fit.nsPerInstructionCI)}; R^2 = ${fit.r2.toFixed(2)} over ${fit.n} timed cells; ${worst}.`;
}

/** How the fit was made, in one paragraph (HTML, Markdown, and dim under the terminal's sentence). */
export function countsFitMethod(r: RunRecord, f: RunCountsFit): string {
  const level = f.fit ? Math.round(f.fit.confidence * 100) : 95;
  return `Fit: least squares of each timed cell's net ns per dispatch on its net instructions and net simulated mispredicts (Bcm + Bim), with an intercept, across the run's cells that have both (the control ${r.config.control}, failed and inconclusive cells left out; at least ${MIN_FIT_CELLS}); ${level}% intervals from a seeded bootstrap over cells. Fits worst: cells more than ${BADLY_SDS} residual SDs (and ${MIN_BADLY_NS} ns) off the model, at most ${MAX_BADLY}, largest first: where this CPU's predictor and pipeline differ from the simulated ones.`;
}

/** What the columns are, and that they are simulated. */
export function countsLegend(r: RunRecord): string {
  const versions = [...new Set(r.cells.flatMap((c) => (c.counts ? [c.counts.valgrind] : [])))];
  const events = COUNT_EVENTS.map((e) => `${e} ${EVENT_NAMES[e]}`).join(", ");
  return `Simulated by valgrind's branch model (${versions.length ? versions.join(", ") : "branch simulation"}), per dispatch: ${events}. Deterministic (the same on every run of the same binaries and flags), and a simple model's predictor, not this CPU's. net: minus the control kernel's (${r.config.control}) counts in the same group; net mispredicts = Bcm + Bim.`;
}

/** The summaries in the terminal's order: engine, tier, workload, then the run's strategies. */
function groups(r: RunRecord): CellSummary[][] {
  const out: CellSummary[][] = [];
  for (const engine of enginesOf(r.config))
    for (const tier of tiersOf(r.config, engine))
      for (const workload of r.config.workloads) {
        const cells = r.config.strategies.flatMap((strategy) =>
          r.summaries.filter((x) => x.strategy === strategy && x.workload === workload && x.tier === tier && engineOf(x) === engine),
        );
        if (cells.length) out.push(cells);
      }
  return out;
}

/** A cell's note: failed, why it has no counts, the control, how badly the model fits it. */
function noteOf(s: CellSummary, cell: CellRecord | undefined, r: RunRecord, badly: ReadonlyMap<CellSummary, number>): string {
  if (s.status === "failed") return `failed: ${s.error ?? "no reason recorded"}`;
  if (cell?.countsError) return `not counted: ${cell.countsError}`;
  if (!s.counts) return "not counted";
  const notes = [
    ...(s.strategy === r.config.control ? ["the control kernel"] : []),
    ...(s.strategy !== r.config.control && !s.counts.net ? [`no net: ${r.config.control} not counted`] : []),
    ...(s.inconclusive && s.net ? [`inconclusive: ${s.inconclusive}`] : []),
    ...(badly.has(s) ? [`fits badly (model ${ns(badly.get(s)!)})`] : []),
  ];
  return notes.join("; ");
}

/**
 * The counts table as text cells: a row per cell, grouped as the terminal's
 * results table; per dispatch Ir, Bc, Bcm, Bi, Bim, then net Ir and net
 * mispredicts, then (a run that timed its cells) net ns, then a note. The
 * group is named on every row, or (`repeat` false) on its first only.
 */
export function countsRows(
  r: RunRecord,
  opts: { repeat?: boolean; fit?: RunCountsFit | null } = {},
): { header: string[]; rows: string[][]; numeric: ReadonlySet<number>; summaries: CellSummary[] } {
  const { repeat = true } = opts;
  const fit = opts.fit === undefined ? runCountsFit(r) : opts.fit;
  const timed = !countsOnly(r);
  const engines = enginesOf(r.config);
  const within = [...(r.config.tiers.length > 1 ? ["tier"] : []), ...(engines.length > 1 ? ["engine"] : [])];
  const header = [
    within.length ? `workload (${within.join(", ")})` : "workload",
    "strategy",
    "Ir",
    "Bc",
    "Bcm (sim.)",
    "Bi",
    "Bim (sim.)",
    "net Ir",
    "net mispredicts (sim.)",
    ...(timed ? ["net ns/dispatch [95% CI]"] : []),
    "note",
  ];
  const byKey = new Map(r.cells.map((c) => [cellKey(c), c]));
  const badly = new Map((fit?.fit?.badly ?? []).map((b) => [b.point.summary, b.model] as const));
  const rows: string[][] = [];
  const summaries: CellSummary[] = [];
  for (const group of groups(r))
    group.forEach((s, i) => {
      const c = s.counts;
      const net = s.strategy === r.config.control ? null : (c?.net ?? null);
      const nsCell = !s.net ? "–" : s.inconclusive ? withCi(s.net.diff, undefined, undefined) : withCi(s.net.diff, s.net.ciLow, s.net.ciHigh);
      rows.push([
        i === 0 || repeat ? groupLabel(s, r.config) : "",
        s.strategy,
        ...COUNT_EVENTS.map((e) => (c ? formatCount(c.perDispatch[e]) : "–")),
        net ? formatCount(net.Ir) : "–",
        net ? formatCount(mispredicts(net)) : "–",
        ...(timed ? [nsCell] : []),
        noteOf(s, byKey.get(cellKey(s)), r, badly),
      ]);
      summaries.push(s);
    });
  const numeric = new Set(Array.from({ length: timed ? 8 : 7 }, (_, i) => i + 2));
  return { header, rows, numeric, summaries };
}

/**
 * The terminal's section: the title, the table, its legend (dim), the fit's
 * sentence and (dim) how it was made. None for a run without counts.
 */
export function countsText(r: RunRecord): string[] {
  if (!showsCounts(r)) return [];
  const fit = runCountsFit(r);
  const t = countsRows(r, { repeat: false, fit });
  // A row without a note would end in the padding of the column before it.
  const [top, ...body] = textTable([t.header, ...t.rows]).map((l) => l.trimEnd());
  const sentence = countsFitSentence(r, fit);
  return [
    pc.bold(`${COUNTS_TITLE}, per dispatch`),
    pc.bold(top!),
    ...body,
    pc.dim(countsLegend(r)),
    ...(sentence && fit ? [sentence, pc.dim(countsFitMethod(r, fit))] : []),
  ];
}

/** The section for report.html; empty for a run without counts. */
export function countsHtml(r: RunRecord): string {
  if (!showsCounts(r)) return "";
  const fit = runCountsFit(r);
  const t = countsRows(r, { fit });
  const sentence = countsFitSentence(r, fit);
  return [
    `<div class="counts">`,
    `<h3>${escapeHtml(COUNTS_TITLE)}</h3>`,
    table(t.header, t.rows, t.numeric, (i) => (t.summaries[i]!.status === "failed" ? "failed" : "")),
    `<p class="muted">${escapeHtml(countsLegend(r))}</p>`,
    ...(sentence && fit ? [`<p class="fit">${escapeHtml(sentence)}</p>`, `<p class="muted">${escapeHtml(countsFitMethod(r, fit))}</p>`] : []),
    `</div>`,
  ].join("\n");
}

/** The section for the Markdown report, as lines; none for a run without counts. */
export function countsMarkdown(r: RunRecord): string[] {
  if (!showsCounts(r)) return [];
  const fit = runCountsFit(r);
  const t = countsRows(r, { fit });
  const sentence = countsFitSentence(r, fit);
  return [
    `**${escapeMarkdown(COUNTS_TITLE)}**`,
    "",
    markdownTable(t.header, t.rows, t.numeric),
    "",
    `_${escapeMarkdown(countsLegend(r))}_`,
    "",
    ...(sentence && fit ? [escapeMarkdown(sentence), "", `_${escapeMarkdown(countsFitMethod(r, fit))}_`, ""] : []),
  ];
}
