/**
 * Sweeps of several engines: every kind draws its curves per engine, each
 * from that engine's cells only (its control and reference included), and
 * its sentences name the engine; a node-only sweep is as it was.
 */
import { describe, expect, it } from "vitest";
import type { BodyAnalysis, CrossoverAnalysis, PositionAnalysis, ScaleAnalysis, SweepPoint } from "../../src/model/sweep.js";
import { pointCost } from "../../src/sweep/budget.js";
import { SWEEP_KINDS } from "../../src/sweep/kinds/index.js";
import { fakeRun, handlers } from "./fake-run.js";

const ENGINES = ["node", "bun"];
const positions = (n: number) => Array.from({ length: n }, (_, i) => `fixed:${i}`);
const posOf = (w: string) => Number(w.slice(6));

describe("position sweep in two engines", () => {
  // node: chain 0.5 ns per position over a 5 ns control; bun: 1.5 ns per position over a 9 ns control, table 4 ns net.
  const run = fakeRun({
    handlers: handlers(8),
    strategies: ["chain", "table"],
    workloads: positions(8),
    engines: ENGINES,
    control: (e) => (e === "bun" ? 9 : 5),
    cost: (s, w, e) => (e === "bun" ? (s === "chain" ? 10 + 1.5 * posOf(w) : 13) : s === "chain" ? 5.5 + 0.5 * posOf(w) : 8),
  });
  const a = SWEEP_KINDS.position.analyze([run], [{ label: "synthetic:8", variable: "position", x: null }], {}, 1) as PositionAnalysis;
  const curve = (s: string, e: string) => a.curves.find((c) => c.strategy === s && c.engine === e)!;

  it("gives a curve per engine and strategy, each carrying its engine", () => {
    expect(a.curves.map((c) => [c.strategy, c.engine])).toEqual([
      ["chain", "node"],
      ["table", "node"],
      ["chain", "bun"],
      ["table", "bun"],
    ]);
  });

  it("fits each engine's curve from its own cells and its own control", () => {
    expect(curve("chain", "node").fit!.slope).toBeCloseTo(0.5, 2);
    expect(curve("chain", "bun").fit!.slope).toBeCloseTo(1.5, 2);
    expect(curve("chain", "bun").fit!.intercept).toBeCloseTo(-0.5, 1); // 10 + 1.5 (k - 1) - 9 at position k
    expect(curve("table", "node").points[0]!.net!.value).toBeCloseTo(3, 1);
    expect(curve("table", "bun").points[0]!.net!.value).toBeCloseTo(4, 1);
    expect(curve("chain", "bun").fit!.paired).toBe(true);
  });

  it("names the engine in each sentence", () => {
    expect(a.sentences).toHaveLength(4);
    expect(a.sentences[0]).toMatch(/^chain \(node\): 0\.50\d ns per position/);
    expect(a.sentences[2]).toMatch(/^chain \(bun\): 1\.50\d ns per position/);
  });

  it("draws no curve for a strategy an engine skipped", () => {
    const skipping = fakeRun({
      handlers: handlers(4),
      strategies: ["chain", "table"],
      workloads: positions(4),
      engines: ENGINES,
      skipped: [{ strategy: "chain", engine: "bun", reason: "needs typed-function-references" }],
      cost: (s, w) => (s === "chain" ? 6 + posOf(w) : 8),
    });
    const b = SWEEP_KINDS.position.analyze([skipping], [{ label: "synthetic:4", variable: "position", x: null }], {}, 1) as PositionAnalysis;
    expect(b.curves.map((c) => `${c.strategy} ${c.engine}`)).toEqual(["chain node", "table node", "table bun"]);
  });

  it("a single non-default engine is recorded on its curves, not named in the sentences", () => {
    const bunOnly = fakeRun({ handlers: handlers(4), strategies: ["chain"], workloads: positions(4), engines: ["bun"], cost: (_s, w) => 6 + posOf(w) });
    const b = SWEEP_KINDS.position.analyze([bunOnly], [{ label: "synthetic:4", variable: "position", x: null }], {}, 1) as PositionAnalysis;
    expect(b.curves.map((c) => c.engine)).toEqual(["bun"]);
    expect(b.sentences[0]).toMatch(/^chain: 1\.00\d ns per position/);
  });

  it("a node-only sweep's curves carry no engine (its results are as before engines)", () => {
    const nodeOnly = fakeRun({ handlers: handlers(4), strategies: ["chain"], workloads: positions(4), cost: (_s, w) => 6 + posOf(w) });
    const b = SWEEP_KINDS.position.analyze([nodeOnly], [{ label: "synthetic:4", variable: "position", x: null }], {}, 1) as PositionAnalysis;
    expect(b.curves.every((c) => !("engine" in c))).toBe(true);
    expect(b.sentences[0]).toMatch(/^chain: /);
  });
});

const sizes = [4, 16, 64];
const sizePoints: SweepPoint[] = sizes.map((n) => ({ label: `N=${n}`, variable: "n", x: n }));

describe("scale sweep in two engines", () => {
  const runs = sizes.map((n) =>
    fakeRun({
      spec: `synthetic:${n}`,
      strategies: ["table", "chain"],
      workloads: ["uniform"],
      engines: ENGINES,
      cost: (s, _w, e) => (s === "chain" ? 5 + (e === "bun" ? n : n / 2) : e === "bun" ? 11 : 9),
    }),
  );
  const a = SWEEP_KINDS.scale.analyze(runs, sizePoints, {}, 1) as ScaleAnalysis;

  it("gives a curve per engine, from that engine's cells", () => {
    const net = (s: string, e: string) => a.curves.find((c) => c.strategy === s && c.engine === e)!.points.map((p) => Math.round(p.net!.value));
    expect(a.curves).toHaveLength(4);
    expect(net("chain", "node")).toEqual([2, 8, 32]);
    expect(net("chain", "bun")).toEqual([4, 16, 64]);
    expect(net("table", "bun")).toEqual([6, 6, 6]);
    const ratio = a.curves.find((c) => c.strategy === "chain" && c.engine === "bun")!.points.map((p) => p.ratio!.value);
    expect(ratio[2]).toBeCloseTo(69 / 11, 1); // against bun's table, not node's
  });

  it("says each engine's workload in its own sentence", () => {
    expect(a.sentences).toHaveLength(2);
    expect(a.sentences[0]).toBe("uniform (node), net ns per dispatch from N=4 to 64: table 4.00 → 4.00 ns; chain 2.00 → 32.0 ns.");
    expect(a.sentences[1]).toMatch(/^uniform \(bun\), net ns per dispatch from N=4 to 64: table 6\.0\d → 6\.0\d ns; chain (4\.0\d|3\.9\d) → 64\.0 ns\.$/);
  });
});

describe("crossover sweep in two engines", () => {
  // node: chain is faster below N 10 (5 + N/2 against 10); bun: chain is slower from the start (20 + N against 10).
  const runs = sizes.map((n) =>
    fakeRun({
      spec: `synthetic:${n}`,
      strategies: ["chain", "table"],
      workloads: ["uniform"],
      engines: ENGINES,
      cost: (s, _w, e) => (s === "chain" ? (e === "bun" ? 20 + n : 5 + n / 2) : 10),
    }),
  );
  const skew = fakeRun({
    spec: "xen:pv64",
    strategies: ["chain", "table"],
    workloads: ["uniform", "zipf:1", "zipf:2"],
    engines: ENGINES,
    cost: (s, w, e) => (s !== "chain" ? 10 : e === "bun" ? 30 : w === "uniform" ? 14 : w === "zipf:1" ? 11 : 7),
  });
  const points: SweepPoint[] = [...sizePoints, { label: "skew", variable: "zipf", x: null }];
  const a = SWEEP_KINDS.crossover.analyze([...runs, skew], points, { pair: ["chain", "table"] }, 1) as CrossoverAnalysis;
  const curve = (v: "n" | "zipf", e: string) => a.curves.find((c) => c.variable === v && c.engine === e)!;

  it("compares a and b within each engine, along N and along the skew", () => {
    expect(a.curves.map((c) => `${c.variable} ${c.engine}`)).toEqual(["n node", "n bun", "zipf node", "zipf bun"]);
    expect(curve("n", "node").result.points.map((p) => p.winner)).toEqual(["a", "b", "b"]);
    expect(curve("n", "node").result.crossings[0]).toMatchObject({ from: "a", to: "b", low: 4, high: 16 });
    expect(curve("n", "bun").result.points.map((p) => p.winner)).toEqual(["b", "b", "b"]);
    expect(curve("n", "bun").result.points[2]!.ratio).toBeCloseTo(84 / 10, 1);
    expect(curve("zipf", "bun").result.throughout).toBe("b");
    expect(curve("zipf", "node").result.crossings).toHaveLength(1);
  });

  it("names the engine in each curve's sentence", () => {
    expect(a.sentences).toHaveLength(4);
    expect(a.sentences[0]).toMatch(/^uniform \(node\): /);
    expect(a.sentences[1]).toMatch(/^uniform \(bun\): /);
    expect(a.sentences[3]).toMatch(/^xen:pv64 \(bun\): /);
  });
});

describe("body sweep in two engines", () => {
  const ops = [0, 100, 10000];
  // node: control 5 + k, xen 2 ns of dispatch; bun: control 8 + k, xen 6 ns, table 9 ns.
  const runs = ops.map((k) =>
    fakeRun({
      spec: `xen:pv64+body=alu:${k}`,
      strategies: ["table", "xen"],
      workloads: ["xen:pv-guest-build"],
      engines: ENGINES,
      control: (e) => (e === "bun" ? 8 + k : 5 + k),
      cost: (s, _w, e) => (e === "bun" ? 8 + k + (s === "xen" ? 6 : 9) : 5 + k + (s === "xen" ? 2 : 3)),
    }),
  );
  const a = SWEEP_KINDS.body.analyze(
    runs,
    ops.map((k) => ({ label: `alu:${k}`, variable: "ops", x: k })),
    {},
    1,
  ) as BodyAnalysis;
  const curve = (s: string, e: string) => a.curves.find((c) => c.strategy === s && c.engine === e)!;

  it("takes each engine's share of the call against its own control", () => {
    expect(a.curves).toHaveLength(4);
    expect(curve("xen", "node").points[0]!.share!.value).toBeCloseTo(2 / 7, 2);
    expect(curve("xen", "bun").points[0]!.share!.value).toBeCloseTo(6 / 14, 2);
    expect(curve("xen", "bun").points[0]!.callNs!.value).toBeCloseTo(8, 1);
    expect(curve("xen", "node").points[0]!.callNs!.value).toBeCloseTo(5, 1);
    expect(curve("xen", "bun").points[0]!.vsReference!.value).toBeCloseTo(14 / 17 - 1, 2);
  });

  it("names the engine in each sentence", () => {
    expect(a.sentences).toHaveLength(4);
    expect(a.sentences[1]).toMatch(/^xen on xen:pv-guest-build \(node\): the dispatch is 28\.\d% of the call at 0 ops/);
    expect(a.sentences[3]).toMatch(/^xen on xen:pv-guest-build \(bun\): the dispatch is 4[23]\.\d% of the call at 0 ops/);
  });
});

describe("sweep budget in several engines", () => {
  it("counts every engine's cells and processes", () => {
    const run = fakeRun({ strategies: ["table"], workloads: ["uniform"], cost: () => 6 });
    const one = pointCost(run.config);
    const two = pointCost({ ...run.config, engines: ENGINES });
    expect(two.roundMs).toBeCloseTo(2 * one.roundMs, 9);
    expect(two.startupMs).toBeCloseTo(2 * one.startupMs, 9);
  });
});
