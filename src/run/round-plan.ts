/**
 * How a session's rounds are laid out in its time budget: pure functions of
 * the clock reading, the deadline and the measured costs, so that the plan
 * is tested with exact numbers and no process (runner.ts follows it).
 */
import { MIN_ROUNDS } from "../stats/rounds.js";
import type { CellRun } from "../model/cells.js";
import type { InitTimeouts } from "./cell-process.js";
import { PREPASS_MS, prepassReps } from "./protocol.js";

/** The budget a session's rounds share: what the runner is given (RunnerOptions' fields of the same names). */
export interface RoundBudget {
  /** Wall-clock deadline for the whole run (ms since epoch). */
  deadline: number;
  /** Time kept back at the end for statistics and the final write. */
  reserveMs: number;
  targetSampleMs: number;
  maxWarmupMs: number;
  initTimeoutMs: number;
}

/**
 * What a cell's start may take. A sample may last the budget's share that
 * still gives every cell MIN_ROUNDS samples (never less than 10 targets): a
 * cell whose one pass over its stream is longer is refused at once (child.ts)
 * instead of timing out one cell after another. Compiling may take
 * initTimeoutMs; calibrating takes a few samples, so a body that never
 * returns is caught within seconds.
 */
export interface StartLimits {
  maxSampleMs: number;
  timeouts: InitTimeouts;
}

export function startLimits(b: RoundBudget, cells: number, now: number): StartLimits {
  const maxSampleMs = Math.max(10 * b.targetSampleMs, (b.deadline - b.reserveMs - now) / (Math.max(cells, 1) * MIN_ROUNDS));
  return { maxSampleMs, timeouts: { loadMs: b.initTimeoutMs, calibrateMs: Math.min(b.initTimeoutMs, 10 * maxSampleMs + b.maxWarmupMs + 2000) } };
}

/** A cell's expected sample: the target, or one pass over its stream when that is longer. */
const sampleMs = (cell: CellRun, targetMs: number) => Math.max(targetMs, ((cell.ready?.warmNsPerDispatch ?? 0) * (cell.ready?.dispatches ?? 0)) / 1e6);

/** How long a sample may take before the cell is declared hung. */
export const sampleTimeoutMs = (cell: CellRun, targetMs: number): number => 20 * sampleMs(cell, targetMs) + 2000;

/** A cell's untimed pass before each sample (protocol.ts prepassReps), ms. */
const prepassMs = (cell: CellRun, targetMs: number) =>
  cell.ready ? (sampleMs(cell, targetMs) * prepassReps(cell.ready.reps, targetMs)) / cell.ready.reps : PREPASS_MS;

/** Estimated wall time of one round: every live cell's sample, its untimed pre-pass, and IPC. */
export function roundCostMs(cells: readonly CellRun[], targetMs: number): number {
  return cells.reduce((sum, c) => sum + sampleMs(c, targetMs) + prepassMs(c, targetMs) + 2, 0);
}

/** Samples a cell still wants: Infinity when the run takes as many as the budget allows. */
export const samplesWanted = (cell: CellRun, samples: number | undefined): number => (samples === undefined ? Infinity : samples - cell.samples.length);

/**
 * Rounds and segments for the time left after the first start-up: every
 * segment past the first costs another start-up. When `processes` segments
 * would leave fewer than MIN_ROUNDS rounds, fewer segments are used (down
 * to one): six rounds in one process give an interval, two rounds in each
 * of three processes give an inconclusive cell.
 */
export function planRounds(processes: number, startupMs: number, roundMs: number, availableMs: number): { segments: number; rounds: number } {
  const rounds = (p: number) => Math.floor((availableMs - startupMs * (p - 1)) / Math.max(roundMs, 1));
  let segments = Math.max(1, processes);
  while (segments > 1 && rounds(segments) < MIN_ROUNDS) segments--;
  return { segments, rounds: rounds(segments) };
}

/** The round and segment numbers a session starts at: past every sample already taken (a resumed run numbers on). */
export function nextNumbers(cells: readonly CellRun[]): { round: number; segment: number } {
  // A reduce: a spread of every sample could exceed the argument limit.
  const next = (field: "round" | "segment") => cells.reduce((m, c) => c.samples.reduce((n, s) => Math.max(n, s[field] + 1), m), 0);
  return { round: next("round"), segment: next("segment") };
}

/** What the session knows once its cells have started: the clock, the measured costs, what the live cells want. */
export interface SessionState {
  now: number;
  /**
   * What each segment after the first costs the measuring CPU: the first
   * start-up of every cell, when each later segment starts them again there;
   * one round (the re-warm), when later segments start on a staging CPU
   * while the one before samples (overlapAfter).
   */
  startupMs: number;
  /** One round of the live cells (roundCostMs). */
  roundMs: number;
  processes: number;
  /** The most samples a live cell still wants (Infinity: as many as the budget allows). */
  wanted: number;
  /** Numbers taken by earlier sessions (nextNumbers). */
  first: { round: number; segment: number };
}

/**
 * A session's rounds: at least one, at most what the budget or the samples
 * wanted allow; cut into `segments` stretches (never more than rounds), each
 * measured in fresh processes; numbered on from `firstRound` and
 * `firstSegment`. Rounds stop early once the next would end after `endBy`.
 */
export interface RoundPlan {
  rounds: number;
  segments: number;
  firstRound: number;
  firstSegment: number;
  /** deadline - reserve (ms since epoch). */
  endBy: number;
  /** The samples wanted set the rounds, not the time left: the segments are then kept as planned (promoteBefore). */
  bySamples: boolean;
}

export function planSession(b: Pick<RoundBudget, "deadline" | "reserveMs">, s: SessionState): RoundPlan {
  const endBy = b.deadline - b.reserveMs;
  const fit = planRounds(s.processes, s.startupMs, s.roundMs, endBy - s.now);
  const rounds = Math.max(1, Math.min(fit.rounds, s.wanted));
  return {
    rounds,
    segments: Math.min(fit.segments, rounds),
    firstRound: s.first.round,
    firstSegment: s.first.segment,
    endBy,
    bySamples: s.wanted <= fit.rounds,
  };
}

/**
 * The plan again once its first round is measured: rounds cost what the
 * estimate (roundCostMs) cannot see (each sample's round trip to its child,
 * the write after each round), 1.5-1.8x the estimate on the 2-core VM, and a
 * plan laid out with the estimate ran out of time early in its last
 * segment, leaving it a round or two (a block of one round in the
 * bootstrap). Round 0 stays the first of segment 0; the rounds after it and
 * their segments are laid out in the time left, at the measured cost.
 * `segmentMs` is what each later segment costs the measuring CPU (a
 * start-up, or with a staging CPU one re-warm round: pass the measured
 * round then).
 */
export function replanAfterFirst(plan: RoundPlan, s: { now: number; roundMs: number; segmentMs: number; processes: number; wanted: number }): RoundPlan {
  const fit = planRounds(s.processes, s.segmentMs, s.roundMs, plan.endBy - s.now);
  const rounds = Math.max(1, Math.min(1 + fit.rounds, s.wanted));
  return { ...plan, rounds, segments: Math.max(1, Math.min(fit.segments, rounds)), bySamples: s.wanted <= 1 + fit.rounds };
}

/** The segment (0-based in this session) of round `r`: segment k covers rounds [rounds * k / segments, rounds * (k + 1) / segments). */
const segmentOf = (plan: Pick<RoundPlan, "rounds" | "segments">, r: number): number => Math.floor((r * plan.segments) / plan.rounds);

/**
 * Round `r` of the plan (0-based in this session): its number, and the
 * segment the plan gives it (segment k covers rounds [rounds * k / segments,
 * rounds * (k + 1) / segments)).
 */
export function roundAt(plan: RoundPlan, r: number): { round: number; segment: number } {
  return { round: plan.firstRound + r, segment: plan.firstSegment + segmentOf(plan, r) };
}

/**
 * The overlap of start-up with measurement, when the runner has a staging
 * CPU: right after the first round a segment's processes give, the next
 * segment's processes start on the staging CPU (compile, place, warm up:
 * calibration is carried over from the first process) while this segment
 * samples on the measuring CPU. Returns the segment to stage, or null: none
 * after the plan's last. `opened`: the round just taken was the first of
 * segment `current`'s processes. Staging after that round, not before it:
 * the segment's own processes have just been promoted and re-warmed, and
 * their first round is measured before anything else runs.
 */
export function stageAfter(plan: RoundPlan, current: number, opened: boolean): number | null {
  return opened && current < plan.firstSegment + plan.segments - 1 ? current + 1 : null;
}

/**
 * Whether the staged segment takes over before round `r`: the plan has
 * reached it (segment k covers rounds [rounds * k / segments, rounds *
 * (k + 1) / segments)) and it is ready. When the time budget sets the
 * rounds, a staged segment that is not ready yet does not hold the
 * measuring CPU up: the segment measuring now goes on giving rounds until
 * it is, and it is then promoted at once, unless the plan has fewer rounds
 * left than a segment of its own (at most 5): a segment of a round or two
 * would be a time block of a round or two in the bootstrap (summarize.ts
 * timeBlocks). When the samples wanted set the rounds (`bySamples`), waiting
 * costs time, not samples: the plan's segments are kept, and the runner
 * waits for a staging not ready yet. At its promotion a segment's processes
 * move to the measuring CPU, and every cell takes one untimed sample there
 * (the re-warm) before the round.
 */
export function promoteBefore(plan: RoundPlan, r: number, staged: { segment: number; ready: boolean } | null): boolean {
  if (!staged || roundAt(plan, r).segment < staged.segment) return false;
  if (plan.bySamples) return true;
  return staged.ready && plan.rounds - r >= Math.min(5, Math.floor(plan.rounds / plan.segments));
}

/** Whether another round of `roundMs` still ends by the plan's end. */
export const roomForRound = (plan: RoundPlan, now: number, roundMs: number): boolean => now + roundMs <= plan.endBy;

/**
 * Time kept back at the end of a run for its statistics and the last
 * write: the bootstrap costs ~30 ms per cell (the default run's 35 cells:
 * ~1 s), plus half a second for the files. A fixed 3 s left a 5-s run of 8
 * cells one round; this leaves it 6 and more.
 */
export const statisticsReserveMs = (cells: number): number => 500 + 30 * cells;
