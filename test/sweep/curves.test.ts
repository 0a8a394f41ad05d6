import { describe, expect, it } from "vitest";
import { SWEEP_KINDS } from "../../src/sweep/kinds/index.js";
import type { BodyAnalysis, CrossoverAnalysis, PositionAnalysis, ScaleAnalysis, SweepPoint } from "../../src/model/sweep.js";
import { fakeRun, handlers } from "./fake-run.js";

const positions = (n: number) => Array.from({ length: n }, (_, i) => `fixed:${i}`);

describe("position analysis", () => {
  const run = fakeRun({
    handlers: handlers(8),
    strategies: ["chain", "table"],
    workloads: positions(8),
    cost: (s, w) => (s === "chain" ? 5.5 + 0.5 * Number(w.slice(6)) : 8),
  });
  const a = SWEEP_KINDS.position.analyze([run], [{ label: "synthetic:8", variable: "position", x: null }], {}, 1) as PositionAnalysis;

  it("gives one curve per strategy, a point per handler in dispatch order", () => {
    expect(a.curves.map((c) => c.strategy)).toEqual(["chain", "table"]);
    expect(a.curves[0]!.points.map((p) => [p.position, p.id])).toEqual(positions(8).map((_, i) => [i + 1, i]));
  });

  it("fits the slope per position with a CI that holds the true slope (0.5 ns) and a flat table", () => {
    const [chain, table] = a.curves;
    expect(chain!.fit!.slope).toBeCloseTo(0.5, 2);
    expect(chain!.fit!.slopeCI[0]).toBeLessThanOrEqual(0.5);
    expect(chain!.fit!.slopeCI[1]).toBeGreaterThanOrEqual(0.5);
    expect(chain!.fit!.paired).toBe(true);
    expect(Math.abs(table!.fit!.slope)).toBeLessThan(0.02);
  });

  it("says it in one sentence per strategy", () => {
    expect(a.sentences[0]).toMatch(/^chain: 0\.50\d ns per position \[0\.\d+, 0\.\d+\], intercept -?0\.0\d ns .* r² 1\.00 over 8 positions\.$/);
  });
});

const sizes = [4, 16, 64];
const sizePoints: SweepPoint[] = sizes.map((n) => ({ label: `N=${n}`, variable: "n", x: n }));

describe("scale analysis", () => {
  const runs = sizes.map((n) =>
    fakeRun({ spec: `synthetic:${n}`, strategies: ["table", "chain"], workloads: ["uniform"], cost: (s) => (s === "chain" ? 5 + n / 2 : 9) }),
  );

  it("draws a curve per strategy and workload in N order, whatever order the runs ran in", () => {
    const a = SWEEP_KINDS.scale.analyze([...runs].reverse(), [...sizePoints].reverse(), {}, 1) as ScaleAnalysis;
    const chain = a.curves.find((c) => c.strategy === "chain")!;
    expect(chain.points.map((p) => p.n)).toEqual(sizes);
    expect(chain.points.map((p) => Math.round(p.net!.value))).toEqual([2, 8, 32]);
    expect(a.sentences).toEqual(["uniform, net ns per dispatch from N=4 to 64: table 4.00 → 4.00 ns; chain 2.00 → 32.0 ns."]);
  });
});

describe("crossover analysis", () => {
  const runs = sizes.map((n) =>
    fakeRun({ spec: `synthetic:${n}`, strategies: ["chain", "table"], workloads: ["uniform"], cost: (s) => (s === "chain" ? 5 + n / 2 : 10) }),
  );
  const skew = fakeRun({
    spec: "xen:pv64",
    strategies: ["chain", "table"],
    workloads: ["uniform", "zipf:1", "zipf:2"],
    cost: (s, w) => (s !== "chain" ? 10 : w === "uniform" ? 14 : w === "zipf:1" ? 11 : 7),
  });
  const points: SweepPoint[] = [...sizePoints, { label: "skew", variable: "zipf", x: null }];
  const a = SWEEP_KINDS.crossover.analyze([...runs, skew], points, { pair: ["chain", "table"] }, 1) as CrossoverAnalysis;

  it("finds chain faster at small N and slower at large N, with an interval between measured sizes", () => {
    const alongN = a.curves.find((c) => c.variable === "n")!;
    expect(alongN.result.points.map((p) => p.winner)).toEqual(["a", "b", "b"]);
    expect(alongN.result.crossings).toHaveLength(1);
    expect(alongN.result.crossings[0]).toMatchObject({ from: "a", to: "b", low: 4, high: 16, conclusive: true });
  });

  it("reads the skew curve from the workloads (uniform is S 0)", () => {
    const alongSkew = a.curves.find((c) => c.variable === "zipf")!;
    expect(alongSkew.result.points.map((p) => p.x)).toEqual([0, 1, 2]);
    expect(alongSkew.result.crossings[0]).toMatchObject({ from: "b", to: "a", low: 1, high: 2 });
    expect(a.sentences).toHaveLength(2);
    expect(a.sentences[1]).toMatch(/^xen:pv64: /);
  });
});

describe("body analysis", () => {
  const ops = [0, 100, 10000];
  const runs = ops.map((k) =>
    fakeRun({
      spec: `xen:pv64+body=alu:${k}`,
      strategies: ["table", "xen"],
      workloads: ["xen:pv-guest-build"],
      control: 5 + k,
      cost: (s) => 5 + k + (s === "xen" ? 2 : 3),
    }),
  );
  const a = SWEEP_KINDS.body.analyze(
    runs,
    ops.map((k) => ({ label: `alu:${k}`, variable: "ops", x: k })),
    {},
    1,
  ) as BodyAnalysis;

  it("gives the dispatch's share of the call, shrinking as bodies grow", () => {
    const xen = a.curves.find((c) => c.strategy === "xen")!;
    expect(xen.points.map((p) => p.ops)).toEqual(ops);
    expect(xen.points[0]!.share!.value).toBeCloseTo(2 / 7, 2);
    expect(xen.points[2]!.share!.value).toBeCloseTo(2 / 10007, 4);
    expect(xen.points[0]!.callNs!.value).toBeCloseTo(5, 1);
  });

  it("gives the change against the reference as a share of the call, none for the reference itself", () => {
    const xen = a.curves.find((c) => c.strategy === "xen")!;
    expect(xen.points[0]!.vsReference!.value).toBeCloseTo(7 / 8 - 1, 2);
    expect(a.curves.find((c) => c.strategy === "table")!.points[0]!.vsReference).toBeNull();
    expect(a.sentences.find((s) => s.startsWith("xen"))).toMatch(/under 1% from 10000 ops; against table, -12\.\d% of the call at 0 ops/);
  });
});
