/**
 * A sweep's part of the report (docs/sweeps.md): its sentences, its charts
 * (sweep-charts.ts) and its tables. The tables are built once as text cells
 * (sweepTables) and rendered by html-table.ts's table() here and by markdownTable()
 * for Markdown, so both reports show the same numbers.
 */
import type { CellTier } from "../model/tiers.js";
import type {
  BodyAnalysis,
  CrossoverAnalysis,
  CrossoverCurve,
  Estimate,
  PositionAnalysis,
  ScaleAnalysis,
  ScalePoint,
  SweepAnalysis,
  SweepKind,
  SweepRecord,
} from "../model/sweep.js";
import { escapeHtml, escapeMarkdown } from "../text/escape.js";
import { table } from "./html-table.js";
import { withCi } from "./summary.js";
import { markdownTable } from "../text/markdown-table.js";
import { bodyChart, crossoverChart, fmtX, positionChart, scaleChart } from "./sweep-charts.js";

export const SWEEP_TITLES: Record<SweepKind, string> = {
  position: "Position sweep",
  scale: "Scaling sweep",
  crossover: "Crossover sweep",
  body: "Body-cost sweep",
};

export const INCOMPLETE = "the sweep has no analysis yet (incomplete)";

/** A table as text cells; `numeric` holds the right-aligned columns. */
export interface TextTable {
  caption: string;
  header: string[];
  rows: string[][];
  numeric: ReadonlySet<number>;
}

/** "1.23 [1.10, 1.40]" (times `scale`), or "–" when the point has no data. */
export const estimateCell = (e: Estimate | null, digits = 2, scale = 1): string =>
  e ? withCi(e.value * scale, e.ciLow * scale, e.ciHigh * scale, digits) : "–";

const range = (from: number, to: number): Set<number> => new Set(Array.from({ length: to - from + 1 }, (_, i) => from + i));

/**
 * The engine column, after the tier: only when the curves carry engines (a
 * sweep of several engines, or of one other than the default node), so a
 * node-only sweep's tables are as they were. `shift` moves the numeric columns.
 */
function engineColumn(curves: readonly { engine?: string }[]): { header: string[]; cell: (c: { engine?: string }) => string[]; shift: number } {
  const has = curves.some((c) => c.engine !== undefined);
  return has ? { header: ["engine"], cell: (c) => [c.engine ?? "node"], shift: 1 } : { header: [], cell: () => [], shift: 0 };
}

// ---- tables --------------------------------------------------------------------

export function positionTable(a: PositionAnalysis): TextTable {
  const eng = engineColumn(a.curves);
  const rows = a.curves.map((c) => {
    const f = c.fit;
    const points = String(c.points.filter((p) => p.net).length);
    const name = [c.strategy, c.tier, ...eng.cell(c)];
    if (!f) return [...name, "–", "–", "–", "–", points];
    return [...name, withCi(f.slope, ...f.slopeCI, 3), withCi(f.intercept, ...f.interceptCI), f.r2.toFixed(3), f.residualSd.toFixed(3), points];
  });
  return {
    caption: `Least-squares fit of net ns per dispatch on position, ${a.spec}`,
    header: ["strategy", "tier", ...eng.header, "slope ns/position [95% CI]", "intercept ns [95% CI]", "r²", "residual sd ns", "points"],
    rows,
    numeric: range(2 + eng.shift, 6 + eng.shift),
  };
}

export function scaleTable(a: ScaleAnalysis): TextTable {
  const ns = [...new Set(a.curves.flatMap((c) => c.points.map((p) => p.n)))].sort((p, q) => p - q);
  const cell = (points: readonly ScalePoint[], n: number): string => estimateCell(points.find((p) => p.n === n)?.net ?? null);
  const eng = engineColumn(a.curves);
  return {
    caption: "Net ns per dispatch [95% CI] per N (handlers)",
    header: ["workload", "strategy", "tier", ...eng.header, ...ns.map((n) => `N=${n}`)],
    rows: a.curves.map((c) => [c.workload, c.strategy, c.tier, ...eng.cell(c), ...ns.map((n) => cell(c.points, n))]),
    numeric: range(3 + eng.shift, 2 + eng.shift + ns.length),
  };
}

const winnerName = (names: { a: string; b: string }, w: "a" | "b" | "tie"): string => (w === "tie" ? "tie" : names[w]);

/** A and b are compared within one engine: the curve's engine is named with its tier where it has one. */
const curveName = (c: CrossoverCurve): string => `along ${c.axis}, ${c.held} (${c.engine === undefined ? c.tier : `${c.tier}, ${c.engine}`})`;

export function crossoverPointsTable(c: CrossoverCurve, names: { a: string; b: string }): TextTable {
  return {
    caption: `${names.a} / ${names.b} gross ratio ${curveName(c)}`,
    header: [c.axis, `${names.a} / ${names.b} gross ratio [95% CI]`, "faster"],
    rows: c.result.points.map((p) => [fmtX(p.x), withCi(p.ratio, p.ciLow, p.ciHigh, 3), winnerName(names, p.winner)]),
    numeric: new Set([0, 1]),
  };
}

export function crossingsTable(c: CrossoverCurve, names: { a: string; b: string }): TextTable {
  return {
    caption: `Crossings ${curveName(c)}`,
    header: ["crossing", "estimate", "95% interval", "verdict"],
    rows: c.result.crossings.map((k) => [
      `${names[k.from]} → ${names[k.to]}`,
      fmtX(k.estimate),
      `[${fmtX(k.low)}, ${fmtX(k.high)}]`,
      k.conclusive ? "conclusive" : "inconclusive",
    ]),
    numeric: new Set([1, 2]),
  };
}

/** Per curve its points, then its crossings (left out when it has none: the curve's sentence says who wins throughout). */
export function crossoverTables(a: CrossoverAnalysis): TextTable[] {
  const names = { a: a.a, b: a.b };
  return a.curves.flatMap((c) => [crossoverPointsTable(c, names), ...(c.result.crossings.length ? [crossingsTable(c, names)] : [])]);
}

export function bodyTable(a: BodyAnalysis): TextTable {
  const eng = engineColumn(a.curves);
  return {
    caption: `Per body size: gross ns per call of the control kernel, the dispatch's share of the call, the change vs ${a.reference}`,
    header: ["workload", "strategy", "tier", ...eng.header, "alu ops", "call ns [95% CI]", "share % [95% CI]", `vs ${a.reference} % [95% CI]`],
    rows: a.curves.flatMap((c) =>
      c.points.map((p) => [
        c.workload,
        c.strategy,
        c.tier,
        ...eng.cell(c),
        String(p.ops),
        estimateCell(p.callNs),
        estimateCell(p.share, 2, 100),
        estimateCell(p.vsReference, 2, 100),
      ]),
    ),
    numeric: range(3 + eng.shift, 6 + eng.shift),
  };
}

export function sweepTables(analysis: SweepAnalysis): TextTable[] {
  switch (analysis.kind) {
    case "position":
      return [positionTable(analysis)];
    case "scale":
      return [scaleTable(analysis)];
    case "crossover":
      return crossoverTables(analysis);
    case "body":
      return [bodyTable(analysis)];
  }
}

// ---- figures --------------------------------------------------------------------

interface Figure {
  svg: string | null;
  caption: string;
}

type Curveish = { workload: string; tier: CellTier; engine?: string };

/** Each (workload, tier, engine) of the curves once, in their order: one chart each. */
function workloadTiers(curves: readonly Curveish[]): Curveish[] {
  const seen = new Map<string, Curveish>();
  for (const c of curves)
    seen.set(`${c.workload}\u0000${c.tier}\u0000${c.engine ?? ""}`, {
      workload: c.workload,
      tier: c.tier,
      ...(c.engine === undefined ? {} : { engine: c.engine }),
    });
  return [...seen.values()];
}

/** Each (tier, engine) of the curves once, in their order. */
function tierEngines(curves: readonly { tier: CellTier; engine?: string }[]): Array<{ tier: CellTier; engine?: string }> {
  return workloadTiers(curves.map((c) => ({ ...c, workload: "" })));
}

/** " (liftoff)", " (bun)", " (liftoff, bun)": the tier and the engine, each only when the analysis spans several. */
const tierNote = (curves: readonly { tier: CellTier; engine?: string }[], tier: CellTier, engine?: string): string => {
  const parts = [
    ...(new Set(curves.map((c) => c.tier)).size > 1 ? [tier] : []),
    ...(new Set(curves.map((c) => c.engine)).size > 1 && engine !== undefined ? [engine] : []),
  ];
  return parts.length ? ` (${parts.join(", ")})` : "";
};

function positionFigures(a: PositionAnalysis): Figure[] {
  return tierEngines(a.curves).map(({ tier: t, engine }) => ({
    svg: positionChart(a, t, engine),
    caption: `${a.spec}${tierNote(a.curves, t, engine)}: net ns per dispatch against the handler's position in dispatch order, estimates with 95% CIs; lines are each strategy's least-squares fit.`,
  }));
}

function scaleFigures(a: ScaleAnalysis): Figure[] {
  return workloadTiers(a.curves).map(({ workload, tier, engine }) => ({
    svg: scaleChart(a, workload, tier, engine),
    caption: `${workload}${tierNote(a.curves, tier, engine)}: net ns per dispatch against N (handlers, log scale), per strategy with its 95% CI band.`,
  }));
}

function crossoverFigures(a: CrossoverAnalysis): Figure[] {
  return a.curves.map((c) => ({
    svg: crossoverChart(c, { a: a.a, b: a.b }),
    caption: `${a.a} / ${a.b} gross ratio ${curveName(c)} with 95% CIs; below 1 ${a.a} is faster, hollow dots are ties; shaded bands are crossing intervals, dashed rules their estimates. ${c.sentence}`,
  }));
}

function bodyFigures(a: BodyAnalysis): Figure[] {
  return workloadTiers(a.curves).map(({ workload, tier, engine }) => ({
    svg: bodyChart(a, workload, tier, engine),
    caption: `${workload}${tierNote(a.curves, tier, engine)}: the dispatch's share of the whole call (%, 95% CI) against alu ops per handler body; dashed rule at 1%.`,
  }));
}

function sweepFigures(analysis: SweepAnalysis): Figure[] {
  switch (analysis.kind) {
    case "position":
      return positionFigures(analysis);
    case "scale":
      return scaleFigures(analysis);
    case "crossover":
      return crossoverFigures(analysis);
    case "body":
      return bodyFigures(analysis);
  }
}

// ---- HTML ---------------------------------------------------------------------------

const sentencesHtml = (sentences: readonly string[]): string =>
  sentences.length ? `<ul class="sentences">${sentences.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ul>` : "";

const figureHtml = (f: Figure): string => (f.svg ? `<figure>${f.svg}<figcaption>${escapeHtml(f.caption)}</figcaption></figure>` : "");

const tableHtml = (t: TextTable): string => `<h3>${escapeHtml(t.caption)}</h3>\n${table(t.header, t.rows, t.numeric)}`;

/** The sweep as one <section class="sweep">: heading, sentences, charts, tables; a short note while it has no analysis. */
export function sweepSectionHtml(sweep: SweepRecord): string {
  const head = `<section class="sweep" data-sweep="${escapeHtml(sweep.kind)}">\n<h2>${escapeHtml(SWEEP_TITLES[sweep.kind])}</h2>`;
  const a = sweep.analysis;
  if (!a) return [head, `<p class="muted">${escapeHtml(INCOMPLETE)}</p>`, `</section>`].join("\n");
  const body = [sentencesHtml(a.sentences), ...sweepFigures(a).map(figureHtml), ...sweepTables(a).map(tableHtml)];
  return [head, ...body.filter(Boolean), `</section>`].join("\n");
}

// ---- Markdown -------------------------------------------------------------------------

/** The sweep's sentences and tables as GitHub Markdown (no charts). */
export function sweepSectionMarkdown(sweep: SweepRecord): string {
  const out = [`### ${escapeMarkdown(SWEEP_TITLES[sweep.kind])}`, ""];
  const a = sweep.analysis;
  if (!a) return [...out, escapeMarkdown(INCOMPLETE), ""].join("\n");
  if (a.sentences.length) out.push(...a.sentences.map((s) => `- ${escapeMarkdown(s)}`), "");
  for (const t of sweepTables(a)) out.push(`**${escapeMarkdown(t.caption)}**`, "", markdownTable(t.header, t.rows, t.numeric), "");
  return out.join("\n");
}
