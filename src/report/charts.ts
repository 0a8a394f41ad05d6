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
import type { CellSummary, RunRecord } from "../model/results.js";
import type { Tier } from "../model/tiers.js";
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
 * workload and tier, with the bootstrap 95% CI as whiskers; the control
 * kernel in a muted colour. Null when no cell of it has a measurement.
 */
export function strategyBars(results: RunRecord, workload: string, tier: Tier = results.config.tiers[0] ?? "turbofan"): string | null {
  const { strategies, control } = results.config;
  const cells = strategies
    .map((st) => results.summaries.find((s) => s.strategy === st && s.workload === workload && s.tier === tier))
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
  const name = tierLabel(results, workload, tier);
  const label = `Gross ns per dispatch by strategy, ${name}`;
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

interface HeatDatum {
  machine: string;
  strategy: string;
  ratio: number;
  label: string;
  /** Label colour with contrast on the cell: white on the saturated ends of the scheme. */
  ink: string;
}

/** A row label per input: its CPU model and machine id (and position when ids repeat). */
export function machineLabel(r: RunRecord, index: number): string {
  const model = r.fingerprint.cpu.model ?? r.fingerprint.cpu.vendor ?? "unknown CPU";
  const short = model.length > 34 ? `${model.slice(0, 33)}…` : model;
  return `${index + 1}. ${short} [${r.fingerprint.machineId.slice(0, 8)}]`;
}

/**
 * Machines x strategies, each cell the gross ratio to its run's reference
 * for one workload (default: the first input's first) and tier, on a
 * diverging log scale centred on 1 (blue faster, red slower), labelled.
 * Null when the inputs come from fewer than two machines (distinct
 * fingerprint.machineId) or nothing has a ratio.
 */
export function ratioHeatmap(resultsList: readonly RunRecord[], workload?: string, tier?: Tier): string | null {
  if (new Set(resultsList.map((r) => r.fingerprint.machineId)).size < 2) return null;
  const first = resultsList[0]!;
  const w = workload ?? first.config.workloads[0];
  const t = tier ?? first.config.tiers[0];
  if (w === undefined || t === undefined) return null;
  const data: HeatDatum[] = [];
  const strategies: string[] = [];
  const machines: string[] = [];
  resultsList.forEach((r, i) => {
    const machine = machineLabel(r, i);
    machines.push(machine);
    for (const s of r.summaries) {
      if (s.workload !== w || s.tier !== t || !s.ratio || s.strategy === r.config.control) continue;
      if (!strategies.includes(s.strategy)) strategies.push(s.strategy);
      data.push({ machine, strategy: s.strategy, ratio: s.ratio.ratio, label: `${s.ratio.ratio.toFixed(2)}x`, ink: "" });
    }
  });
  if (data.length === 0) return null;
  const references = [...new Set(resultsList.map((r) => r.config.reference))].join("/");
  const label = `Gross time as a ratio to ${references} per machine and strategy, ${w}${first.config.tiers.length > 1 ? ` (${t})` : ""}`;
  const extent = Math.max(1.05, ...data.map((d) => Math.max(d.ratio, 1 / d.ratio)));
  for (const d of data) d.ink = Math.abs(Math.log(d.ratio)) > 0.55 * Math.log(extent) ? "white" : "black";
  const width = Math.min(WIDTH + 60, 300 + 90 * strategies.length);
  const height = 90 + 36 * machines.length;
  const doc = freshDocument();
  const el = Plot.plot({
    document: doc,
    width,
    height,
    marginLeft: 290,
    marginBottom: 50,
    x: { label: `strategy (gross ratio to ${references}; < 1 faster)`, labelAnchor: "center", labelArrow: "none", domain: strategies, axis: "bottom" },
    y: { label: null, domain: machines },
    style: { fontSize: "12px" },
    color: { type: "diverging-log", pivot: 1, domain: [1 / extent, extent], scheme: "BuRd" },
    marks: [
      Plot.cell(data, { x: "strategy", y: "machine", fill: "ratio", inset: 1, title: (d: HeatDatum) => `${d.machine}, ${d.strategy}: ${d.label}` }),
      // Constant fills (two marks), so the labels stay out of the colour scale.
      Plot.text(
        data.filter((d) => d.ink === "white"),
        { x: "strategy", y: "machine", text: "label", fill: "white" },
      ),
      Plot.text(
        data.filter((d) => d.ink === "black"),
        { x: "strategy", y: "machine", text: "label", fill: "black" },
      ),
    ],
  }) as unknown as Element;
  return finish(el, doc, "heatmap", label, width, height);
}
