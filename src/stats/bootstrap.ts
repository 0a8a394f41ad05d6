/**
 * Seeded percentile bootstrap.
 *
 * A bootstrap estimates how much a statistic would move if the measurement
 * were repeated: draw n samples with replacement from the n we have, compute
 * the statistic, repeat B times, and read the interval off the B values
 * (percentile method: the (1 - c)/2 and (1 + c)/2 quantiles of the bootstrap
 * distribution, for confidence c). Every draw comes from the project's seeded
 * RNG, so the same samples, seed and options always give the same interval.
 *
 * Two families of functions:
 *  - generic ones (`bootstrapCI`, `pairedBootstrapCI`, `independentBootstrapCI`)
 *    that take any statistic and hand it the resampled values;
 *  - fast ones for medians (`bootstrapMedianCI`, `pairedBootstrapMediansCI`,
 *    `independentBootstrapMediansCI`). They make the SAME draws as their
 *    generic twin with `median` as the statistic and return the same interval,
 *    bit for bit, but never sort a resample: see `RankedGroup`.
 */
import { quantileSorted } from "simple-statistics";
import { seededRng, type Rng } from "./rng.js";

export interface BootstrapOptions {
  /** RNG seed (an int32: seededRng takes `seed | 0`). Default 1. */
  seed?: number;
  /** Number of bootstrap resamples B. Default 2000. */
  resamples?: number;
  /** Two-sided confidence level c in (0, 1). Default 0.95. */
  confidence?: number;
  /**
   * Median bootstraps only: a block label per sample (e.g. the child process
   * that took it). Each resample then draws whole blocks with replacement and
   * samples within each drawn block: a two-stage (hierarchical) bootstrap,
   * so variation between blocks (a process's code and data placement) counts
   * in the interval instead of being averaged away as if every sample were
   * independent.
   */
  blocks?: readonly number[];
}

export type BootstrapSettings = Required<Omit<BootstrapOptions, "blocks">>;

export const BOOTSTRAP_DEFAULTS: Readonly<BootstrapSettings> = { seed: 1, resamples: 2000, confidence: 0.95 };

/** Fills in defaults and rejects settings that would make the interval meaningless. */
export function bootstrapSettings(opts: Omit<BootstrapOptions, "blocks"> = {}): BootstrapSettings {
  const s = {
    seed: opts.seed ?? BOOTSTRAP_DEFAULTS.seed,
    resamples: opts.resamples ?? BOOTSTRAP_DEFAULTS.resamples,
    confidence: opts.confidence ?? BOOTSTRAP_DEFAULTS.confidence,
  };
  if (!Number.isInteger(s.seed)) throw new Error(`bootstrap seed must be an integer, got ${s.seed}`);
  if (!Number.isInteger(s.resamples) || s.resamples < 1) {
    throw new Error(`bootstrap resamples must be a positive integer, got ${s.resamples}`);
  }
  if (!(s.confidence > 0 && s.confidence < 1)) {
    throw new Error(`bootstrap confidence must be in (0, 1), got ${s.confidence}`);
  }
  return s;
}

/** Samples are timings: an empty or non-finite sample is a caller bug, and NaN would silently poison every sort. */
export function assertSamples(samples: readonly number[], what = "samples"): void {
  if (samples.length === 0) throw new Error(`${what}: need at least one sample`);
  for (const x of samples) {
    if (!Number.isFinite(x)) throw new Error(`${what}: non-finite sample ${x}`);
  }
}

/**
 * Percentile interval of a bootstrap distribution: its (1 - c)/2 and
 * (1 + c)/2 quantiles (type 7, linear interpolation, as simple-statistics'
 * quantileSorted). Sorts `stats` in place.
 */
export function percentileInterval(stats: Float64Array, confidence: number): [number, number] {
  const sorted = Array.from(stats.sort());
  const tail = (1 - confidence) / 2;
  return [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)];
}

/** One uniform index in [0, n), unbiased (pure-rand's uniformInt rejects the modulo remainder). */
const drawIndex = (rng: Rng, n: number): number => rng.int(0, n - 1);

/**
 * Percentile bootstrap CI of `statistic` over `samples`.
 *
 * `statistic` gets one scratch array that is refilled for every resample (no
 * allocation per resample): it may reorder it in place (e.g. sort it) but must
 * not keep a reference to it.
 */
export function bootstrapCI(samples: readonly number[], statistic: (xs: number[]) => number, opts: BootstrapOptions = {}): [number, number] {
  assertSamples(samples);
  const { seed, resamples, confidence } = bootstrapSettings(opts);
  const rng = seededRng(seed);
  const n = samples.length;
  const buffer = samples.slice();
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) buffer[i] = samples[drawIndex(rng, n)]!;
    stats[r] = statistic(buffer);
  }
  return percentileInterval(stats, confidence);
}

/** All groups must be rounds of the same run: same, non-zero length. */
function assertPaired(groups: readonly (readonly number[])[]): number {
  if (groups.length === 0) throw new Error("paired bootstrap: need at least one group");
  groups.forEach((g, k) => assertSamples(g, `group ${k}`));
  const n = groups[0]!.length;
  const bad = groups.findIndex((g) => g.length !== n);
  if (bad >= 0) {
    throw new Error(`paired bootstrap: group ${bad} has ${groups[bad]!.length} samples, group 0 has ${n}`);
  }
  return n;
}

/**
 * Paired (block-by-round) bootstrap: sample i of every group was taken in the
 * same round i, so each resample draws n ROUND indices with replacement and
 * applies the same indices to every group. A round keeps all its cells
 * together, so drift that hits a whole round (thermal state, frequency
 * scaling, a noisy neighbour) moves the cells alike and largely cancels in a
 * ratio or difference, instead of being counted as independent noise.
 *
 * `statistic` gets one scratch array per group, refilled for every resample:
 * it may reorder them in place but must not keep them. Throws if the groups'
 * lengths differ.
 */
export function pairedBootstrapCI(
  groups: readonly (readonly number[])[],
  statistic: (resampled: number[][]) => number,
  opts: BootstrapOptions = {},
): [number, number] {
  const n = assertPaired(groups);
  const { seed, resamples, confidence } = bootstrapSettings(opts);
  const rng = seededRng(seed);
  const buffers = groups.map((g) => g.slice());
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const j = drawIndex(rng, n);
      for (let g = 0; g < groups.length; g++) buffers[g]![i] = groups[g]![j]!;
    }
    stats[r] = statistic(buffers);
  }
  return percentileInterval(stats, confidence);
}

/**
 * Independent bootstrap: each group is resampled on its own (in group order,
 * from one seeded stream), for groups that were not measured round by round
 * or have different lengths. Same scratch-array contract as pairedBootstrapCI.
 */
export function independentBootstrapCI(
  groups: readonly (readonly number[])[],
  statistic: (resampled: number[][]) => number,
  opts: BootstrapOptions = {},
): [number, number] {
  if (groups.length === 0) throw new Error("independent bootstrap: need at least one group");
  groups.forEach((g, k) => assertSamples(g, `group ${k}`));
  const { seed, resamples, confidence } = bootstrapSettings(opts);
  const rng = seededRng(seed);
  const buffers = groups.map((g) => g.slice());
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    groups.forEach((g, k) => {
      const buffer = buffers[k]!;
      for (let i = 0; i < g.length; i++) buffer[i] = g[drawIndex(rng, g.length)]!;
    });
    stats[r] = statistic(buffers);
  }
  return percentileInterval(stats, confidence);
}

/**
 * A group prepared for counting-based medians.
 *
 * A resample only ever contains the original values, so it is fully described
 * by how many times each original sample was drawn. Sort the originals once;
 * per resample, tally the draws by sorted rank, then walk the tallies until
 * the running count passes the middle position(s): that is the resample's
 * median in O(n), with no copy and no sort. For n = 200 and 2000 resamples,
 * filling and sorting a Float64Array per resample costs ~20 ms; tallying and
 * walking costs ~1 ms, so the 400k random index draws (~3 ms) dominate.
 */
interface RankedGroup {
  /** The samples in ascending order. */
  readonly sorted: Float64Array;
  /** rankOf[i]: the position of original sample i in `sorted`. */
  readonly rankOf: Int32Array;
  /** Per-resample tally of draws by rank; cleared by `countedMedian`. */
  readonly counts: Int32Array;
}

function rankGroup(samples: readonly number[]): RankedGroup {
  const n = samples.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => samples[a]! - samples[b]!);
  const sorted = new Float64Array(n);
  const rankOf = new Int32Array(n);
  order.forEach((original, rank) => {
    sorted[rank] = samples[original]!;
    rankOf[original] = rank;
  });
  return { sorted, rankOf, counts: new Int32Array(n) };
}

/**
 * Median of the tallied resample, then clears the tally. Type 7 (as
 * simple-statistics' median): for odd n the value at position (n - 1)/2, for
 * even n `lo + 0.5 * (hi - lo)` of the two middle values, written exactly as
 * quantileSorted writes it so the fast and generic paths agree to the bit.
 */
function countedMedian(group: RankedGroup, n: number = group.sorted.length): number {
  const { sorted, counts } = group;
  const k = (n - 1) >> 1;
  const even = n % 2 === 0;
  // walk ranks until more than k draws have been seen: position k lies in this rank
  let seen = 0;
  let rank = 0;
  for (; rank < n; rank++) {
    seen += counts[rank]!;
    if (seen > k) break;
  }
  const lo = sorted[rank]!;
  let hi = lo;
  if (even && seen === k + 1) {
    // position k + 1 belongs to the next rank that was drawn at least once
    do rank++;
    while (counts[rank] === 0);
    hi = sorted[rank]!;
  }
  counts.fill(0);
  return even ? lo + 0.5 * (hi - lo) : lo;
}

/** Shared loop of the fast median bootstraps. */
function medianBootstrap(
  groups: readonly (readonly number[])[],
  combine: (medians: readonly number[]) => number,
  opts: BootstrapOptions,
  paired: boolean,
  groupBlocks?: readonly (readonly number[] | undefined)[],
): [number, number] {
  const { seed, resamples, confidence } = bootstrapSettings(opts);
  const rng = seededRng(seed);
  const ranked = groups.map(rankGroup);
  // paired: one draw of round indices feeds every group; independent: each group draws its own
  const draws = paired ? [ranked] : ranked.map((g) => [g]);
  const labels = paired ? [opts.blocks] : (groupBlocks ?? []);
  const blocks = draws.map((d, i) => (labels[i] ? blockIndices(labels[i], d[0]!.sorted.length) : undefined));
  const drawn = new Array<number | undefined>(draws.length);
  const medians = new Array<number>(groups.length).fill(0);
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    // With blocks the resample size varies (blocks differ in size): the median is taken over what was drawn.
    for (let d = 0; d < draws.length; d++) {
      const b = blocks[d];
      if (b) drawn[d] = tallyBlockDraws(rng, draws[d]!, b);
      else tallyDraws(rng, draws[d]!);
    }
    for (let g = 0; g < ranked.length; g++) medians[g] = countedMedian(ranked[g]!, drawn[paired ? 0 : g]);
    stats[r] = combine(medians);
  }
  return percentileInterval(stats, confidence);
}

/** The sample indices of each block, from a label per sample. */
function blockIndices(labels: readonly number[], n: number): Int32Array[] {
  if (labels.length !== n) throw new Error(`bootstrap blocks: ${labels.length} labels for ${n} samples`);
  const byLabel = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const list = byLabel.get(label);
    if (list) list.push(i);
    else byLabel.set(label, [i]);
  });
  return [...byLabel.values()].map((ix) => Int32Array.from(ix));
}

/** Two-stage draw: as many blocks as there are, with replacement; within each, its size in samples. Returns the total drawn. */
function tallyBlockDraws(rng: Rng, groups: readonly RankedGroup[], blocks: readonly Int32Array[]): number {
  let total = 0;
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[drawIndex(rng, blocks.length)]!;
    for (let i = 0; i < block.length; i++) {
      const j = block[drawIndex(rng, block.length)]!;
      for (let g = 0; g < groups.length; g++) {
        const group = groups[g]!;
        group.counts[group.rankOf[j]!]!++;
      }
    }
    total += block.length;
  }
  return total;
}

/**
 * Draws n indices (n = the groups' common length) and tallies each one in
 * every group. Indexed loops on purpose: a for-of here allocated an iterator
 * per draw and cost more than the draws themselves.
 */
function tallyDraws(rng: Rng, groups: readonly RankedGroup[]): void {
  const n = groups[0]!.sorted.length;
  for (let i = 0; i < n; i++) {
    const j = drawIndex(rng, n);
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g]!;
      group.counts[group.rankOf[j]!]!++;
    }
  }
}

/** Bootstrap CI of the median; same interval as `bootstrapCI(samples, median, opts)`, much faster. */
export function bootstrapMedianCI(samples: readonly number[], opts: BootstrapOptions = {}): [number, number] {
  assertSamples(samples);
  return medianBootstrap([samples], (m) => m[0]!, opts, true);
}

/**
 * Paired bootstrap CI of `combine(medians of the groups)` (e.g. a ratio of
 * medians); same interval as
 * `pairedBootstrapCI(groups, (gs) => combine(gs.map(median)), opts)`.
 * `combine` gets a scratch array reused across resamples.
 */
export function pairedBootstrapMediansCI(
  groups: readonly (readonly number[])[],
  combine: (medians: readonly number[]) => number,
  opts: BootstrapOptions = {},
): [number, number] {
  assertPaired(groups);
  return medianBootstrap(groups, combine, opts, true);
}

/**
 * Independent counterpart of pairedBootstrapMediansCI (matches
 * independentBootstrapCI with medians). `groupBlocks[k]`, when given, labels
 * group k's samples with blocks for a two-stage draw of that group alone
 * (e.g. two runs compared: each resampled by its own time blocks).
 */
export function independentBootstrapMediansCI(
  groups: readonly (readonly number[])[],
  combine: (medians: readonly number[]) => number,
  opts: Omit<BootstrapOptions, "blocks"> = {},
  groupBlocks?: readonly (readonly number[] | undefined)[],
): [number, number] {
  if (groups.length === 0) throw new Error("independent bootstrap: need at least one group");
  groups.forEach((g, k) => assertSamples(g, `group ${k}`));
  return medianBootstrap(groups, combine, opts, false, groupBlocks);
}
