import { describe, expect, it } from "vitest";
import { alignByRound, summarizeCells } from "../../src/results/analyze.js";
import type { CellRecord, RunConfig } from "../../src/results/schema.js";
import { answers } from "../../src/report/answers.js";

const config: RunConfig = {
  spec: "xen:pv64", strategies: ["table", "chain", "direct"], workloads: ["uniform"], tiers: ["turbofan"], reference: "table", control: "direct",
  samples: 6, processes: 1, timeBudgetS: 10, seed: 1, targetSampleMs: 10, streamLength: 65536, cpu: 1, bodies: null,
};

/** A cell whose round r sample is values[r] ns per dispatch. */
function cell(strategy: string, values: number[], workload = "uniform"): CellRecord {
  return {
    id: `${strategy}|${workload}|turbofan`, strategy, workload, tier: "turbofan", flags: ["--no-liftoff"], status: "ok",
    samples: values.map((v, round) => ({ round, session: 0, segment: 0, ns: v * 1e6, nsPerDispatch: v })),
    seconds: values.length * 0.01,
  };
}

describe("alignByRound", () => {
  it("keeps the rounds both cells have, in round order", () => {
    const a = cell("a", [1, 2, 3]).samples;
    const b = cell("b", [10, 20]).samples;
    expect(alignByRound(a, b)).toEqual([[1, 2], [10, 20], [0, 0]]);
  });
});

describe("summarizeCells", () => {
  // Every round the control costs 5, table 8 and chain 6 ns, plus the same drift: paired
  // comparisons see the drift cancel exactly.
  const drift = [0, 0.5, -0.3, 1, 0.2, -0.1];
  const cells = [cell("table", drift.map((d) => 8 + d)), cell("chain", drift.map((d) => 6 + d)), cell("direct", drift.map((d) => 5 + d))];
  const summaries = summarizeCells(cells, config);
  const by = (s: string) => summaries.find((x) => x.strategy === s)!;

  it("net = cell - control, with a degenerate paired CI when the drift is shared", () => {
    expect(by("chain").net).toEqual({ diff: 1, ciLow: 1, ciHigh: 1, paired: true });
    expect(by("table").net!.diff).toBeCloseTo(3, 12);
    expect(by("direct").net).toBeNull();
  });

  it("ratio to the reference and the difference from it", () => {
    expect(by("chain").ratio!.ratio).toBeCloseTo(6.1 / 8.1, 12);
    expect(by("chain").vsReference!.diff).toBeCloseTo(-2, 12);
    expect(by("table").ratio!.ratio).toBe(1);
  });

  it("gross statistics and precision = CI half-width x sqrt(seconds)", () => {
    expect(by("table").gross!.median).toBeCloseTo(8.1, 12);
    expect(by("chain").precisionNsSqrtS).toBe(0);
    expect(by("direct").precisionNsSqrtS).toBeGreaterThan(0);
  });

  it("falls back to independent resampling when few rounds are shared", () => {
    const few = summarizeCells([cell("table", [8, 9]), cell("chain", [6, 7]), cell("direct", [5, 6])], config);
    expect(few.find((s) => s.strategy === "chain")!.net!.paired).toBe(false);
  });

  it("a failed cell has no statistics and keeps its error", () => {
    const failed: CellRecord = { ...cell("chain", []), status: "failed", error: "child exited with code 9" };
    const s = summarizeCells([cells[0]!, failed, cells[2]!], config).find((x) => x.strategy === "chain")!;
    expect(s).toMatchObject({ status: "failed", error: "child exited with code 9", gross: null, net: null, ratio: null });
  });
});

describe("segments (one process each) are resampled as blocks", () => {
  it("a gap between processes widens the CI to cover it", () => {
    // Two processes: one at ~5 ns, one at ~6 ns; within each, tiny noise.
    const values = [5, 5.01, 4.99, 5, 5.02, 6, 6.01, 5.99, 6, 6.02];
    const blocked: CellRecord = { ...cell("table", values), samples: values.map((v, round) => ({ round, session: 0, segment: round < 5 ? 0 : 1, ns: v, nsPerDispatch: v })) };
    const flat = cell("table", values);
    const g = summarizeCells([blocked], config)[0]!.gross!;
    const f = summarizeCells([flat], config)[0]!.gross!;
    expect(g.ciHigh - g.ciLow).toBeGreaterThan(f.ciHigh - f.ciLow);
    expect(g.ciLow).toBeLessThanOrEqual(5.01);
    expect(g.ciHigh).toBeGreaterThanOrEqual(5.99);
  });
});

describe("answers", () => {
  it("one sentence per workload, naming the ratio, its CI and the fastest", () => {
    const drift = [0, 0.5, -0.3, 1, 0.2, -0.1];
    const s = summarizeCells([cell("table", drift.map((d) => 8 + d)), cell("chain", drift.map((d) => 6 + d)), cell("direct", drift.map((d) => 5 + d))], config);
    expect(answers(s, config)).toEqual(["uniform: chain is 0.75x table [0.74, 0.77], 2.00 ns/dispatch faster; fastest: chain (0.75x table), on this machine."]);
  });

  it("says when the CI straddles 1", () => {
    const s = summarizeCells([cell("table", [8, 9, 8, 9, 8, 9]), cell("chain", [9, 8, 9, 8, 9, 8]), cell("direct", [5, 5, 5, 5, 5, 5])], config);
    expect(answers(s, config)[0]).toMatch(/^uniform: chain is 1\.00x table \[0\.\d\d, 1\.\d\d\]: no difference this run can resolve; fastest: /);
  });
});
