/**
 * From raw samples to per-cell statistics (pure): gross cost, net cost
 * (minus the control kernel measured in the same rounds), ratio to the
 * reference strategy, and precision per unit of time. Cells compared with
 * each other are paired by round when they share enough rounds, so drift
 * that slowed a whole round cancels out.
 */
import { differenceOfMedians, ratioOfMedians, type CompareOptions } from "../stats/medians.js";
import { tooFewRounds } from "../stats/rounds.js";
import { summarize } from "../stats/summary.js";
import type { Sample } from "../model/cells.js";
import type { CellRecord, CellSummary, RunConfig } from "../model/results.js";
import { cellKey } from "../model/cells.js";
import { subtractCounts } from "../model/counts.js";

/** Below this many shared rounds a paired bootstrap says little: resample independently. */
const MIN_PAIRED_ROUNDS = 5;

/** Rounds in which both cells have a sample. */
export function sharedRoundCount(a: readonly Sample[], b: readonly Sample[]): number {
  const rounds = new Set(b.map((s) => s.round));
  return a.filter((s) => rounds.has(s.round)).length;
}

const values = (samples: readonly Sample[]) => samples.map((s) => s.nsPerDispatch);

/**
 * The two cells' samples over the rounds both have, in round order, with the
 * segment of each round (segments are shared: every cell changes process at
 * the same round).
 */
export function alignByRound(a: readonly Sample[], b: readonly Sample[]): [number[], number[], Sample[]] {
  const other = new Map(b.map((s) => [s.round, s.nsPerDispatch]));
  const shared = a.filter((s) => other.has(s.round)).sort((x, y) => x.round - y.round);
  return [shared.map((s) => s.nsPerDispatch), shared.map((s) => other.get(s.round)!), shared];
}

/** Rounds per time block at least, and blocks per segment at most. */
const MIN_BLOCK_ROUNDS = 5;
const BLOCKS_PER_SEGMENT = 3;

/**
 * Block labels for the two-stage bootstrap: each segment (one process per
 * cell) is cut into up to 3 runs of consecutive rounds. Measured on the
 * development VM: the machine has slow states lasting seconds (branchy code
 * 30-40% slower, the direct control barely), which hit every cell measured
 * then. Consecutive rounds share that state, so they are resampled together
 * and the interval covers the state changes; independent samples would not.
 */
export function timeBlocks(samples: readonly { round: number; segment: number }[]): number[] {
  const bySegment = new Map<number, number[]>();
  for (const s of samples) {
    const rounds = bySegment.get(s.segment);
    if (rounds) rounds.push(s.round);
    else bySegment.set(s.segment, [s.round]);
  }
  const label = new Map<string, number>();
  for (const [segment, rounds] of bySegment) {
    rounds.sort((a, b) => a - b);
    const size = Math.max(MIN_BLOCK_ROUNDS, Math.ceil(rounds.length / BLOCKS_PER_SEGMENT));
    rounds.forEach((round, i) => label.set(`${segment}:${round}`, segment * BLOCKS_PER_SEGMENT + Math.floor(i / size)));
  }
  return samples.map((s) => label.get(`${s.segment}:${s.round}`)!);
}

export const blocksOf = (samples: readonly { round: number; segment: number }[]) => {
  const blocks = timeBlocks(samples);
  return new Set(blocks).size > 1 ? { blocks } : {};
};

/** fn (a ratio or difference of medians) of two cells: paired by round when they share enough rounds, with time blocks. */
export function compareCells<T>(a: CellRecord, b: CellRecord, fn: (x: number[], y: number[], o: CompareOptions) => T, seed: number): T {
  const [x, y, shared] = alignByRound(a.samples, b.samples);
  if (x.length >= MIN_PAIRED_ROUNDS) return fn(x, y, { seed, paired: true, ...blocksOf(shared) });
  return fn(values(a.samples), values(b.samples), { seed, paired: false });
}

/** The first of: too few samples of its own, too few rounds shared with the control, with the reference. */
function inconclusiveReason(cell: CellRecord, control: CellRecord | undefined, reference: CellRecord | undefined, config: RunConfig): string | null {
  const shared = (other: CellRecord | undefined, role: string) =>
    other && other !== cell ? tooFewRounds(sharedRoundCount(cell.samples, other.samples), `shared with the ${role}`) : null;
  return tooFewRounds(cell.samples.length) ?? shared(control, `control ${config.control}`) ?? shared(reference, `reference ${config.reference}`);
}

export function summarizeCells(cells: readonly CellRecord[], config: RunConfig): CellSummary[] {
  const byKey = new Map(cells.map((c) => [cellKey(c), c]));
  const measured = (c: CellRecord | undefined) => (c && c.samples.length > 0 ? c : undefined);
  return cells.map((cell, i) => {
    const seed = config.seed * 7919 + i;
    const has = measured(cell);
    const control = cell.strategy === config.control ? undefined : measured(byKey.get(cellKey({ ...cell, strategy: config.control })));
    const reference = measured(byKey.get(cellKey({ ...cell, strategy: config.reference })));
    const gross = has ? summarize(values(cell.samples), { seed, ...blocksOf(cell.samples) }) : null;
    const net = has && control ? compareCells(cell, control, differenceOfMedians, seed) : null;
    const ratio = has && reference ? compareCells(cell, reference, ratioOfMedians, seed) : null;
    const vsReference = has && reference ? compareCells(cell, reference, differenceOfMedians, seed) : null;
    const interval = net ?? (gross ? { ciLow: gross.ciLow, ciHigh: gross.ciHigh } : null);
    const inconclusive = has ? inconclusiveReason(has, control, reference, config) : null;
    return {
      id: cell.id,
      strategy: cell.strategy,
      workload: cell.workload,
      tier: cell.tier,
      ...(cell.engine === undefined ? {} : { engine: cell.engine }),
      status: cell.status,
      error: cell.error ?? null,
      gross,
      net,
      ratio,
      vsReference,
      inconclusive,
      precisionNsSqrtS: interval && cell.seconds > 0 ? ((interval.ciHigh - interval.ciLow) / 2) * Math.sqrt(cell.seconds) : null,
      seconds: cell.seconds,
      ...countsOf(cell, byKey, config),
    };
  });
}

/** A cell's counts, and net of its group's control's where the control has counts too (exact: no interval). */
function countsOf(cell: CellRecord, byKey: ReadonlyMap<string, CellRecord>, config: RunConfig): Pick<CellSummary, "counts"> {
  if (!cell.counts) return {};
  const control = byKey.get(cellKey({ ...cell, strategy: config.control }))?.counts;
  return { counts: { perDispatch: cell.counts.perDispatch, net: control ? subtractCounts(cell.counts.perDispatch, control.perDispatch) : null } };
}
