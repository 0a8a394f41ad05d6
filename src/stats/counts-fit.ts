/**
 * What the simulated counts explain of the timings: a least-squares plane
 *
 *   net ns per dispatch = a + b * net instructions + c * net mispredicts
 *
 * across a run's timed cells that have counts (one run is one machine), so
 * that c reads "about c ns per simulated mispredict on this machine" and b
 * "b ns per instruction". Pure: points in, coefficients, intervals and
 * residuals out.
 *
 * Method:
 *  - ordinary least squares with an intercept, unweighted (each cell counts
 *    once, whatever its interval), solved on centred sums (2x2 normal
 *    equations: exact for exact data, and numerically tame);
 *  - 95% intervals for b and c (and a) from a seeded percentile bootstrap
 *    over cells ("pairs" or case resampling: draw n cells with replacement,
 *    refit, B times). Cells are what varies here, not rounds: a cell's own
 *    timing noise is small beside how far cells stray from any plane. A
 *    resample whose design is degenerate (too few distinct cells, or its
 *    counts collinear) is drawn again; after 10 B draws without B fits the
 *    design is too thin to bootstrap, and the fit is null;
 *  - R² = 1 - SSres / SStot (1 when every y is the same and the plane fits);
 *  - residual SD s = sqrt(SSres / (n - 3));
 *  - "fits badly": a cell whose |residual| is more than BADLY_SDS (2) residual
 *    SDs and more than MIN_BADLY_NS (0.01 ns, below any timer's resolution,
 *    so an exact fit names no cell for its rounding); the MAX_BADLY (3)
 *    largest of them, largest first. Where a cell fits badly, this CPU's
 *    predictor (or its pipeline) differs from the simulated one.
 *
 * Null (no fit) with fewer than MIN_FIT_CELLS (6) cells, or a degenerate
 * design: net instructions or net mispredicts the same in every cell, or
 * the two (nearly) proportional to each other, so the plane is not defined.
 */
import { bootstrapSettings, percentileInterval, type BootstrapOptions } from "./bootstrap.js";
import { seededRng } from "./rng.js";

/** Fewer cells than this: no fit (6 cells leave 3 degrees of freedom for the residual SD). */
export const MIN_FIT_CELLS = 6;
/** A cell fits badly beyond this many residual SDs... */
export const BADLY_SDS = 2;
/** ...and beyond this many ns (an exact fit's rounding names no cell). */
export const MIN_BADLY_NS = 0.01;
/** At most this many cells are named as fitting badly, largest residual first. */
export const MAX_BADLY = 3;
/** 1 - corr(instructions, mispredicts)² below this, or a column's spread below this relative to its size: degenerate. */
const DEGENERATE = 1e-9;
/** Bootstrap draws allowed per resample asked for, before the design counts as too thin. */
const MAX_DRAWS_PER_RESAMPLE = 10;

/** One cell: its net ns per dispatch and its net counts per dispatch. */
export interface CountsFitPoint {
  ns: number;
  instructions: number;
  mispredicts: number;
}

/** A plane's coefficients: ns = intercept + nsPerInstruction * instructions + nsPerMispredict * mispredicts. */
export interface CountsPlane {
  intercept: number;
  nsPerInstruction: number;
  nsPerMispredict: number;
}

export interface CountsResidual<T extends CountsFitPoint> {
  point: T;
  /** The plane's ns for this cell's counts. */
  model: number;
  /** point.ns - model. */
  residual: number;
}

export interface CountsFit<T extends CountsFitPoint = CountsFitPoint> extends CountsPlane {
  n: number;
  nsPerInstructionCI: [number, number];
  nsPerMispredictCI: [number, number];
  interceptCI: [number, number];
  /** The confidence of the intervals (0.95 unless asked otherwise). */
  confidence: number;
  /** Bootstrap resamples the intervals come from. */
  resamples: number;
  r2: number;
  /** sqrt(SSres / (n - 3)). */
  residualSd: number;
  /** Every cell's, in the order given. */
  residuals: CountsResidual<T>[];
  /** The cells that fit badly (module comment), largest |residual| first. */
  badly: CountsResidual<T>[];
}

/**
 * The least-squares plane through the points picked by `idx` (every point
 * when null), or null when its design is degenerate. No validation: the
 * bootstrap's hot path.
 */
function plane(ns: Float64Array, ir: Float64Array, mp: Float64Array, idx: Int32Array | null): CountsPlane | null {
  const n = idx ? idx.length : ns.length;
  let sx = 0;
  let sz = 0;
  let sy = 0;
  for (let k = 0; k < n; k++) {
    const i = idx ? idx[k]! : k;
    sx += ir[i]!;
    sz += mp[i]!;
    sy += ns[i]!;
  }
  const mx = sx / n;
  const mz = sz / n;
  const my = sy / n;
  let sxx = 0;
  let szz = 0;
  let sxz = 0;
  let sxy = 0;
  let szy = 0;
  for (let k = 0; k < n; k++) {
    const i = idx ? idx[k]! : k;
    const dx = ir[i]! - mx;
    const dz = mp[i]! - mz;
    const dy = ns[i]! - my;
    sxx += dx * dx;
    szz += dz * dz;
    sxz += dx * dz;
    sxy += dx * dy;
    szy += dz * dy;
  }
  // A column that does not vary (relative to its size: rounding leaves a tiny spread), or two that vary together.
  if (!(sxx > DEGENERATE * n * mx * mx) || !(szz > DEGENERATE * n * mz * mz) || sxx === 0 || szz === 0) return null;
  const det = sxx * szz - sxz * sxz;
  if (!(det > DEGENERATE * sxx * szz)) return null;
  const b = (sxy * szz - szy * sxz) / det;
  const c = (szy * sxx - sxy * sxz) / det;
  return { intercept: my - b * mx - c * mz, nsPerInstruction: b, nsPerMispredict: c };
}

const predict = (p: CountsPlane, x: CountsFitPoint): number => p.intercept + p.nsPerInstruction * x.instructions + p.nsPerMispredict * x.mispredicts;

/**
 * The plane of net ns on (net instructions, net mispredicts) across `points`
 * (the control left out by the caller), with bootstrap intervals, R², each
 * point's residual and the points that fit badly (module comment); null with
 * fewer than MIN_FIT_CELLS points or a degenerate design. Throws (plain
 * Error) on a non-finite value: a caller's bug. Same points and options, same
 * answer.
 */
export function fitCounts<T extends CountsFitPoint>(points: readonly T[], opts: Omit<BootstrapOptions, "blocks"> = {}): CountsFit<T> | null {
  points.forEach((p, i) => {
    if (![p.ns, p.instructions, p.mispredicts].every(Number.isFinite))
      throw new Error(`fitCounts: non-finite point ${i} (${p.ns} ns, ${p.instructions} instructions, ${p.mispredicts} mispredicts)`);
  });
  const { seed, resamples, confidence } = bootstrapSettings(opts);
  const n = points.length;
  if (n < MIN_FIT_CELLS) return null;
  const ns = Float64Array.from(points, (p) => p.ns);
  const ir = Float64Array.from(points, (p) => p.instructions);
  const mp = Float64Array.from(points, (p) => p.mispredicts);
  const fit = plane(ns, ir, mp, null);
  if (!fit) return null;

  const rng = seededRng(seed);
  const idx = new Int32Array(n);
  const bs = new Float64Array(resamples);
  const cs = new Float64Array(resamples);
  const as = new Float64Array(resamples);
  let done = 0;
  for (let draws = 0; done < resamples; draws++) {
    if (draws >= MAX_DRAWS_PER_RESAMPLE * resamples) return null;
    for (let k = 0; k < n; k++) idx[k] = rng.int(0, n - 1);
    const p = plane(ns, ir, mp, idx);
    if (!p) continue;
    bs[done] = p.nsPerInstruction;
    cs[done] = p.nsPerMispredict;
    as[done] = p.intercept;
    done++;
  }

  const residuals = points.map((point): CountsResidual<T> => {
    const model = predict(fit, point);
    return { point, model, residual: point.ns - model };
  });
  let ssRes = 0;
  let ssTot = 0;
  const my = ns.reduce((a, b) => a + b, 0) / n;
  for (const r of residuals) {
    ssRes += r.residual * r.residual;
    ssTot += (r.point.ns - my) ** 2;
  }
  const residualSd = Math.sqrt(ssRes / (n - 3));
  const limit = Math.max(BADLY_SDS * residualSd, MIN_BADLY_NS);
  const badly = residuals
    .filter((r) => Math.abs(r.residual) > limit)
    .sort((a, b) => Math.abs(b.residual) - Math.abs(a.residual))
    .slice(0, MAX_BADLY);
  return {
    ...fit,
    n,
    nsPerInstructionCI: percentileInterval(bs, confidence),
    nsPerMispredictCI: percentileInterval(cs, confidence),
    interceptCI: percentileInterval(as, confidence),
    confidence,
    resamples,
    r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot,
    residualSd,
    residuals,
    badly,
  };
}
