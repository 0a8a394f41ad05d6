/**
 * The plane of net ns on (net instructions, net simulated mispredicts):
 * exact recovery of known coefficients, intervals that cover them under
 * noise, the cells that fit badly, and the designs that have no fit.
 */
import { describe, expect, it } from "vitest";
import { BADLY_SDS, fitCounts, MAX_BADLY, MIN_FIT_CELLS, type CountsFitPoint } from "../../src/stats/counts-fit.js";
import { seededRng, type Rng } from "../../src/stats/rng.js";

/** Known costs: 0.4 ns of overhead, 0.25 ns per instruction, 6 ns per mispredict. */
const TRUE = { intercept: 0.4, nsPerInstruction: 0.25, nsPerMispredict: 6 };
const cost = (ir: number, mp: number) => TRUE.intercept + TRUE.nsPerInstruction * ir + TRUE.nsPerMispredict * mp;

const normal = (rng: Rng) => Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float());

/** `n` cells with instructions in [2, 40] and mispredicts in [0, 1.5], independent; ns with noise of sd `noise`. */
function cells(n: number, seed: number, noise = 0): (CountsFitPoint & { id: number })[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, (_, id) => {
    const instructions = 2 + rng.float() * 38;
    const mispredicts = rng.float() * 1.5;
    return { id, instructions, mispredicts, ns: cost(instructions, mispredicts) + noise * normal(rng) };
  });
}

describe("fitCounts", () => {
  it("recovers known coefficients exactly from exact data, with R^2 1, intervals at the values and no cell fitting badly", () => {
    const fit = fitCounts(cells(12, 1))!;
    expect(fit.n).toBe(12);
    expect(fit.intercept).toBeCloseTo(TRUE.intercept, 10);
    expect(fit.nsPerInstruction).toBeCloseTo(TRUE.nsPerInstruction, 10);
    expect(fit.nsPerMispredict).toBeCloseTo(TRUE.nsPerMispredict, 10);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(fit.residualSd).toBeLessThan(1e-9);
    for (const [lo, hi] of [fit.nsPerMispredictCI, fit.nsPerInstructionCI, fit.interceptCI]) expect(hi - lo).toBeLessThan(1e-9);
    expect(fit.nsPerMispredictCI[0]).toBeCloseTo(TRUE.nsPerMispredict, 9);
    expect(fit.badly).toEqual([]);
    expect(fit.residuals.map((r) => r.point.id)).toEqual([...Array(12).keys()]);
    for (const r of fit.residuals) expect(r.model).toBeCloseTo(r.point.ns, 9);
  });

  it("recovers them from the fewest cells it takes", () => {
    const fit = fitCounts(cells(MIN_FIT_CELLS, 2))!;
    expect(fit.nsPerMispredict).toBeCloseTo(TRUE.nsPerMispredict, 9);
    expect(fit.nsPerInstruction).toBeCloseTo(TRUE.nsPerInstruction, 9);
  });

  it("gives intervals that cover the true coefficients under noise (about 95% of datasets)", () => {
    let coveredMp = 0;
    let coveredIr = 0;
    const datasets = 60;
    for (let d = 0; d < datasets; d++) {
      const fit = fitCounts(cells(30, 100 + d, 0.3), { seed: d + 1, resamples: 1000 })!;
      const [mlo, mhi] = fit.nsPerMispredictCI;
      const [ilo, ihi] = fit.nsPerInstructionCI;
      expect(mlo).toBeLessThanOrEqual(fit.nsPerMispredict);
      expect(mhi).toBeGreaterThanOrEqual(fit.nsPerMispredict);
      if (mlo <= TRUE.nsPerMispredict && TRUE.nsPerMispredict <= mhi) coveredMp++;
      if (ilo <= TRUE.nsPerInstruction && TRUE.nsPerInstruction <= ihi) coveredIr++;
      expect(fit.r2).toBeGreaterThan(0.9);
    }
    expect(coveredMp / datasets).toBeGreaterThanOrEqual(0.85);
    expect(coveredIr / datasets).toBeGreaterThanOrEqual(0.85);
  });

  it("is seeded: the same points and seed give the same intervals, another seed others", () => {
    const points = cells(20, 7, 0.3);
    const a = fitCounts(points, { seed: 5 })!;
    expect(fitCounts(points, { seed: 5 })).toEqual(a);
    const b = fitCounts(points, { seed: 6 })!;
    expect(b.nsPerMispredict).toBe(a.nsPerMispredict);
    expect(b.nsPerMispredictCI).not.toEqual(a.nsPerMispredictCI);
  });

  it("names the cells far off the model (beyond 2 residual SDs), largest first, at most 3", () => {
    const points = cells(30, 3, 0.02);
    points[4]!.ns += 5;
    points[17]!.ns -= 3;
    const fit = fitCounts(points)!;
    expect(fit.badly.map((b) => b.point.id)).toEqual([4, 17]);
    expect(fit.badly[0]!.residual).toBeGreaterThan(BADLY_SDS * fit.residualSd);
    expect(fit.badly[1]!.residual).toBeLessThan(0);
    expect(fit.badly[0]!.model).toBeCloseTo(points[4]!.ns - fit.badly[0]!.residual, 12);

    const many = cells(60, 4, 0.01);
    for (const i of [1, 2, 3, 4, 5]) many[i]!.ns += 2 + i;
    const capped = fitCounts(many)!;
    expect(capped.badly).toHaveLength(MAX_BADLY);
    expect(capped.badly.map((b) => b.point.id)).toEqual([5, 4, 3]);
  });

  it("has no fit with fewer than 6 cells", () => {
    expect(fitCounts([])).toBeNull();
    expect(fitCounts(cells(MIN_FIT_CELLS - 1, 1))).toBeNull();
  });

  it("has no fit from a degenerate design: a column that does not vary, or two that vary together", () => {
    const base = cells(10, 9);
    expect(fitCounts(base.map((p) => ({ ...p, mispredicts: 0, ns: cost(p.instructions, 0) })))).toBeNull();
    expect(fitCounts(base.map((p) => ({ ...p, mispredicts: 0.5 })))).toBeNull();
    expect(fitCounts(base.map((p) => ({ ...p, instructions: 12 })))).toBeNull();
    // Mispredicts proportional to instructions (each extra instruction a branch the predictor misses at a fixed rate).
    expect(fitCounts(base.map((p) => ({ ...p, mispredicts: p.instructions * 0.03 })))).toBeNull();
    // Only two distinct cells, repeated.
    expect(fitCounts([...base.slice(0, 2), ...base.slice(0, 2), ...base.slice(0, 2)])).toBeNull();
  });

  it("fits three distinct cells repeated (a design a resample can lose: such resamples are drawn again)", () => {
    const three = cells(3, 11);
    const fit = fitCounts([...three, ...three, ...three])!;
    expect(fit.nsPerMispredict).toBeCloseTo(TRUE.nsPerMispredict, 9);
    expect(fit.nsPerMispredictCI[1] - fit.nsPerMispredictCI[0]).toBeLessThan(1e-9);
  });

  it("throws on a non-finite value (a caller's bug)", () => {
    const points = cells(8, 1);
    points[3]!.ns = Number.NaN;
    expect(() => fitCounts(points)).toThrow(/non-finite point 3/);
  });
});
