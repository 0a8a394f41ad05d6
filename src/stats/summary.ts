/**
 * Descriptive summary of one cell's timing samples.
 *
 * Quantiles (median, p5, p95, Q1, Q3) use simple-statistics' quantileSorted:
 * R's type 7 / numpy's default "linear" method, i.e. for probability p the
 * value at fractional position h = (n - 1) p of the sorted samples,
 * interpolated linearly between positions floor(h) and ceil(h).
 */
import { mean, medianAbsoluteDeviation, quantileSorted, sampleStandardDeviation } from "simple-statistics";
import { assertSamples, bootstrapMedianCI, type BootstrapOptions } from "./bootstrap.js";

export interface Summary {
  n: number;
  median: number;
  /**
   * Raw median absolute deviation, median(|x - median(x)|). NOT scaled by
   * 1.4826: multiply by 1.4826 to estimate a normal distribution's sigma.
   */
  mad: number;
  mean: number;
  /** Sample standard deviation (divides by n - 1); 0 for a single sample. */
  stddev: number;
  min: number;
  max: number;
  /** 5th and 95th percentiles (type 7). */
  p5: number;
  p95: number;
  /** seeded bootstrap 95% percentile CI of the median */
  ciLow: number;
  ciHigh: number;
  /** Tukey fences: counts below Q1 - 1.5 IQR and above Q3 + 1.5 IQR */
  outliersLow: number;
  outliersHigh: number;
}

/** Counts strictly outside Tukey's fences Q1 - 1.5 IQR and Q3 + 1.5 IQR (IQR = Q3 - Q1, type-7 quartiles). */
function tukeyOutliers(sorted: readonly number[]): { low: number; high: number } {
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const reach = 1.5 * (q3 - q1);
  let low = 0;
  let high = 0;
  for (const x of sorted) {
    if (x < q1 - reach) low++;
    else if (x > q3 + reach) high++;
  }
  return { low, high };
}

/**
 * Summarizes timing samples. The CI of the median is a percentile bootstrap
 * (defaults: seed 1, 2000 resamples, confidence 0.95), deterministic for a
 * given seed. Throws on no samples or on a non-finite sample (caller bugs).
 */
export function summarize(samples: readonly number[], options: BootstrapOptions = {}): Summary {
  assertSamples(samples, "summarize");
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const [ciLow, ciHigh] = bootstrapMedianCI(samples, options);
  const { low, high } = tukeyOutliers(sorted);
  return {
    n,
    median: quantileSorted(sorted, 0.5),
    mad: medianAbsoluteDeviation(sorted),
    mean: mean(sorted),
    stddev: n === 1 ? 0 : sampleStandardDeviation(sorted),
    min: sorted[0]!,
    max: sorted[n - 1]!,
    p5: quantileSorted(sorted, 0.05),
    p95: quantileSorted(sorted, 0.95),
    ciLow,
    ciHigh,
    outliersLow: low,
    outliersHigh: high,
  };
}
