import { describe, expect, it } from "vitest";
import { alignByRound, summarizeCells, timeBlocks } from "../../src/results/summarize.js";
import type { CellRecord, RunConfig } from "../../src/model/results.js";
import { answers } from "../../src/results/answers.js";

const config: RunConfig = {
  spec: "xen:pv64",
  strategies: ["table", "chain", "direct"],
  workloads: ["uniform"],
  tiers: ["turbofan"],
  reference: "table",
  control: "direct",
  samples: 6,
  processes: 1,
  timeBudgetS: 10,
  seed: 1,
  targetSampleMs: 10,
  streamLength: 65536,
  cpu: 1,
  bodies: null,
};

/** A cell whose round r sample is values[r] ns per dispatch. */
function cell(strategy: string, values: number[], workload = "uniform"): CellRecord {
  return {
    id: `${strategy}|${workload}|turbofan`,
    strategy,
    workload,
    tier: "turbofan",
    flags: ["--no-liftoff"],
    status: "ok",
    samples: values.map((v, round) => ({ round, session: 0, segment: 0, ns: v * 1e6, nsPerDispatch: v })),
    seconds: values.length * 0.01,
  };
}

describe("alignByRound", () => {
  it("keeps the rounds both cells have, in round order", () => {
    const a = cell("a", [1, 2, 3]).samples;
    const b = cell("b", [10, 20]).samples;
    const [x, y, shared] = alignByRound(a, b);
    expect([x, y, shared.map((s) => s.round)]).toEqual([
      [1, 2],
      [10, 20],
      [0, 1],
    ]);
  });
});

describe("timeBlocks", () => {
  it("cuts each segment into up to 3 runs of at least 5 consecutive rounds", () => {
    const samples = [
      ...Array.from({ length: 30 }, (_, round) => ({ round, segment: 0 })),
      ...Array.from({ length: 8 }, (_, i) => ({ round: 30 + i, segment: 1 })),
    ];
    const blocks = timeBlocks(samples);
    expect(blocks.slice(0, 30)).toEqual([...Array(10).fill(0), ...Array(10).fill(1), ...Array(10).fill(2)]);
    expect(blocks.slice(30)).toEqual([...Array(5).fill(3), ...Array(3).fill(4)]);
  });

  it("labels by round, whatever the order of the samples", () => {
    const samples = [{ round: 9, segment: 0 }, { round: 0, segment: 0 }, ...Array.from({ length: 8 }, (_, i) => ({ round: i + 1, segment: 0 }))];
    const blocks = timeBlocks(samples);
    expect(blocks[0]).toBe(1);
    expect(blocks[1]).toBe(0);
  });
});

/** Every round the control costs 5, table 8 and chain 6 ns, plus the same drift in every cell. */
const driftingCells = () => {
  const drift = [0, 0.5, -0.3, 1, 0.2, -0.1];
  return [
    cell(
      "table",
      drift.map((d) => 8 + d),
    ),
    cell(
      "chain",
      drift.map((d) => 6 + d),
    ),
    cell(
      "direct",
      drift.map((d) => 5 + d),
    ),
  ];
};

describe("summarizeCells", () => {
  // Paired comparisons see the shared drift cancel exactly.
  const cells = driftingCells();
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

describe("runs of rounds (and processes) are resampled as blocks", () => {
  it("a slow stretch of the run widens the CI to cover it; the same values interleaved do not", () => {
    // Two machine states, ~5 ns and ~6 ns: in two stretches of 5 rounds, or alternating.
    const stretched = [5, 5.01, 4.99, 5, 5.02, 6, 6.01, 5.99, 6, 6.02];
    const alternating = [5, 6, 5.01, 6.01, 4.99, 5.99, 5, 6, 5.02, 6.02];
    const g = summarizeCells([cell("table", stretched)], config)[0]!.gross!;
    const f = summarizeCells([cell("table", alternating)], config)[0]!.gross!;
    expect(g.ciHigh - g.ciLow).toBeGreaterThan(f.ciHigh - f.ciLow);
    expect(g.ciLow).toBeLessThanOrEqual(5.01);
    expect(g.ciHigh).toBeGreaterThanOrEqual(5.99);
  });
});

describe("answers", () => {
  it("one sentence per workload, naming the ratio, its CI and the fastest", () => {
    const cells = driftingCells();
    expect(answers(summarizeCells(cells, config), config, cells)).toEqual([
      "uniform: chain's whole call is 0.75x table's [0.74, 0.77], the dispatch 2.00 ns faster (net difference [-2.00, -2.00] ns); fastest: chain (0.75x table; 0.75x the runner-up table [0.74, 0.77]), on this machine.",
    ]);
  });

  it("says when the CI straddles 1", () => {
    const cells = [cell("table", [8, 9, 8, 9, 8, 9]), cell("chain", [9, 8, 9, 8, 9, 8]), cell("direct", [5, 5, 5, 5, 5, 5])];
    expect(answers(summarizeCells(cells, config), config, cells)[0]).toMatch(
      /^uniform: chain's whole call is 1\.00x table's \[0\.\d\d, 1\.\d\d\]: no difference this run can resolve; fastest: not resolved /,
    );
  });
});
