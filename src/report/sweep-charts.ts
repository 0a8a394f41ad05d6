/**
 * Charts of a sweep (docs/sweeps.md), rendered at report time to SVG
 * strings like charts.ts: Observable Plot on a linkedom document, text and
 * axes in currentColor, every root an <svg> with role="img", an aria-label,
 * a <title> and data-chart="<kind>". Each measured point is one dot with its
 * 95% CI as a vertical rule and its numbers in a tooltip (<title>).
 */
import * as Plot from "@observablehq/plot";
import type { CellTier } from "../model/tiers.js";
import type { BodyAnalysis, CrossoverCurve, Estimate, PositionAnalysis, PositionCurve, ScaleAnalysis } from "../model/sweep.js";
import { WIDTH, finish, freshDocument } from "./charts.js";
import { withCi } from "./summary.js";

/** One measured point of one series: estimate, CI and tooltip. */
interface Dot {
  series: string;
  x: number;
  y: number;
  lo: number;
  hi: number;
  title: string;
}

/** A vertex of a series' line; y is NaN where the point has no data, so the line breaks there instead of bridging the gap. */
interface Vertex {
  series: string;
  x: number;
  y: number;
  lo: number;
  hi: number;
}

/** Plot's categorical scheme, read once so the legend (drawn by hand, see appendLegend) uses exactly the plot's colours. */
const CATEGORICAL: readonly string[] = (Plot.scale({ color: { type: "categorical", domain: ["_"] } }).range ?? ["#4e79a7"]) as string[];

const colorsOf = (series: readonly string[]): string[] => series.map((_, i) => CATEGORICAL[i % CATEGORICAL.length]!);

/** Short numbers for ticks and tooltips: 8, 0.25, 23.4 (no float noise). */
/** Integers as they are (N = 1024 stays 1024); fractions to 3 significant digits. */
export const fmtX = (x: number): string => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(3))));

const dot = (series: string, x: number, e: Estimate, title: string, scale = 1): Dot => ({
  series,
  x,
  y: e.value * scale,
  lo: e.ciLow * scale,
  hi: e.ciHigh * scale,
  title,
});

const vertex = (series: string, x: number, e: Estimate | null, scale = 1): Vertex =>
  e ? { series, x, y: e.value * scale, lo: e.ciLow * scale, hi: e.ciHigh * scale } : { series, x, y: NaN, lo: NaN, hi: NaN };

/** The chart's tier: the asked one, else the first curve's (one chart per tier, as strategyBars does). */
const pickTier = (curves: readonly { tier: CellTier }[], tier?: CellTier): CellTier | undefined => tier ?? curves[0]?.tier;

/**
 * The chart's engine: the asked one, else the first curve's of its tier (one
 * chart per tier and engine). Curves of a node-only sweep have no engine:
 * undefined then matches them all.
 */
const pickEngine = (curves: readonly { tier: CellTier; engine?: string }[], tier: CellTier | undefined, engine?: string): string | undefined =>
  engine ?? curves.find((c) => c.tier === tier)?.engine;

/** " (liftoff)", " (bun)", " (liftoff, bun)": the tier and the engine where the analysis spans several, so titles stay short in the usual case. */
const tierSuffix = (curves: readonly { tier: CellTier; engine?: string }[], tier: CellTier | undefined, engine?: string): string => {
  const parts = [
    ...(new Set(curves.map((c) => c.tier)).size > 1 && tier ? [tier] : []),
    ...(new Set(curves.map((c) => c.engine)).size > 1 && engine ? [engine] : []),
  ];
  return parts.length ? ` (${parts.join(", ")})` : "";
};

const distinctSorted = (xs: readonly number[]): number[] => [...new Set(xs)].sort((p, q) => p - q);

/** Integer ticks from lo to hi, thinned to at most `most` so long position sweeps stay legible. */
export function integerTicks(lo: number, hi: number, most = 16): number[] {
  const step = Math.max(1, Math.ceil((hi - lo + 1) / most));
  const out: number[] = [];
  for (let v = lo; v <= hi; v += step) out.push(v);
  return out;
}

/**
 * Ticks for the log ratio axis. Plot's log ticks leave most labels blank on
 * the narrow ranges ratios usually span (0.8 to 1.3), so: a 1-2-5 step over
 * a narrow range, 1-2-5 decades over a wide one.
 */
export function ratioTicks(lo: number, hi: number): number[] {
  const round = (v: number): number => Number(v.toPrecision(6));
  if (hi / lo > 20) {
    const decades = integerTicks(Math.floor(Math.log10(lo)), Math.ceil(Math.log10(hi)), 64);
    return decades.flatMap((d) => [1, 2, 5].map((m) => round(m * 10 ** d))).filter((v) => v >= lo && v <= hi);
  }
  const steps = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5];
  const step = steps.find((s) => (hi - lo) / s <= 8) ?? 10;
  return integerTicks(Math.ceil(lo / step), Math.floor(hi / step), 1000).map((k) => round(k * step));
}

/** Room between the frame's edges and the first and last measured x, so edge dots and their CI rules are not cut in half. */
const X_INSET = 16;

// ---- legend ----------------------------------------------------------------

const LEGEND_ROW = 18;
const LEGEND_CHAR = 7; // approximate advance of a 12px glyph: linkedom cannot measure text

interface LegendItem {
  name: string;
  color: string;
  x: number;
  row: number;
}

/** Swatches left to right from `left`, wrapping before `right`. */
export function legendLayout(series: readonly string[], colors: readonly string[], left: number, right: number): LegendItem[] {
  let x = left;
  let row = 0;
  return series.map((name, i) => {
    const w = 16 + LEGEND_CHAR * name.length + 18;
    if (x > left && x + w > right) [x, row] = [left, row + 1];
    const item = { name, color: colors[i]!, x, row };
    x += w;
    return item;
  });
}

/**
 * A swatch legend inside the <svg> (Plot's own legend is an HTML sibling of
 * the svg, which finish() drops): <rect> swatches, so dots stay the only
 * circles, and labels in currentColor for dark mode.
 */
function appendLegend(svg: Element, doc: Document, items: readonly LegendItem[]): void {
  const ns = svg.namespaceURI;
  const make = (tag: string, attrs: Record<string, string | number>): Element => {
    const el = ns ? doc.createElementNS(ns, tag) : doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    return el;
  };
  const g = make("g", { "aria-label": "legend", "text-anchor": "start", "font-size": 12 });
  for (const it of items) {
    const y = 6 + it.row * LEGEND_ROW;
    g.appendChild(make("rect", { x: it.x, y, width: 12, height: 12, fill: it.color }));
    const text = make("text", { x: it.x + 16, y: y + 10, fill: "currentColor" });
    text.textContent = it.name;
    g.appendChild(text);
  }
  svg.appendChild(g);
}

// ---- one chart of several series -------------------------------------------

interface SeriesChart {
  kind: string;
  label: string;
  /** Height of the plot without the legend rows. */
  height: number;
  series: string[];
  dots: Dot[];
  x: Plot.ScaleOptions;
  y: Plot.ScaleOptions;
  /** Drawn beneath the CI rules and dots: lines, bands, reference rules. */
  under: Plot.Markish[];
}

const MARGIN = { left: 64, right: 24, bottom: 44 } as const;

/** Dots with CI rules per series, coloured from Plot's categorical scheme, with a legend on top. */
function seriesChart(c: SeriesChart): string {
  const colors = colorsOf(c.series);
  const items = legendLayout(c.series, colors, MARGIN.left, WIDTH - MARGIN.right);
  const marginTop = 16 + LEGEND_ROW * (Math.max(0, ...items.map((i) => i.row)) + 1);
  const height = c.height + marginTop;
  const doc = freshDocument();
  const el = Plot.plot({
    document: doc,
    width: WIDTH,
    height,
    marginTop,
    marginLeft: MARGIN.left,
    marginRight: MARGIN.right,
    marginBottom: MARGIN.bottom,
    style: { fontSize: "12px" },
    x: { labelAnchor: "center", labelArrow: "none", ...c.x },
    // Label along the axis, so the top margin is free for the legend.
    y: { grid: true, labelAnchor: "center", labelArrow: "none", ...c.y },
    color: { domain: c.series, range: colors },
    marks: [
      ...c.under,
      Plot.ruleX(c.dots, { x: "x", y1: "lo", y2: "hi", stroke: "series", strokeWidth: 1.5, strokeOpacity: 0.8 }),
      Plot.dot(c.dots, { x: "x", y: "y", fill: "series", r: 3.5, title: "title" }),
    ],
  }) as unknown as Element;
  appendLegend(el, doc, items);
  return finish(el, doc, c.kind, c.label, WIDTH, height);
}

// ---- position ----------------------------------------------------------------

/** Shifts series sideways a little around each integer position so CI rules at the same x do not hide each other. */
const dodge = (i: number, k: number): number => (k > 1 ? (i - (k - 1) / 2) * (0.36 / k) : 0);

function positionDots(c: PositionCurve, offset: number): Dot[] {
  return c.points.flatMap((p) =>
    p.net
      ? [
          dot(
            c.strategy,
            p.position + offset,
            p.net,
            `${c.strategy}, position ${p.position} (${p.handler}): ${withCi(p.net.value, p.net.ciLow, p.net.ciHigh)} ns`,
          ),
        ]
      : [],
  );
}

/** The fitted line's two ends over the positions the curve has data for. */
function fitEnds(c: PositionCurve): Array<{ series: string; x: number; y: number; title: string }> {
  const xs = c.points.filter((p) => p.net).map((p) => p.position);
  if (!c.fit || xs.length === 0) return [];
  const { slope, intercept, r2 } = c.fit;
  const title = `${c.strategy} fit: ${intercept.toFixed(2)} + ${slope.toFixed(3)} ns x position, r² ${r2.toFixed(3)}`;
  return [Math.min(...xs), Math.max(...xs)].map((x) => ({ series: c.strategy, x, y: intercept + slope * x, title }));
}

/** Net ns per dispatch against the handler's position in dispatch order, one colour per strategy, with each strategy's least-squares line; one tier and engine. */
export function positionChart(a: PositionAnalysis, tier?: CellTier, engine?: string): string | null {
  const t = pickTier(a.curves, tier);
  const e = pickEngine(a.curves, t, engine);
  const curves = a.curves.filter((c) => c.tier === t && c.engine === e);
  const dots = curves.flatMap((c, i) => positionDots(c, dodge(i, curves.length)));
  if (dots.length === 0) return null;
  const positions = curves.flatMap((c) => c.points.map((p) => p.position));
  const [lo, hi] = [Math.min(...positions), Math.max(...positions)];
  return seriesChart({
    kind: "position",
    label: `Net ns per dispatch by position in dispatch order, ${a.spec}${tierSuffix(a.curves, t, e)}`,
    height: 320,
    series: curves.map((c) => c.strategy),
    dots,
    x: { label: "position in dispatch order (1 = first compare)", domain: [lo - 0.5, hi + 0.5], ticks: integerTicks(lo, hi), tickFormat: "d" },
    y: { label: "net ns per dispatch (95% CI)" },
    under: [Plot.line(curves.flatMap(fitEnds), { x: "x", y: "y", z: "series", stroke: "series", strokeWidth: 1.5, title: "title" })],
  });
}

// ---- scale -------------------------------------------------------------------

/** Net ns per dispatch against N (log2 axis) for one workload, tier and engine: a line, a CI band and dots per strategy. */
export function scaleChart(a: ScaleAnalysis, workload: string, tier?: CellTier, engine?: string): string | null {
  const ofWorkload = a.curves.filter((c) => c.workload === workload);
  const t = pickTier(ofWorkload, tier);
  const e = pickEngine(ofWorkload, t, engine);
  const curves = ofWorkload.filter((c) => c.tier === t && c.engine === e);
  const dots = curves.flatMap((c) =>
    c.points.flatMap((p) => (p.net ? [dot(c.strategy, p.n, p.net, `${c.strategy}, N = ${p.n}: ${withCi(p.net.value, p.net.ciLow, p.net.ciHigh)} ns`)] : [])),
  );
  if (dots.length === 0) return null;
  const line = curves.flatMap((c) => c.points.map((p) => vertex(c.strategy, p.n, p.net)));
  return seriesChart({
    kind: "scale",
    label: `Net ns per dispatch against N, ${workload}${tierSuffix(a.curves, t, e)}`,
    height: 320,
    series: curves.map((c) => c.strategy),
    dots,
    x: { type: "log", base: 2, inset: X_INSET, label: "N (handlers, log scale)", ticks: distinctSorted(line.map((v) => v.x)), tickFormat: fmtX },
    y: { label: "net ns per dispatch (95% CI)" },
    under: [
      Plot.areaY(line, { x: "x", y1: "lo", y2: "hi", z: "series", fill: "series", fillOpacity: 0.15 }),
      Plot.line(line, { x: "x", y: "y", z: "series", stroke: "series", strokeWidth: 1.5 }),
    ],
  });
}

// ---- crossover ---------------------------------------------------------------

type WinnerKey = "a" | "b" | "tie";

const winnerText = (w: WinnerKey, names: { a: string; b: string }): string => (w === "tie" ? "tie" : `${names[w]} faster`);

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

interface Band {
  low: number;
  high: number;
  estimate: number;
  title: string;
}

/** Each crossing's interval and estimate, clipped to the measured range (stats/crossover.ts keeps them inside it; clipping keeps a band from ever widening the axis). */
function crossingBands(c: CrossoverCurve, names: { a: string; b: string }, x0: number, x1: number): Band[] {
  return c.result.crossings
    .filter((k) => [k.low, k.high, k.estimate].every((v) => !Number.isNaN(v)))
    .map((k) => ({
      low: clamp(k.low, x0, x1),
      high: clamp(k.high, x0, x1),
      estimate: clamp(k.estimate, x0, x1),
      title: `${names[k.from]} → ${names[k.to]} at ${fmtX(k.estimate)} [${fmtX(k.low)}, ${fmtX(k.high)}], ${k.conclusive ? "conclusive" : "inconclusive"}`,
    }));
}

/**
 * gross(a) / gross(b) along N (log2 axis) or the zipf skew, on a log y axis
 * with a rule at 1; each crossing as a shaded band over its interval and a
 * dashed rule at its estimate. Filled dots have a winner, hollow ones tie.
 */
export function crossoverChart(c: CrossoverCurve, names: { a: string; b: string }): string | null {
  const pts = c.result.points.filter((p) => [p.ratio, p.ciLow, p.ciHigh].every((v) => Number.isFinite(v) && v > 0));
  if (pts.length === 0) return null;
  const xs = distinctSorted(pts.map((p) => p.x));
  const [x0, x1] = [xs[0]!, xs[xs.length - 1]!];
  const bands = crossingBands(c, names, x0, x1);
  const dotTitle = (p: (typeof pts)[number]): string => `${c.axis} ${fmtX(p.x)}: ${withCi(p.ratio, p.ciLow, p.ciHigh, 3)}, ${winnerText(p.winner, names)}`;
  const yLo = Math.min(1, ...pts.map((p) => p.ciLow)) / 1.02;
  const yHi = Math.max(1, ...pts.map((p) => p.ciHigh)) * 1.02;
  const yTicks = ratioTicks(yLo, yHi);
  const label = `${names.a} / ${names.b} gross ratio along ${c.axis}, ${c.held} (${c.engine === undefined ? c.tier : `${c.tier}, ${c.engine}`})`;
  const height = 320;
  const doc = freshDocument();
  const el = Plot.plot({
    document: doc,
    width: WIDTH,
    height,
    marginTop: 24,
    marginLeft: MARGIN.left,
    marginRight: MARGIN.right,
    marginBottom: MARGIN.bottom,
    style: { fontSize: "12px" },
    x:
      c.variable === "n"
        ? {
            type: "log",
            base: 2,
            inset: X_INSET,
            domain: [x0, x1],
            ticks: xs,
            tickFormat: fmtX,
            label: `${c.axis}, log scale`,
            labelAnchor: "center",
            labelArrow: "none",
          }
        : {
            type: "linear",
            inset: X_INSET,
            domain: [x0, x1],
            ticks: xs.length <= 12 ? xs : 8,
            tickFormat: fmtX,
            label: c.axis,
            labelAnchor: "center",
            labelArrow: "none",
          },
    y: { type: "log", domain: [yLo, yHi] },
    marks: [
      // An explicit axis: on a log scale Plot filters even a custom tickFormat's labels, `text` is kept as is.
      Plot.gridY(yTicks),
      Plot.axisY(yTicks, { text: fmtX, label: `${names.a} / ${names.b} gross ratio, < 1: ${names.a} faster`, labelAnchor: "center", labelArrow: "none" }),
      Plot.rect(bands, { x1: "low", x2: "high", fill: "currentColor", fillOpacity: 0.12, title: "title" }),
      Plot.ruleX(bands, { x: "estimate", stroke: "currentColor", strokeDasharray: "4,3", title: "title" }),
      Plot.ruleY([1], { stroke: "currentColor", strokeOpacity: 0.7 }),
      Plot.line(pts, { x: "x", y: "ratio", stroke: "currentColor", strokeWidth: 1.5 }),
      Plot.ruleX(pts, { x: "x", y1: "ciLow", y2: "ciHigh", stroke: "currentColor", strokeWidth: 1.5 }),
      Plot.dot(
        pts.filter((p) => p.winner !== "tie"),
        { x: "x", y: "ratio", fill: "currentColor", r: 3.5, title: dotTitle },
      ),
      Plot.dot(
        pts.filter((p) => p.winner === "tie"),
        { x: "x", y: "ratio", fill: "none", stroke: "currentColor", r: 3.5, title: dotTitle },
      ),
    ],
  }) as unknown as Element;
  return finish(el, doc, "crossover", label, WIDTH, height);
}

// ---- body --------------------------------------------------------------------

/** The dispatch's share of the whole call (%) against alu ops per body, on a symlog axis because 0 ops is measured; dashed rule at 1%. One workload, tier and engine. */
export function bodyChart(a: BodyAnalysis, workload: string, tier?: CellTier, engine?: string): string | null {
  const ofWorkload = a.curves.filter((c) => c.workload === workload);
  const t = pickTier(ofWorkload, tier);
  const e = pickEngine(ofWorkload, t, engine);
  const curves = ofWorkload.filter((c) => c.tier === t && c.engine === e);
  const dots = curves.flatMap((c) =>
    c.points.flatMap((p) =>
      p.share
        ? [
            dot(
              c.strategy,
              p.ops,
              p.share,
              `${c.strategy}, ${p.ops} ops: ${withCi(p.share.value * 100, p.share.ciLow * 100, p.share.ciHigh * 100)} % of the call`,
              100,
            ),
          ]
        : [],
    ),
  );
  if (dots.length === 0) return null;
  const line = curves.flatMap((c) => c.points.map((p) => vertex(c.strategy, p.ops, p.share, 100)));
  return seriesChart({
    kind: "body",
    label: `Dispatch share of the whole call by body size, ${workload}${tierSuffix(a.curves, t, e)}`,
    height: 300,
    series: curves.map((c) => c.strategy),
    dots,
    x: { type: "symlog", inset: X_INSET, label: "alu ops per handler body (symlog scale)", ticks: distinctSorted(line.map((v) => v.x)), tickFormat: fmtX },
    y: { label: "dispatch share of the call (%, 95% CI)" },
    under: [
      Plot.ruleY([1], { stroke: "currentColor", strokeDasharray: "4,3", strokeOpacity: 0.7 }),
      Plot.line(line, { x: "x", y: "y", z: "series", stroke: "series", strokeWidth: 1.5 }),
    ],
  });
}
