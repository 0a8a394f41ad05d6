/**
 * Straight-line fits of cost against a swept variable (e.g. ns per dispatch
 * against the handler's position), with bootstrap CIs for slope and intercept.
 *
 * Two sources of uncertainty, two bootstraps:
 *  - `bootstrapLineFit`: every point is a net cost (cell minus control) from
 *    the SAME rounds, so each resample redraws rounds (jointly across all
 *    series, as pairedBootstrapMediansCI does) and refits the whole line;
 *  - `fitWithPointCIs`: points measured separately, each with its own CI, so
 *    each resample redraws every y on its own from a normal matching its CI.
 */
import { median } from "simple-statistics";
import { assertSamples, bootstrapSettings, pairedBootstrapMediansCI, percentileInterval, type BootstrapOptions } from "./bootstrap.js";
import { seededRng, type Rng } from "./rng.js";

export interface LineFit {
  slope: number;
  intercept: number;
  /** coefficient of determination */
  r2: number;
  /** sd of residuals, n-2 denominator (0 when n <= 2) */
  residualSd: number;
  n: number;
}

export interface LineFitCI extends LineFit {
  slopeCI: [number, number];
  interceptCI: [number, number];
  /** true when rounds were resampled jointly across all series */
  paired: boolean;
}

/** z of a two-sided 95% normal interval: a CI [lo, hi] of that kind spans 2 * 1.96 sd. */
const Z95 = 1.96;

function assertPoints(xs: readonly number[], ys: readonly number[]): void {
  if (xs.length !== ys.length) throw new Error(`olsFit: ${xs.length} x values but ${ys.length} y values`);
  if (xs.length < 2) throw new Error(`olsFit: need at least 2 points, got ${xs.length}`);
  xs.forEach((x, i) => {
    if (!Number.isFinite(x) || !Number.isFinite(ys[i])) throw new Error(`olsFit: non-finite point ${i} (${x}, ${ys[i]})`);
  });
  if (xs.every((x) => x === xs[0])) throw new Error(`olsFit: all x equal (${xs[0]}), the slope is undefined`);
}

/**
 * OLS on centred sums: slope = Sxy / Sxx, intercept = ȳ - slope·x̄ (the line
 * passes through the centroid). r² = 1 - SSres / SStot; when every y is the
 * same, SStot is 0 and the flat line fits exactly, so r² = 1 by convention.
 * No validation: the hot path of the bootstraps.
 */
function lineFit(xs: readonly number[], ys: readonly number[]): LineFit {
  const n = xs.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let ssRes = 0;
  for (let i = 0; i < n; i++) {
    const e = ys[i]! - (intercept + slope * xs[i]!);
    ssRes += e * e;
  }
  const flat = ys.every((y) => y === ys[0]);
  return {
    slope,
    intercept,
    r2: flat ? 1 : 1 - ssRes / syy,
    residualSd: n > 2 ? Math.sqrt(ssRes / (n - 2)) : 0,
    n,
  };
}

/** Ordinary least squares y = intercept + slope * x. Throws (plain Error) on < 2 points, length mismatch, non-finite values, or all x equal. */
export function olsFit(xs: readonly number[], ys: readonly number[]): LineFit {
  assertPoints(xs, ys);
  return lineFit(xs, ys);
}

/** [cell0, control0, cell1, control1, ...], after checking that every one has the same number of rounds. */
function roundGroups(series: readonly { cell: readonly number[]; control: readonly number[] }[]): (readonly number[])[] {
  const groups = series.flatMap((s) => [s.cell, s.control]);
  groups.forEach((g, i) => assertSamples(g, `series ${i >> 1} ${i % 2 ? "control" : "cell"}`));
  const m = groups[0]?.length ?? 0;
  const bad = groups.findIndex((g) => g.length !== m);
  if (bad >= 0) {
    const what = `series ${bad >> 1} ${bad % 2 ? "control" : "cell"}`;
    throw new Error(`bootstrapLineFit: ${what} has ${groups[bad]!.length} rounds, series 0 cell has ${m}`);
  }
  return groups;
}

/**
 * Fit a line to per-position net costs, with a bootstrap CI that refits on every resample.
 * series[k] = { x, cell, control }: the samples (ns per dispatch) of one measured cell at x and of the control kernel,
 * ALIGNED BY ROUND: cell[i] and control[i] come from the same round i, and round i is the same round in every series.
 * Point estimate: y_k = median(cell_k) - median(control_k), then olsFit(x, y).
 *
 * The resampling is pairedBootstrapMediansCI's, over all 2K groups at once: one list of round indices per resample,
 * shared by every series (drift that hit a whole round moves every y alike, so it shifts the intercept rather than
 * tilting the slope), two-stage with opts.blocks. Each resample's refit yields both coefficients: the slope goes back
 * as the statistic, the intercept is kept on the side, so both intervals come from the same set of refitted lines at
 * the cost of one bootstrap (~60-80 ms for 41 series x 40 rounds x 2000 resamples, nearly all of it the medians).
 */
export function bootstrapLineFit(
  series: readonly { x: number; cell: readonly number[]; control: readonly number[] }[],
  opts: BootstrapOptions = {},
): LineFitCI {
  const groups = roundGroups(series);
  const xs = series.map((s) => s.x);
  const fit = olsFit(
    xs,
    series.map((s) => median(s.cell) - median(s.control)),
  );
  const { resamples, confidence } = bootstrapSettings(opts);
  const ys = new Array<number>(series.length).fill(0);
  const intercepts = new Float64Array(resamples);
  let r = 0;
  const slopeCI = pairedBootstrapMediansCI(
    groups,
    (medians) => {
      for (let k = 0; k < ys.length; k++) ys[k] = medians[2 * k]! - medians[2 * k + 1]!;
      const line = lineFit(xs, ys);
      intercepts[r++] = line.intercept;
      return line.slope;
    },
    opts,
  );
  // the side channel relies on one combine call per resample: fail loudly should that ever change
  if (r !== resamples) throw new Error(`bootstrapLineFit: expected ${resamples} refits, got ${r}`);
  return { ...fit, slopeCI, interceptCI: percentileInterval(intercepts, confidence), paired: true };
}

/** One standard normal draw (Box-Muller); 1 - u keeps the log's argument in (0, 1]. */
function standardNormal(rng: Rng): number {
  const u = 1 - rng.float();
  const v = rng.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function assertPointCIs(points: readonly { x: number; y: number; ciLow: number; ciHigh: number }[]): void {
  points.forEach((p, i) => {
    if (![p.x, p.y, p.ciLow, p.ciHigh].every(Number.isFinite)) throw new Error(`fitWithPointCIs: non-finite point ${i}`);
    if (p.ciLow > p.ciHigh) throw new Error(`fitWithPointCIs: point ${i} has ciLow ${p.ciLow} > ciHigh ${p.ciHigh}`);
  });
}

/**
 * Fit through points whose y each has its own CI (independent measurements): slope/intercept CI by a parametric
 * bootstrap that redraws each y from a normal with sd = (ciHigh - ciLow) / (2 * 1.96), seeded. The point estimate is
 * the unweighted OLS fit of the y values. opts.blocks does not apply (there are no rounds) and is ignored.
 */
export function fitWithPointCIs(points: readonly { x: number; y: number; ciLow: number; ciHigh: number }[], opts: BootstrapOptions = {}): LineFitCI {
  assertPointCIs(points);
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const fit = olsFit(xs, ys);
  const sds = points.map((p) => (p.ciHigh - p.ciLow) / (2 * Z95));
  const { seed, resamples, confidence } = bootstrapSettings(opts);
  const rng = seededRng(seed);
  const drawn = ys.slice();
  const slopes = new Float64Array(resamples);
  const intercepts = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let k = 0; k < ys.length; k++) drawn[k] = ys[k]! + sds[k]! * standardNormal(rng);
    const f = lineFit(xs, drawn);
    slopes[r] = f.slope;
    intercepts[r] = f.intercept;
  }
  return {
    ...fit,
    slopeCI: percentileInterval(slopes, confidence),
    interceptCI: percentileInterval(intercepts, confidence),
    paired: false,
  };
}
