import { describe, expect, it } from "vitest";
import type { CellReady, CellRun, Sample } from "../../src/model/cells.js";
import {
  nextNumbers,
  planSession,
  roomForRound,
  promoteBefore,
  replanAfterFirst,
  roundAt,
  roundCostMs,
  sampleTimeoutMs,
  samplesWanted,
  stageAfter,
  startLimits,
  type SessionState,
} from "../../src/run/round-plan.js";

/** The round plan is pure: a clock reading and measured costs in, exact numbers out (no process). */
const budget = { deadline: 13_000, reserveMs: 3000 };
const state = (over: Partial<SessionState> = {}): SessionState => ({
  now: 0,
  startupMs: 1000,
  roundMs: 100,
  processes: 3,
  wanted: Infinity,
  first: { round: 0, segment: 0 },
  ...over,
});

const sample = (round: number, segment: number): Sample => ({ round, session: 0, segment, ns: 1, nsPerDispatch: 1 });
const cell = (samples: Sample[] = [], ready?: Pick<CellReady, "warmNsPerDispatch" | "dispatches"> & Partial<Pick<CellReady, "reps">>): CellRun => ({
  id: "c",
  status: "ok",
  samples,
  seconds: 0,
  ...(ready ? { ready: ready as CellReady } : {}),
});

describe("planSession", () => {
  it("fills the time left before deadline - reserve, in every segment asked for", () => {
    expect(planSession(budget, state())).toEqual({ rounds: 80, segments: 3, firstRound: 0, firstSegment: 0, endBy: 10_000, bySamples: false });
  });

  it("plans only the rounds the cells still want", () => {
    expect(planSession(budget, state({ wanted: 6 }))).toMatchObject({ rounds: 6, segments: 3, bySamples: true });
  });

  it("never cuts fewer rounds into more segments", () => {
    expect(planSession(budget, state({ wanted: 2 }))).toMatchObject({ rounds: 2, segments: 2 });
  });

  it("uses fewer segments rather than fewer than 6 rounds when the budget is short", () => {
    expect(planSession(budget, state({ now: 7500 }))).toMatchObject({ rounds: 15, segments: 2 });
    expect(planSession(budget, state({ now: 8500 }))).toMatchObject({ rounds: 15, segments: 1 });
    expect(planSession(budget, state({ now: 9700 }))).toMatchObject({ rounds: 3, segments: 1 });
  });

  it("plans one round past the deadline, or with no cell wanting samples", () => {
    expect(planSession(budget, state({ now: 12_000 }))).toMatchObject({ rounds: 1, segments: 1 });
    expect(planSession(budget, state({ wanted: 0 }))).toMatchObject({ rounds: 1, segments: 1 });
  });

  it("numbers a resumed session's rounds and segments on", () => {
    expect(planSession(budget, state({ wanted: 6, first: { round: 12, segment: 3 } }))).toMatchObject({ firstRound: 12, firstSegment: 3 });
  });
});

describe("roundAt", () => {
  it("gives each round its number and its segment, numbered on from a resumed session's", () => {
    const plan = { rounds: 6, segments: 3, firstRound: 12, firstSegment: 3, endBy: 0, bySamples: false };
    expect([0, 1, 2, 3, 4, 5].map((r) => roundAt(plan, r))).toEqual([
      { round: 12, segment: 3 },
      { round: 13, segment: 3 },
      { round: 14, segment: 4 },
      { round: 15, segment: 4 },
      { round: 16, segment: 5 },
      { round: 17, segment: 5 },
    ]);
  });

  it("cuts rounds that do not divide evenly at floor(r * segments / rounds)", () => {
    const plan = { rounds: 7, segments: 3, firstRound: 0, firstSegment: 0, endBy: 0, bySamples: false };
    expect([0, 1, 2, 3, 4, 5, 6].map((r) => roundAt(plan, r).segment)).toEqual([0, 0, 0, 1, 1, 2, 2]);
  });
});

describe("replanAfterFirst", () => {
  const plan = { rounds: 90, segments: 3, firstRound: 4, firstSegment: 1, endBy: 10_000, bySamples: false };

  it("lays the rounds after the first out at its measured cost: fewer rounds when it cost more than estimated, the segments kept", () => {
    // 9,000 ms left at 150 ms a round, each later segment one 150-ms re-warm: floor((9000 - 2 * 150) / 150) = 58, plus round 0.
    expect(replanAfterFirst(plan, { now: 1000, roundMs: 150, segmentMs: 150, processes: 3, wanted: Infinity })).toEqual({ ...plan, rounds: 59 });
  });

  it("uses fewer segments when the time left cannot give each 6 rounds, and never more rounds than wanted", () => {
    // 700 ms left: three segments would leave 5 rounds, two leave floor((700 - 100) / 100) = 6.
    expect(replanAfterFirst(plan, { now: 9300, roundMs: 100, segmentMs: 100, processes: 3, wanted: Infinity })).toMatchObject({ rounds: 7, segments: 2 });
    expect(replanAfterFirst(plan, { now: 1000, roundMs: 10, segmentMs: 10, processes: 3, wanted: 6 })).toMatchObject({
      rounds: 6,
      segments: 3,
      bySamples: true,
    });
  });
});

describe("stageAfter", () => {
  const plan = { rounds: 7, segments: 3, firstRound: 0, firstSegment: 0, endBy: 0, bySamples: false };

  it("stages the next segment right after the first round of each segment's processes, none after the last", () => {
    expect(stageAfter(plan, 0, true)).toBe(1);
    expect(stageAfter(plan, 0, false)).toBeNull();
    expect(stageAfter(plan, 1, true)).toBe(2);
    expect(stageAfter(plan, 2, true)).toBeNull();
  });

  it("numbers the staged segment on from a resumed session's first, and stages nothing with one segment", () => {
    expect(stageAfter({ rounds: 4, segments: 2, firstRound: 9, firstSegment: 3, endBy: 0, bySamples: false }, 3, true)).toBe(4);
    expect(stageAfter({ rounds: 4, segments: 2, firstRound: 9, firstSegment: 3, endBy: 0, bySamples: false }, 4, true)).toBeNull();
    expect(stageAfter({ rounds: 3, segments: 1, firstRound: 0, firstSegment: 0, endBy: 0, bySamples: false }, 0, true)).toBeNull();
  });
});

describe("promoteBefore", () => {
  // Segments of rounds [0 x 10, 1 x 10, 2 x 10].
  const plan = { rounds: 30, segments: 3, firstRound: 0, firstSegment: 0, endBy: 0, bySamples: false };
  const staged = (segment: number, ready = true) => ({ segment, ready });

  it("promotes a ready staged segment where the plan reaches it, not before", () => {
    expect(promoteBefore(plan, 9, staged(1))).toBe(false);
    expect(promoteBefore(plan, 10, staged(1))).toBe(true);
    expect(promoteBefore(plan, 20, staged(2))).toBe(true);
    expect(promoteBefore(plan, 10, null)).toBe(false);
  });

  it("lets the segment measuring now go on while the staged one is not ready, and promotes it as soon as it is", () => {
    expect(promoteBefore(plan, 10, staged(1, false))).toBe(false);
    expect(promoteBefore(plan, 13, staged(1, false))).toBe(false);
    expect(promoteBefore(plan, 14, staged(1))).toBe(true);
    // Late past the next boundary too: segment 1's processes take over at round 22, segment 2 is staged after.
    expect(promoteBefore(plan, 22, staged(1))).toBe(true);
  });

  it("keeps the plan's segments when the samples wanted set the rounds, waiting for a staging not ready", () => {
    const bySamples = { ...plan, bySamples: true };
    expect(promoteBefore(bySamples, 9, staged(1, false))).toBe(false);
    expect(promoteBefore(bySamples, 10, staged(1, false))).toBe(true);
    expect(promoteBefore(bySamples, 28, staged(2, false))).toBe(true);
  });

  it("never promotes a segment that would have fewer rounds than a segment of its own (at most 5) left", () => {
    expect(promoteBefore(plan, 25, staged(2))).toBe(true);
    expect(promoteBefore(plan, 26, staged(2))).toBe(false);
    // A short plan: segments of 2 rounds, so 2 rounds left are enough.
    const short = { rounds: 6, segments: 3, firstRound: 0, firstSegment: 0, endBy: 0, bySamples: false };
    expect(promoteBefore(short, 4, staged(2))).toBe(true);
    expect(promoteBefore(short, 5, staged(2))).toBe(false);
  });
});

describe("roomForRound", () => {
  it("allows a round that ends by deadline - reserve, not one that ends after", () => {
    const plan = planSession(budget, state());
    expect(roomForRound(plan, 9900, 100)).toBe(true);
    expect(roomForRound(plan, 9900, 101)).toBe(false);
  });
});

describe("nextNumbers", () => {
  it("starts past every sample taken, over all cells", () => {
    expect(nextNumbers([])).toEqual({ round: 0, segment: 0 });
    expect(nextNumbers([cell([sample(0, 0), sample(4, 1)]), cell([sample(7, 2)])])).toEqual({ round: 8, segment: 3 });
  });

  it("takes a cell of many samples (no spread of them)", () => {
    const many = Array.from({ length: 200_000 }, (_, i) => sample(i, 0));
    expect(nextNumbers([cell(many)])).toEqual({ round: 200_000, segment: 1 });
  });
});

describe("costs and limits", () => {
  it("prices a round by each cell's sample (the target, or its stream's pass when longer), its untimed pass and 2 ms", () => {
    // One pass of 20 ms is the whole sample (1 rep) and its untimed pass too; a cell not started yet: the target and PREPASS_MS.
    expect(roundCostMs([cell([], { warmNsPerDispatch: 2, dispatches: 10_000_000, reps: 1 }), cell()], 10)).toBeCloseTo(20 + 20 + 2 + 10 + 1 + 2, 9);
    // 100 reps of 0.2 ms: 1 ms of untimed pass (ceil(100 x 1 / 20) = 5 reps).
    expect(roundCostMs([cell([], { warmNsPerDispatch: 2, dispatches: 10_000_000, reps: 100 })], 20)).toBeCloseTo(20 + 1 + 2, 9);
    expect(sampleTimeoutMs(cell([], { warmNsPerDispatch: 2, dispatches: 10_000_000 }), 10)).toBe(2400);
  });

  it("counts the samples a cell still wants", () => {
    expect(samplesWanted(cell([sample(0, 0)]), 6)).toBe(5);
    expect(samplesWanted(cell([sample(0, 0)]), undefined)).toBe(Infinity);
  });

  it("lets a sample take the budget's share that still leaves every cell 6 rounds, never under 10 targets", () => {
    const b = { deadline: 63_000, reserveMs: 3000, targetSampleMs: 10, maxWarmupMs: 500, initTimeoutMs: 60_000 };
    expect(startLimits(b, 10, 0)).toEqual({ maxSampleMs: 1000, timeouts: { loadMs: 60_000, calibrateMs: 12_500 } });
    expect(startLimits(b, 10, 59_990)).toEqual({ maxSampleMs: 100, timeouts: { loadMs: 60_000, calibrateMs: 3500 } });
  });
});
