/**
 * Comparing two cells by their medians, with bootstrap CIs.
 *
 * When both cells have one sample per round (same length), the CI comes from
 * the paired bootstrap: rounds are resampled jointly, so drift that slows a
 * whole round cancels in the comparison (see pairedBootstrapCI). Otherwise,
 * or with `paired: false`, each cell is resampled independently.
 *
 * A "net" cost (cell minus its control cell) is just differenceOfMedians(cell, control).
 */
import { median } from "simple-statistics";
import { assertSamples, independentBootstrapMediansCI, pairedBootstrapMediansCI, type BootstrapOptions } from "./bootstrap.js";

export interface CompareOptions extends BootstrapOptions {
  /** Pair by round when the lengths match (default true); false forces independent resampling. */
  paired?: boolean;
}

/** A value with its confidence interval (95% unless said otherwise). */
export interface Estimate {
  value: number;
  ciLow: number;
  ciHigh: number;
}

export interface RatioOfMedians {
  /** median(a) / median(b) */
  ratio: number;
  ciLow: number;
  ciHigh: number;
  /** whether the CI came from the paired (by-round) bootstrap */
  paired: boolean;
}

export interface DifferenceOfMedians {
  /** median(a) - median(b) */
  diff: number;
  ciLow: number;
  ciHigh: number;
  /** whether the CI came from the paired (by-round) bootstrap */
  paired: boolean;
}

/** Bootstrap CI of combine(median(a*), median(b*)), paired when possible and allowed. */
function compareMedians(
  a: readonly number[],
  b: readonly number[],
  combine: (ma: number, mb: number) => number,
  opts: CompareOptions,
): { value: number; ciLow: number; ciHigh: number; paired: boolean } {
  assertSamples(a, "a");
  assertSamples(b, "b");
  const paired = a.length === b.length && opts.paired !== false;
  const bootstrap = paired ? pairedBootstrapMediansCI : independentBootstrapMediansCI;
  const [ciLow, ciHigh] = bootstrap([a, b], (m) => combine(m[0]!, m[1]!), opts);
  return { value: combine(median(a), median(b)), ciLow, ciHigh, paired };
}

/**
 * median(a) / median(b) with a bootstrap percentile CI (e.g. a = strategy,
 * b = baseline: 0.8 means a takes 80% of b's time). Throws if median(b) is 0.
 * A resample whose median of b is 0 yields ±Infinity (or NaN for 0/0), which
 * then shows up in the CI rather than being hidden.
 */
export function ratioOfMedians(a: readonly number[], b: readonly number[], opts: CompareOptions = {}): RatioOfMedians {
  assertSamples(b, "b");
  if (median(b) === 0) throw new Error("ratioOfMedians: median(b) is 0, the ratio is undefined");
  const { value, ...rest } = compareMedians(a, b, (ma, mb) => ma / mb, opts);
  return { ratio: value, ...rest };
}

/** median(a) - median(b) with a bootstrap percentile CI. */
export function differenceOfMedians(a: readonly number[], b: readonly number[], opts: CompareOptions = {}): DifferenceOfMedians {
  const { value, ...rest } = compareMedians(a, b, (ma, mb) => ma - mb, opts);
  return { diff: value, ...rest };
}

/** Whether two closed intervals [low, high] share at least one point. */
export function ciOverlap(a: readonly [number, number], b: readonly [number, number]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}
