import { describe, expect, it } from "vitest";
import { compareDatasets, verdictOf } from "../../src/gate/compare.js";
import { RESULTS_SCHEMA, type Dataset, type RunRecord } from "../../src/model/results.js";
import { fakeRun } from "../sweep/fake-run.js";

const dataset = (...runs: RunRecord[]): Dataset => ({ schema: RESULTS_SCHEMA, kind: "run", complete: true, runs, sweep: null });
const run = (chain: number, o: { machine?: string; spec?: string; table?: number } = {}) => {
  const r = fakeRun({
    spec: o.spec ?? "synthetic:8",
    strategies: ["table", "chain"],
    workloads: ["uniform"],
    cost: (s) => (s === "chain" ? chain : (o.table ?? 9)),
    control: 5,
  });
  if (o.machine) r.fingerprint = { ...r.fingerprint, machineId: o.machine };
  if (o.spec) r.spec = { ...r.spec, hash: o.spec };
  return r;
};

describe("verdictOf", () => {
  const o = { threshold: 0.05, alpha: 0.05 };
  it("regressed or improved only when the whole CI is beyond the threshold and the rank test agrees", () => {
    expect(verdictOf({ value: 0.1, ciLow: 0.06, ciHigh: 0.14 }, 0.001, o)).toBe("regressed");
    expect(verdictOf({ value: 0.1, ciLow: 0.06, ciHigh: 0.14 }, 0.2, o)).toBe("inconclusive");
    expect(verdictOf({ value: -0.1, ciLow: -0.14, ciHigh: -0.06 }, 0.001, o)).toBe("improved");
  });
  it("unchanged when the whole CI is within the threshold, inconclusive when it straddles it", () => {
    expect(verdictOf({ value: 0.01, ciLow: -0.02, ciHigh: 0.04 }, 0.3, o)).toBe("unchanged");
    expect(verdictOf({ value: 0.04, ciLow: 0.01, ciHigh: 0.07 }, 0.001, o)).toBe("inconclusive");
  });
});

describe("compareDatasets", () => {
  it("A/A: the same run twice is unchanged, with a zero change", () => {
    const c = compareDatasets(dataset(run(8)), dataset(run(8)));
    expect(c.incomparable).toEqual([]);
    expect(c.cells.map((x) => [x.strategy, x.verdict])).toEqual([
      ["table", "unchanged"],
      ["chain", "unchanged"],
    ]);
    expect(c.cells[1]!.change.value).toBe(0);
    expect(c.cells[1]!.metric).toBe("net-ns");
  });

  it("a cell whose call got 10% slower (control unchanged) regressed, by +10% of the base call", () => {
    const c = compareDatasets(dataset(run(8)), dataset(run(8.8)));
    const chain = c.cells.find((x) => x.strategy === "chain")!;
    expect(chain.verdict).toBe("regressed");
    expect(chain.relative.value).toBeCloseTo(0.1, 2);
    expect(chain.p).toBeLessThan(0.001);
    expect(chain.detectable).toBeLessThan(0.02);
    expect(c.cells.find((x) => x.strategy === "table")!.verdict).toBe("unchanged");
  });

  it("a faster cell improved", () => {
    expect(compareDatasets(dataset(run(8.8)), dataset(run(8))).cells.find((x) => x.strategy === "chain")!.verdict).toBe("improved");
  });

  it("refuses absolute ns across machines, and says how to compare instead", () => {
    const c = compareDatasets(dataset(run(8)), dataset(run(8, { machine: "ffffffffffffffff" })));
    expect(c.cells).toEqual([]);
    expect(c.incomparable[0]).toMatch(/^machine mismatch: base ran on 0123456789abcdef, current on ffffffffffffffff: .*--cross-machine/);
    expect(c.unmatched.current).toEqual(["synthetic:8 table @ uniform / turbofan on ffffffff", "synthetic:8 chain @ uniform / turbofan on ffffffff"]);
  });

  it("across machines when asked: the within-run ratio to the control travels", () => {
    const c = compareDatasets(dataset(run(8)), dataset(run(8.8, { machine: "ffffffffffffffff" })), { crossMachine: true });
    const chain = c.cells.find((x) => x.strategy === "chain")!;
    expect(chain.metric).toBe("ratio-to-control");
    expect(chain.base.median).toBeCloseTo(8 / 5, 2);
    expect(chain.relative.value).toBeCloseTo(0.1, 2);
    expect(chain.verdict).toBe("regressed");
  });

  it("says so when the specs differ", () => {
    const c = compareDatasets(dataset(run(8, { spec: "aaaa" })), dataset(run(8, { spec: "bbbb" })));
    expect(c.incomparable).toEqual(["spec mismatch: base measured aaaa (aaaa), current bbbb (bbbb)"]);
  });
});

describe("--basis reference", () => {
  // A slow state of the machine: every strategy of the current run 20% slower, the control not.
  const slowState = () => dataset(run(9.6, { table: 10.8 }));

  it("net ns (the default basis) calls a whole-run slow state a regression of every cell", () => {
    expect(compareDatasets(dataset(run(8)), slowState()).cells.map((c) => c.verdict)).toEqual(["regressed", "regressed"]);
  });

  it("the ratio to the reference does not move, and the reference itself is not compared", () => {
    const c = compareDatasets(dataset(run(8)), slowState(), { basis: "reference" });
    expect(c.cells.map((x) => [x.strategy, x.metric, x.verdict])).toEqual([["chain", "ratio-to-reference", "unchanged"]]);
  });

  it("still sees one strategy getting slower than its peers", () => {
    const chain = compareDatasets(dataset(run(8)), dataset(run(8.8)), { basis: "reference" }).cells[0]!;
    expect(chain.verdict).toBe("regressed");
    expect(chain.relative.value).toBeCloseTo(0.1, 2);
  });
});
