/**
 * Mann-Whitney U (Wilcoxon rank-sum) test: do two independent samples come
 * from the same distribution, against the alternative that one tends to be
 * larger? It uses only the order of the pooled values, so it is unmoved by
 * outliers and by any increasing transform of the data (ms or log ms give the
 * same answer), which suits skewed timing samples.
 *
 * U counts the pairs (x_i, y_j) with x_i > y_j (ties 1/2). Under the null
 * hypothesis every split of the pooled values into n1 x's and n2 y's is
 * equally likely, so U has mean n1 n2 / 2 and a distribution that depends only
 * on (n1, n2) when there are no ties. Conventions follow R's
 * `wilcox.test(x, y, exact = NULL, correct = TRUE)`, whose W is this U:
 *  - exact when n1 < 50, n2 < 50 and no value repeats: the permutation
 *    distribution of U, counted by dynamic programming;
 *  - otherwise the normal approximation with the tie-corrected variance and a
 *    continuity correction of 1/2 toward the mean.
 */
import { assertSamples } from "./bootstrap.js";

export interface RankTest {
  /** U of the first sample: the number of pairs (x_i, y_j) with x_i > y_j, ties counting 1/2 */
  u: number;
  /** two-sided p-value */
  p: number;
  /** "exact" (small samples without ties: the exact permutation distribution of U) or "normal" (normal approximation with tie correction and continuity correction) */
  method: "exact" | "normal";
  /** common-language effect size: U / (n1 n2), the probability that a random x exceeds a random y (ties 1/2) */
  effect: number;
}

/** R's cut-off: the exact distribution is used while both samples are smaller than this. */
const EXACT_BELOW = 50;

/** What one pass over the pooled order yields. */
interface PooledRanks {
  /** U of the first sample (a multiple of 1/2, exact in doubles) */
  u: number;
  /** sum over groups of tied values of t^3 - t (t = group size): the tie correction of the variance */
  tieSum: number;
  /** number of distinct values in the pooled sample */
  groups: number;
}

/**
 * U and the tie statistics from average ranks, in O(n log n): sort each
 * sample on its own (typed-array sorts, numeric and fast), then merge. The
 * merge meets the pooled values in order, one group of equal values at a time:
 * a group of t values after `below` smaller ones holds ranks below + 1 ..
 * below + t, so each of its cx x's gets the average rank below + (t + 1) / 2.
 * Rather than summing ranks and subtracting n1 (n1 + 1) / 2, count U
 * directly, which is the same number: each x in the group beats the y's below
 * it and ties with the cy y's in the group,
 *   U += cx * ySeen + cx * cy / 2.
 * Integers and halves up to ~n^2: exact in doubles for n far beyond 10^5.
 */
function pooledRanks(x: readonly number[], y: readonly number[]): PooledRanks {
  const xs = Float64Array.from(x).sort();
  const ys = Float64Array.from(y).sort();
  let i = 0;
  let j = 0;
  let u = 0;
  let tieSum = 0;
  let groups = 0;
  while (i < xs.length || j < ys.length) {
    // the smallest value not yet merged; === groups -0 with 0, as the sorts' comparison does
    const v = j >= ys.length || (i < xs.length && xs[i]! <= ys[j]!) ? xs[i]! : ys[j]!;
    const ySeen = j;
    let cx = 0;
    let cy = 0;
    while (i + cx < xs.length && xs[i + cx] === v) cx++;
    while (j + cy < ys.length && ys[j + cy] === v) cy++;
    i += cx;
    j += cy;
    u += cx * ySeen + (cx * cy) / 2;
    const t = cx + cy;
    tieSum += t * t * t - t;
    groups++;
  }
  return { u, tieSum, groups };
}

/**
 * P(U <= k) for samples of sizes n1, n2 with no ties, exactly (in doubles).
 *
 * Let f(i, j, k) be the number of orderings of i x's and j y's with U = k.
 * The largest pooled value is either an x, which beats all j y's, or a y,
 * which beats nothing:
 *   f(i, j, k) = f(i - 1, j, k - j) + f(i, j - 1, k),   f(0, j, k) = f(i, 0, k) = [k = 0].
 * Only additions of non-negative counts, so the doubles stay accurate to a few
 * ulps even where the counts pass 2^53 (C(98, 49) ~ 2.5e28). f(., ., k) needs
 * only smaller k, so the tables stop at k: O(n1 n2 k) work, at most
 * 49 * 49 * 1201 ~ 3e6 additions, in n2 + 1 reused rows. Divided by the
 * C(n1 + n2, n1) equally likely orderings.
 */
function exactLowerTail(k: number, n1: number, n2: number): number {
  const width = k + 1;
  // counts[j] holds f(i, j, 0..k) for the current i, updated in place from f(i - 1, j, .):
  // k runs downward, so f(i - 1, j, k - j) is still unwritten when f(i, j, k) needs it,
  // and counts[j - 1] already holds f(i, j - 1, .). i = 0 starts as the indicator of k = 0.
  const counts = Array.from({ length: n2 + 1 }, () => {
    const row = new Float64Array(width);
    row[0] = 1;
    return row;
  });
  for (let i = 1; i <= n1; i++) {
    for (let j = 1; j <= n2; j++) {
      const row = counts[j]!;
      const yLast = counts[j - 1]!;
      // f(i, j, .) vanishes beyond i j
      for (let kk = Math.min(k, i * j); kk >= 0; kk--) row[kk] = yLast[kk]! + (kk >= j ? row[kk - j]! : 0);
    }
  }
  let count = 0;
  for (const c of counts[n2]!) count += c;
  return count / binomial(n1 + n2, n1);
}

/** C(n, k) as a double, by the product of (n - k + i) / i: exact while it fits in 2^53, a few ulps beyond. */
function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

const SQRT2 = Math.SQRT2;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erfc(x) for x >= 0 to ~1e-15 relative, including far in the tail, where a
 * tiny p-value lives. simple-statistics does not fit here: its
 * cumulativeStdNormalProbability is a 4-digit table, and its errorFunction
 * (1.2e-7) returns erf, so 1 - erf cancels to 0 beyond x ~ 6.
 *  - x < 1: erfc = 1 - erf with the all-positive series
 *      erf(x) = 2/sqrt(pi) e^(-x^2) sum_k (2x^2)^k x / (1 3 5 ... (2k + 1))
 *    (no cancellation inside the sum; erfc >= 0.157 here, so 1 - erf is safe);
 *  - x >= 1: the continued fraction
 *      erfc(x) = e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
 *    evaluated backward from a fixed depth, which has converged by 300 terms at x = 1
 *    and sooner further out.
 */
function erfc(x: number): number {
  if (x < 1) {
    let term = x;
    let sum = x;
    for (let k = 1; term > 1e-17 * sum; k++) {
      term *= (2 * x * x) / (2 * k + 1);
      sum += term;
    }
    return 1 - TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
  }
  let f = x;
  for (let k = 300; k >= 1; k--) f = x + k / 2 / f;
  return ((TWO_OVER_SQRT_PI / 2) * Math.exp(-x * x)) / f;
}

/** P(Z > z) for a standard normal Z and z >= 0: erfc(z / sqrt 2) / 2. */
function normalUpperTail(z: number): number {
  return erfc(z / SQRT2) / 2;
}

/**
 * Two-sided p-value by the normal approximation, as R computes it:
 *   sigma^2 = n1 n2 / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1)))   (ties shrink the variance)
 *   z = (U - n1 n2 / 2 - sign(U - n1 n2 / 2) / 2) / sigma           (continuity correction toward the mean)
 *   p = 2 min(Phi(z), 1 - Phi(z)) = 2 P(Z > |z|).
 * U - n1 n2 / 2 is a multiple of 1/2, so the correction never crosses 0.
 */
function normalP(u: number, n1: number, n2: number, tieSum: number): number {
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieSum / (n * (n - 1)));
  if (!(variance > 0)) return 1;
  const d = u - (n1 * n2) / 2;
  const z = (d - Math.sign(d) * 0.5) / Math.sqrt(variance);
  return Math.min(1, 2 * normalUpperTail(Math.abs(z)));
}

/** Mann-Whitney U (Wilcoxon rank-sum) test of x against y, two-sided. Throws on an empty sample or non-finite values. */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): RankTest {
  assertSamples(x, "x");
  assertSamples(y, "y");
  const n1 = x.length;
  const n2 = y.length;
  const { u, tieSum, groups } = pooledRanks(x, y);
  const effect = u / (n1 * n2);
  const ties = groups < n1 + n2;
  if (n1 < EXACT_BELOW && n2 < EXACT_BELOW && !ties) {
    // U's null distribution is symmetric about n1 n2 / 2: P(U >= u) = P(U <= n1 n2 - u),
    // so the smaller tail is the lower tail at min(u, n1 n2 - u)
    const p = Math.min(1, 2 * exactLowerTail(Math.min(u, n1 * n2 - u), n1, n2));
    return { u, p, method: "exact", effect };
  }
  // all values equal: sigma = 0 and U sits at its mean, no evidence either way
  const p = groups === 1 ? 1 : normalP(u, n1, n2, tieSum);
  return { u, p, method: "normal", effect };
}
