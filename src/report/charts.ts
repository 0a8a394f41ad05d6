/**
 * Charts of a run, rendered once at report time to SVG strings with
 * Observable Plot on a linkedom document: the report needs no script to show
 * them. Text and axes use currentColor (Plot's default), so the page's CSS
 * decides light, dark and print; every chart root is an <svg> carrying
 * role="img", an aria-label, a <title> and data-chart="<kind>". Labels hold
 * names from a user's files: they go in as text nodes and attributes only
 * (never concatenated markup), and svgMarkup serialises them escaped.
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { engineOf } from "../model/cells.js";
import { enginesOf, groupLabel, tierIn, type CellSummary, type RunRecord } from "../model/results.js";
import type { CellTier, Tier } from "../model/tiers.js";
import { escapeHtml } from "../text/escape.js";

/** The bar colour of measured strategies and the muted one of the control kernel. */
export const BAR_COLOR = "#4e79a7";
export const CONTROL_COLOR = "#a0a4ab";

export const WIDTH = 720;

export function freshDocument(): Document {
  const { document } = parseHTML("<!doctype html><html><head></head><body></body></html>");
  return document as unknown as Document;
}

/**
 * An element as markup, every text and attribute value through escapeHtml.
 * Not linkedom's outerHTML: it leaves < and > raw in attribute values and
 * writes an HTML-namespace <title> unescaped. xmlns attributes are dropped
 * (inline SVG in HTML gets its namespace from the parser), so the report
 * holds no http(s) string at all; comments are dropped.
 */
function svgMarkup(node: Node): string {
  if (node.nodeType === 3) return escapeHtml(node.textContent ?? "");
  if (node.nodeType !== 1) return "";
  const el = node as Element;
  const tag = el.localName;
  const attrs = [...el.attributes].filter((a) => !/^xmlns(:|$)/.test(a.name)).map((a) => ` ${a.name}="${escapeHtml(a.value)}"`);
  return `<${tag}${attrs.join("")}>${[...el.childNodes].map(svgMarkup).join("")}</${tag}>`;
}

/** The chart's markup (svgMarkup) with the root attributes set. */
export function finish(el: Element, doc: Document, kind: string, label: string, width: number, height: number): string {
  const svg = el.tagName.toLowerCase() === "svg" ? el : el.querySelector("svg");
  if (!svg) throw new Error("Plot produced no <svg>");
  svg.setAttribute("data-chart", kind);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  const title = doc.createElement("title");
  title.textContent = label;
  svg.insertBefore(title, svg.firstChild);
  return svgMarkup(svg);
}

const tierLabel = (results: RunRecord, workload: string, tier: Tier): string => (results.config.tiers.length > 1 ? `${workload} (${tier})` : workload);

interface BarDatum {
  strategy: string;
  median: number;
  ciLow: number;
  ciHigh: number;
  fill: string;
  label: string;
  /** "inconclusive: <why>" for a cell whose numbers carry no verdict (CellSummary.inconclusive), else "". */
  note: string;
}

/**
 * Horizontal bars of gross ns/dispatch (median) per strategy for one
 * workload, tier and engine (default: the run's first), with the bootstrap 95% CI as whiskers; the control
 * kernel in a muted colour. Null when no cell of it has a measurement.
 */
export function strategyBars(
  results: RunRecord,
  workload: string,
  tier: CellTier = results.config.tiers[0] ?? "turbofan",
  engine: string = enginesOf(results.config)[0]!,
): string | null {
  const { strategies, control } = results.config;
  const cells = strategies
    .map((st) => results.summaries.find((s) => s.strategy === st && s.workload === workload && s.tier === tier && engineOf(s) === engine))
    .filter((s): s is CellSummary & { gross: NonNullable<CellSummary["gross"]> } => !!s && !!s.gross);
  if (cells.length === 0) return null;
  const data: BarDatum[] = cells.map((s) => ({
    strategy: s.strategy === control ? `${s.strategy} (control)` : s.strategy,
    median: s.gross.median,
    ciLow: s.gross.ciLow,
    ciHigh: s.gross.ciHigh,
    fill: s.strategy === control ? CONTROL_COLOR : BAR_COLOR,
    label: s.gross.median.toFixed(2),
    note: s.inconclusive ? `, inconclusive: ${s.inconclusive}` : "",
  }));
  const label = `Gross ns per dispatch by strategy, ${groupLabel({ workload, tier, engine }, results.config)}`;
  const height = 56 + 32 * data.length;
  const doc = freshDocument();
  const xMax = Math.max(...data.map((d) => Math.max(d.ciHigh, d.median)));
  const el = Plot.plot({
    document: doc,
    width: WIDTH,
    height,
    marginLeft: 130,
    marginRight: 50,
    marginBottom: 40,
    x: { label: "ns per dispatch (gross, median, 95% CI)", labelAnchor: "center", labelArrow: "none", grid: true, domain: [0, xMax * 1.08], nice: true },
    y: { label: null, domain: data.map((d) => d.strategy) },
    style: { fontSize: "12px" },
    color: { type: "identity" },
    marks: [
      Plot.barX(data, {
        y: "strategy",
        x: "median",
        fill: "fill",
        title: (d: BarDatum) => `${d.strategy}: ${d.label} ns${d.note ? "" : ` [${d.ciLow.toFixed(2)}, ${d.ciHigh.toFixed(2)}]`}${d.note}`,
      }),
      Plot.ruleY(data, { y: "strategy", x1: "ciLow", x2: "ciHigh", stroke: "currentColor", strokeWidth: 1.5 }),
      Plot.tickX(data, { y: "strategy", x: "ciLow", stroke: "currentColor", inset: 8 }),
      Plot.tickX(data, { y: "strategy", x: "ciHigh", stroke: "currentColor", inset: 8 }),
      Plot.text(data, { y: "strategy", x: "ciHigh", text: "label", textAnchor: "start", dx: 6, fill: "currentColor" }),
      Plot.ruleX([0]),
    ],
  }) as unknown as Element;
  return finish(el, doc, "bars", label, WIDTH, height);
}

/**
 * One cell of a ratio heatmap: a row (a machine, an engine) x a strategy.
 * `ratio` colours it; a cell without one is drawn muted (inconclusive,
 * failed) or empty (skipped, not measured), its label and tooltip saying why.
 */
export interface HeatCell {
  row: string;
  strategy: string;
  ratio: number | null;
  /** Muted (grey) when it has no ratio to colour it; else empty (an outline). */
  muted: boolean;
  label: string;
  title: string;
}

interface HeatDatum extends HeatCell {
  /** Label colour with contrast on the cell: white on the saturated ends of the scheme. */
  ink: string;
}

/** The fill of a cell whose numbers carry no verdict (inconclusive, failed): greyed, like its row in the summary table. */
export const MUTED_FILL = "#c9ced6";

/** A heatmap's layout: rows x strategies, in these orders; sizes in px. */
interface HeatGrid {
  kind: string;
  label: string;
  xLabel: string;
  rows: readonly string[];
  strategies: readonly string[];
  cells: readonly HeatCell[];
  width: number;
  rowHeight: number;
  marginLeft: number;
  /** Two-line labels (a ratio over its interval): their line height, and the tooltip on the label too (it covers the cell). */
  lineHeight?: number;
}

/**
 * Rows x strategies of gross ratios on a diverging log scale centred on 1
 * (blue faster, red slower), each labelled; cells without a ratio muted or
 * outlined. Marks for muted and empty cells exist only when there are such
 * cells, so a grid of ratios alone is drawn as it always was.
 */
function heatGrid(g: HeatGrid): string {
  const coloured = g.cells.filter((c) => c.ratio !== null);
  const extent = Math.max(1.05, ...coloured.map((d) => Math.max(d.ratio!, 1 / d.ratio!)));
  const data: HeatDatum[] = g.cells.map((c) => ({
    ...c,
    ink: c.ratio === null ? (c.muted ? "black" : "currentColor") : Math.abs(Math.log(c.ratio)) > 0.55 * Math.log(extent) ? "white" : "black",
  }));
  const height = 90 + g.rowHeight * g.rows.length;
  const doc = freshDocument();
  const title = (d: HeatDatum) => d.title;
  const muted = data.filter((d) => d.ratio === null && d.muted);
  const empty = data.filter((d) => d.ratio === null && !d.muted);
  // Constant fills (one text mark per ink), so the labels stay out of the colour scale.
  const text = (ink: string) => {
    const of = data.filter((d) => d.ink === ink);
    return of.length || ink !== "currentColor"
      ? [Plot.text(of, { x: "strategy", y: "row", text: "label", fill: ink, ...(g.lineHeight ? { lineHeight: g.lineHeight, title } : {}) })]
      : [];
  };
  const el = Plot.plot({
    document: doc,
    width: g.width,
    height,
    marginLeft: g.marginLeft,
    marginBottom: 50,
    x: { label: g.xLabel, labelAnchor: "center", labelArrow: "none", domain: [...g.strategies], axis: "bottom" },
    y: { label: null, domain: [...g.rows] },
    style: { fontSize: "12px" },
    color: { type: "diverging-log", pivot: 1, domain: [1 / extent, extent], scheme: "BuRd" },
    marks: [
      Plot.cell(
        data.filter((d) => d.ratio !== null),
        { x: "strategy", y: "row", fill: "ratio", inset: 1, title },
      ),
      ...(muted.length ? [Plot.cell(muted, { x: "strategy", y: "row", fill: MUTED_FILL, inset: 1, title })] : []),
      // Transparent, not none: the empty cell still shows its tooltip.
      ...(empty.length
        ? [
            Plot.cell(empty, {
              x: "strategy",
              y: "row",
              fill: "transparent",
              stroke: "currentColor",
              strokeOpacity: 0.5,
              strokeDasharray: "4,3",
              inset: 2,
              title,
            }),
          ]
        : []),
      ...text("white"),
      ...text("black"),
      ...text("currentColor"),
    ],
  }) as unknown as Element;
  return finish(el, doc, g.kind, g.label, g.width, height);
}

/** A row label per input: its CPU model and machine id (and position when ids repeat). */
export function machineLabel(r: RunRecord, index: number): string {
  const model = r.fingerprint.cpu.model ?? r.fingerprint.cpu.vendor ?? "unknown CPU";
  const short = model.length > 34 ? `${model.slice(0, 33)}…` : model;
  return `${index + 1}. ${short} [${r.fingerprint.machineId.slice(0, 8)}]`;
}

/**
 * Machines x strategies, each cell the gross ratio to its run's reference
 * for one workload (default: the first input's first), tier and engine
 * (default: the first input's first), on a diverging log scale centred on 1
 * (blue faster, red slower), labelled. Null when the inputs come from fewer
 * than two machines (distinct fingerprint.machineId) or nothing has a ratio.
 */
export function ratioHeatmap(resultsList: readonly RunRecord[], workload?: string, tier?: CellTier, engine?: string): string | null {
  if (new Set(resultsList.map((r) => r.fingerprint.machineId)).size < 2) return null;
  const first = resultsList[0]!;
  const w = workload ?? first.config.workloads[0];
  const t = tier ?? first.config.tiers[0];
  const e = engine ?? enginesOf(first.config)[0]!;
  if (w === undefined || t === undefined) return null;
  const cells: HeatCell[] = [];
  const strategies: string[] = [];
  const machines: string[] = [];
  resultsList.forEach((r, i) => {
    const machine = machineLabel(r, i);
    machines.push(machine);
    for (const s of r.summaries) {
      if (s.workload !== w || s.tier !== t || engineOf(s) !== e || !s.ratio || s.strategy === r.config.control) continue;
      if (!strategies.includes(s.strategy)) strategies.push(s.strategy);
      const label = `${s.ratio.ratio.toFixed(2)}x`;
      cells.push({ row: machine, strategy: s.strategy, ratio: s.ratio.ratio, muted: false, label, title: `${machine}, ${s.strategy}: ${label}` });
    }
  });
  if (cells.length === 0) return null;
  const references = [...new Set(resultsList.map((r) => r.config.reference))].join("/");
  const within = [...(first.config.tiers.length > 1 ? [t] : []), ...(resultsList.some((r) => enginesOf(r.config).length > 1) ? [e] : [])];
  return heatGrid({
    kind: "heatmap",
    label: `Gross time as a ratio to ${references} per machine and strategy, ${w}${within.length ? ` (${within.join(", ")})` : ""}`,
    xLabel: `strategy (gross ratio to ${references}; < 1 faster)`,
    rows: machines,
    strategies,
    cells,
    width: Math.min(WIDTH + 60, 300 + 90 * strategies.length),
    rowHeight: 36,
    marginLeft: 290,
  });
}

/** "0.79x [0.53, 0.94]" as two lines for a heatmap cell; an inconclusive ratio without its interval. */
const ratioText = (r: NonNullable<CellSummary["ratio"]>, unsure: boolean, sep: string): string =>
  `${r.ratio.toFixed(2)}x${unsure ? "" : `${sep}[${r.ciLow.toFixed(2)}, ${r.ciHigh.toFixed(2)}]`}`;

/**
 * One cell of the engine heatmap: its ratio with the 95% CI; inconclusive
 * greyed without an interval; failed greyed; skipped (the engine cannot run
 * the strategy) and not measured empty, the reason in the tooltip.
 */
function engineCell(r: RunRecord, engine: string, strategy: string, s: CellSummary | undefined): HeatCell {
  const at = `${engine}, ${strategy}`;
  const skipped = (r.skipped ?? []).find((k) => k.engine === engine && k.strategy === strategy);
  const none = (muted: boolean, label: string, why: string): HeatCell => ({ row: engine, strategy, ratio: null, muted, label, title: `${at}: ${why}` });
  if (skipped) return none(false, "skipped", `skipped: ${skipped.reason}`);
  if (!s) return none(false, "–", "not measured");
  if (s.status === "failed") return none(true, "failed", `failed: ${s.error ?? "no reason recorded"}`);
  if (!s.ratio) return none(false, "–", s.gross ? `no ratio: ${r.config.reference} has no measurement` : "not measured");
  if (s.inconclusive) {
    const ratio = ratioText(s.ratio, true, "");
    return { row: engine, strategy, ratio: null, muted: true, label: `${ratio}\ninconclusive`, title: `${at}: ${ratio}, inconclusive: ${s.inconclusive}` };
  }
  return {
    row: engine,
    strategy,
    ratio: s.ratio.ratio,
    muted: false,
    label: ratioText(s.ratio, false, "\n"),
    title: `${at}: ${ratioText(s.ratio, false, " ")}`,
  };
}

/**
 * Engines x strategies of one run, for one workload and tier: each cell the
 * whole call's (gross) ratio to the reference in that engine, with its 95%
 * CI (engineCell). The control kernel has no column. Null when the run
 * measured in fewer than two engines or no strategy but the control.
 */
export function engineHeatmap(r: RunRecord, workload: string, tier: Tier = r.config.tiers[0] ?? "turbofan"): string | null {
  const engines = enginesOf(r.config);
  if (engines.length < 2) return null;
  const { reference, control } = r.config;
  const strategies = r.config.strategies.filter((s) => s !== control);
  if (strategies.length === 0) return null;
  const cells = engines.flatMap((engine) =>
    strategies.map((strategy) =>
      engineCell(
        r,
        engine,
        strategy,
        r.summaries.find((s) => s.strategy === strategy && s.workload === workload && s.tier === tierIn(engine, tier) && engineOf(s) === engine),
      ),
    ),
  );
  const marginLeft = Math.min(290, Math.max(80, 16 + 7.5 * Math.max(...engines.map((e) => e.length))));
  return heatGrid({
    kind: "engine-heatmap",
    label: `Gross time as a ratio to ${reference} per engine and strategy, ${tierLabel(r, workload, tier)}`,
    xLabel: `strategy (gross ratio to ${reference} [95% CI]; < 1 faster)`,
    rows: engines,
    strategies,
    cells,
    // Room for the axis label under two columns; a wide run is scaled down by the page (max-width: 100%).
    width: Math.min(WIDTH + 340, Math.max(marginLeft + 400, marginLeft + 30 + 120 * strategies.length)),
    rowHeight: 44,
    marginLeft,
    lineHeight: 1.25,
  });
}
