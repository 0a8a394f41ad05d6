/**
 * A sweep of several engines in the report: one chart per engine (named in
 * its title and caption), an engine column in the tables, crossover curves
 * named with their engine. Node-only sweeps are pinned by sweep-section.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { BodyAnalysis, CrossoverAnalysis, PositionAnalysis, ScaleAnalysis, SweepAnalysis, SweepPoint, SweepRecord } from "../../src/model/sweep.js";
import { bodyChart, positionChart, scaleChart } from "../../src/report/sweep-charts.js";
import { sweepSectionHtml, sweepSectionMarkdown, sweepTables } from "../../src/report/sweep-section.js";
import { SWEEP_KINDS } from "../../src/sweep/kinds/index.js";
import { fakeRun, handlers } from "../sweep/fake-run.js";

const ENGINES = ["node", "bun"];
const count = (text: string, re: RegExp): number => (text.match(new RegExp(re.source, "g")) ?? []).length;
const record = (analysis: SweepAnalysis): SweepRecord => ({ kind: analysis.kind, options: {}, points: [], order: [], analysis });
const sizePoints: SweepPoint[] = [4, 16].map((n) => ({ label: `N=${n}`, variable: "n", x: n }));

const position = SWEEP_KINDS.position.analyze(
  [
    fakeRun({
      handlers: handlers(4),
      strategies: ["chain", "table"],
      workloads: [0, 1, 2, 3].map((i) => `fixed:${i}`),
      engines: ENGINES,
      cost: (s, w, e) => (s === "chain" ? 6 + Number(w.slice(6)) * (e === "bun" ? 2 : 1) : 8),
    }),
  ],
  [{ label: "synthetic:4", variable: "position", x: null }],
  {},
  1,
) as PositionAnalysis;

const scale = SWEEP_KINDS.scale.analyze(
  [4, 16].map((n) =>
    fakeRun({
      spec: `synthetic:${n}`,
      strategies: ["table", "chain"],
      workloads: ["uniform"],
      engines: ENGINES,
      cost: (s, _w, e) => (s === "chain" ? 5 + n / (e === "bun" ? 1 : 2) : 9),
    }),
  ),
  sizePoints,
  {},
  1,
) as ScaleAnalysis;

const crossover = SWEEP_KINDS.crossover.analyze(
  [4, 16].map((n) =>
    fakeRun({
      spec: `synthetic:${n}`,
      strategies: ["chain", "table"],
      workloads: ["uniform"],
      engines: ENGINES,
      cost: (s, _w, e) => (s === "chain" ? (e === "bun" ? 20 : 5) + n / 2 : 10),
    }),
  ),
  sizePoints,
  { pair: ["chain", "table"] },
  1,
) as CrossoverAnalysis;

const body = SWEEP_KINDS.body.analyze(
  [0, 100].map((k) =>
    fakeRun({
      spec: `xen:pv64+body=alu:${k}`,
      strategies: ["table", "xen"],
      workloads: ["uniform"],
      engines: ENGINES,
      control: 5 + k,
      cost: (s, _w, e) => 5 + k + (s === "xen" ? 2 : 3) * (e === "bun" ? 2 : 1),
    }),
  ),
  [0, 100].map((k) => ({ label: `alu:${k}`, variable: "ops", x: k })),
  {},
  1,
) as BodyAnalysis;

describe("sweep charts of several engines", () => {
  it("draws one chart per engine, each of that engine's curves only", () => {
    expect(positionChart(position, "turbofan", "bun")).toContain('aria-label="Net ns per dispatch by position in dispatch order, synthetic:8 (bun)"');
    expect(count(positionChart(position, "turbofan", "bun")!, /<circle/)).toBe(8);
    expect(scaleChart(scale, "uniform", "turbofan", "node")).toContain('aria-label="Net ns per dispatch against N, uniform (node)"');
    expect(bodyChart(body, "uniform", "turbofan", "bun")).toContain('aria-label="Dispatch share of the whole call by body size, uniform (bun)"');
  });

  it("defaults to the first curve's engine", () => {
    expect(positionChart(position)).toContain("synthetic:8 (node)");
  });

  it("gives the report a figure per engine, its caption naming it", () => {
    for (const [a, chart] of [
      [position, "position"],
      [scale, "scale"],
      [crossover, "crossover"],
      [body, "body"],
    ] as const) {
      const html = sweepSectionHtml(record(a));
      expect(count(html, new RegExp(`<figure><svg[^>]*data-chart="${chart}"`)), chart).toBe(2);
      expect(html, chart).toMatch(/<figcaption>[^<]*\(bun\)/);
      expect(html, chart).toMatch(/<figcaption>[^<]*\(node\)/);
    }
  });
});

describe("sweep tables of several engines", () => {
  it("have an engine column after the tier", () => {
    for (const a of [position, scale, body]) {
      const [t] = sweepTables(a);
      const at = t!.header.indexOf("tier");
      expect(t!.header[at + 1], a.kind).toBe("engine");
      expect(new Set(t!.rows.map((r) => r[at + 1])), a.kind).toEqual(new Set(ENGINES));
      expect(t!.numeric.has(at + 1), a.kind).toBe(false);
    }
  });

  it("name the crossover curve's engine with its tier", () => {
    expect(sweepTables(crossover).map((t) => t.caption)).toEqual([
      "chain / table gross ratio along N (handlers), uniform (turbofan, node)",
      "Crossings along N (handlers), uniform (turbofan, node)",
      "chain / table gross ratio along N (handlers), uniform (turbofan, bun)",
    ]);
  });

  it("are in the Markdown report too", () => {
    expect(sweepSectionMarkdown(record(body))).toContain("| workload | strategy | tier | engine | alu ops |");
  });
});
