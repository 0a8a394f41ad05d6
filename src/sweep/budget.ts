/**
 * What a sweep's points cost before any is measured (pure), so that the
 * points share the time budget by what they need, and a budget too small
 * for the minimum rounds is refused up front with the smallest that works.
 *
 * The model, per point (a run whose cells share one process per strategy,
 * tier and engine, restarted for each of `processes` segments; cells counts
 * every engine's):
 *   start-up  = processes x (groups x PROCESS_START_MS + cells x cellInitMs)
 *   one round = cells x (targetSampleMs + PREPASS_MS + 2 ms)   (sample, pre-pass, IPC; as run/round-plan.ts plans)
 *   reserve   = 0.5 s + 30 ms x cells                     (statistics; run/round-plan.ts statisticsReserveMs)
 * Constants are from the development VMs (2 cores; Node 20): a process
 * boots and loads its harness in ~0.15-0.2 s, and a cell compiles,
 * calibrates its batch twice and warms up to a steady state (>= 4 samples)
 * in ~0.1-0.15 s at a 10 ms target. Estimates, not promises: the runner
 * still stops each point at its deadline.
 */
import { statisticsReserveMs } from "../run/round-plan.js";
import { PREPASS_MS } from "../run/protocol.js";
import { MIN_ROUNDS } from "../stats/rounds.js";
import { cellsOf, enginesOf, type RunConfig } from "../model/results.js";

const PROCESS_START_MS = 200;
const cellInitMs = (targetSampleMs: number) => 60 + 6 * targetSampleMs;
/** Emitting every point's modules in the emit child: binaryen's load, then ~1 ms per handler and strategy. */
const EMIT_BASE_MS = 2500;

export interface PointCost {
  startupMs: number;
  roundMs: number;
  reserveMs: number;
  /** Rounds the point needs: --samples when given, else MIN_ROUNDS. */
  rounds: number;
  /** startup + rounds x round + reserve. */
  minimumMs: number;
}

export function pointCost(c: RunConfig): PointCost {
  const cells = cellsOf(c);
  // One process per strategy, tier and engine (lab/measure.ts groups cells so); cellsOf counts every engine's cells.
  const groups = c.strategies.length * c.tiers.length * enginesOf(c).length;
  const startupMs = c.processes * (groups * PROCESS_START_MS + cells * cellInitMs(c.targetSampleMs));
  const roundMs = cells * (c.targetSampleMs + PREPASS_MS + 2);
  const reserveMs = statisticsReserveMs(cells);
  const rounds = c.samples ?? MIN_ROUNDS;
  return { startupMs, roundMs, reserveMs, rounds, minimumMs: startupMs + rounds * roundMs + reserveMs };
}

export interface SweepCost {
  points: PointCost[];
  emitMs: number;
  /** Every point's start-up, added up. */
  startupMs: number;
  /** The whole sweep at each point's minimum, emission and the final reserve included, seconds, rounded up to 5. */
  minimumS: number;
}

export function sweepCost(configs: readonly RunConfig[], handlers: readonly number[], finalReserveMs: number): SweepCost {
  const points = configs.map(pointCost);
  const emitMs = EMIT_BASE_MS + configs.reduce((sum, c, i) => sum + (handlers[i] ?? 0) * c.strategies.length, 0);
  const totalMs = emitMs + finalReserveMs + points.reduce((sum, p) => sum + p.minimumMs, 0);
  const startupMs = points.reduce((sum, p) => sum + p.startupMs, 0);
  return { points, emitMs, startupMs, minimumS: 5 * Math.ceil(totalMs / 5000) };
}

/**
 * The time point `next` may take: its minimum plus an equal part of what
 * the remaining points' minimums leave over (when the estimates overrun,
 * each gets its minimum's share of what is left).
 */
export function pointShareMs(remainingMs: number, left: readonly PointCost[]): number {
  const [next] = left;
  if (!next) return 0;
  const need = left.reduce((sum, p) => sum + p.minimumMs, 0);
  const surplus = remainingMs - need;
  return surplus >= 0 ? next.minimumMs + surplus / left.length : (remainingMs * next.minimumMs) / need;
}
