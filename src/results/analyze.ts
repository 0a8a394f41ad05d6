/**
 * From raw samples to per-cell statistics (pure): gross cost, net cost
 * (minus the control kernel measured in the same rounds), ratio to the
 * reference strategy, and precision per unit of time. Cells compared with
 * each other are paired by round when they share enough rounds, so drift
 * that slowed a whole round cancels out.
 */
import { differenceOfMedians, ratioOfMedians, type CompareOptions } from "../stats/compare.js";
import { summarize } from "../stats/summary.js";
import type { Sample } from "../run/runner.js";
import type { CellRecord, CellSummary, RunConfig } from "./schema.js";

/** Below this many shared rounds a paired bootstrap says little: resample independently. */
const MIN_PAIRED_ROUNDS = 5;

const values = (samples: readonly Sample[]) => samples.map((s) => s.nsPerDispatch);

/**
 * The two cells' samples over the rounds both have, in round order, with the
 * segment of each round (segments are shared: every cell changes process at
 * the same round).
 */
export function alignByRound(a: readonly Sample[], b: readonly Sample[]): [number[], number[], number[]] {
  const other = new Map(b.map((s) => [s.round, s.nsPerDispatch]));
  const shared = a.filter((s) => other.has(s.round)).sort((x, y) => x.round - y.round);
  return [shared.map((s) => s.nsPerDispatch), shared.map((s) => other.get(s.round)!), shared.map((s) => s.segment)];
}

/** Resample segments (processes) first when there are several: a segment's samples share their process's placement. */
const blocksOf = (segments: readonly number[]) => (new Set(segments).size > 1 ? { blocks: segments } : {});

function compare<T>(a: CellRecord, b: CellRecord, fn: (x: number[], y: number[], o: CompareOptions) => T, seed: number): T {
  const [x, y, segments] = alignByRound(a.samples, b.samples);
  if (x.length >= MIN_PAIRED_ROUNDS) return fn(x, y, { seed, paired: true, ...blocksOf(segments) });
  return fn(values(a.samples), values(b.samples), { seed, paired: false });
}

const cellKey = (c: { strategy: string; workload: string; tier: string }) => `${c.strategy}\u0000${c.workload}\u0000${c.tier}`;

export function summarizeCells(cells: readonly CellRecord[], config: RunConfig): CellSummary[] {
  const byKey = new Map(cells.map((c) => [cellKey(c), c]));
  const measured = (c: CellRecord | undefined) => (c && c.samples.length > 0 ? c : undefined);
  return cells.map((cell, i) => {
    const seed = config.seed * 7919 + i;
    const has = measured(cell);
    const control = cell.strategy === config.control ? undefined : measured(byKey.get(cellKey({ ...cell, strategy: config.control })));
    const reference = measured(byKey.get(cellKey({ ...cell, strategy: config.reference })));
    const gross = has ? summarize(values(cell.samples), { seed, ...blocksOf(cell.samples.map((s) => s.segment)) }) : null;
    const net = has && control ? compare(cell, control, differenceOfMedians, seed) : null;
    const ratio = has && reference ? compare(cell, reference, ratioOfMedians, seed) : null;
    const vsReference = has && reference ? compare(cell, reference, differenceOfMedians, seed) : null;
    const interval = net ?? (gross ? { ciLow: gross.ciLow, ciHigh: gross.ciHigh } : null);
    return {
      id: cell.id,
      strategy: cell.strategy,
      workload: cell.workload,
      tier: cell.tier,
      status: cell.status,
      error: cell.error ?? null,
      gross,
      net,
      ratio,
      vsReference,
      precisionNsSqrtS: interval && cell.seconds > 0 ? ((interval.ciHigh - interval.ciLow) / 2) * Math.sqrt(cell.seconds) : null,
      seconds: cell.seconds,
    };
  });
}
