import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pairedBootstrapMediansCI } from "../../src/stats/bootstrap.js";
import { bootstrapLineFit, fitWithPointCIs, olsFit } from "../../src/stats/fit.js";
import { seededRng } from "../../src/stats/rng.js";

const FAST = { resamples: 200 };

describe("olsFit", () => {
  it("recovers a perfect line exactly", () => {
    const xs = [0, 1, 2, 3, 4];
    expect(
      olsFit(
        xs,
        xs.map((x) => 3 + 2 * x),
      ),
    ).toEqual({ slope: 2, intercept: 3, r2: 1, residualSd: 0, n: 5 });
  });

  it("matches a hand-computed fit", () => {
    // x̄ 2.5, ȳ 4; Sxy 7, Sxx 5 -> slope 1.4, intercept 0.5; residuals .1 -.3 .3 -.1: SSres .2, SStot 10
    const fit = olsFit([1, 2, 3, 4], [2, 3, 5, 6]);
    expect(fit.slope).toBeCloseTo(1.4, 12);
    expect(fit.intercept).toBeCloseTo(0.5, 12);
    expect(fit.r2).toBeCloseTo(0.98, 12);
    expect(fit.residualSd).toBeCloseTo(Math.sqrt(0.2 / 2), 12);
    expect(fit.n).toBe(4);
  });

  it("has residualSd 0 for two points and r2 1 for a flat line", () => {
    expect(olsFit([1, 3], [5, 9])).toEqual({ slope: 2, intercept: 3, r2: 1, residualSd: 0, n: 2 });
    expect(olsFit([1, 2, 3], [7, 7, 7])).toEqual({ slope: 0, intercept: 7, r2: 1, residualSd: 0, n: 3 });
  });

  it("property: recovers any line through distinct x, and r2 stays in [0, 1] with noise", () => {
    const coef = fc.double({ min: -1e3, max: 1e3, noNaN: true });
    const xs = fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 3, maxLength: 20 });
    fc.assert(
      fc.property(coef, coef, xs, fc.integer(), (a, b, x, seed) => {
        const fit = olsFit(
          x,
          x.map((v) => a + b * v),
        );
        expect(fit.slope).toBeCloseTo(b, 6);
        expect(fit.intercept).toBeCloseTo(a, 6);
        const rng = seededRng(seed);
        const noisy = olsFit(
          x,
          x.map((v) => a + b * v + 100 * rng.float()),
        );
        expect(noisy.r2).toBeGreaterThanOrEqual(0);
        expect(noisy.r2).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });

  it("throws on too few points, a length mismatch, non-finite values or all x equal", () => {
    expect(() => olsFit([1], [1])).toThrow(/at least 2 points/);
    expect(() => olsFit([1, 2], [1, 2, 3])).toThrow(/2 x values but 3 y values/);
    expect(() => olsFit([1, 2], [1, NaN])).toThrow(/non-finite point 1/);
    expect(() => olsFit([1, Infinity], [1, 2])).toThrow(/non-finite/);
    expect(() => olsFit([2, 2, 2], [1, 2, 3])).toThrow(/all x equal/);
  });
});

/**
 * Rounds r = 0..m-1 with a drift shared by the round; series k at x = k: cell = drift + intercept + slope x + noise,
 * control = drift + noise. Drift stays small next to the noise: the net is a difference of MEDIANS, which may come
 * from different rounds, so drift larger than the noise would leak into it.
 */
function syntheticSeries(opts: { k: number; m: number; slope: number; intercept: number; noise: number; seed: number }) {
  const rng = seededRng(opts.seed);
  const drift = Array.from({ length: opts.m }, () => opts.noise * rng.float());
  return Array.from({ length: opts.k }, (_, x) => ({
    x,
    cell: drift.map((d) => 100 + d + opts.intercept + opts.slope * x + opts.noise * rng.float()),
    control: drift.map((d) => 100 + d + opts.noise * rng.float()),
  }));
}

describe("bootstrapLineFit", () => {
  it("fits the net medians: y = median(cell) - median(control)", () => {
    const series = [
      { x: 1, cell: [12, 10, 14], control: [5, 4, 6] },
      { x: 2, cell: [20, 19, 18], control: [6, 5, 4] },
      { x: 4, cell: [30, 33, 31], control: [4, 5, 6] },
    ];
    // y = 7, 14, 26
    const fit = bootstrapLineFit(series, FAST);
    expect(fit).toMatchObject({ ...olsFit([1, 2, 4], [7, 14, 26]), paired: true });
  });

  it("property: makes the same draws as pairedBootstrapMediansCI refitting the line, with and without blocks", () => {
    const value = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 100, noNaN: true }));
    const case_ = fc.record({ k: fc.integer({ min: 2, max: 4 }), m: fc.integer({ min: 1, max: 12 }) }).chain(({ k, m }) =>
      fc.record({
        groups: fc.array(fc.array(value, { minLength: m, maxLength: m }), { minLength: 2 * k, maxLength: 2 * k }),
        blocks: fc.option(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: m, maxLength: m })),
        seed: fc.integer(),
      }),
    );
    fc.assert(
      fc.property(case_, ({ groups, blocks, seed }) => {
        const xs = Array.from({ length: groups.length / 2 }, (_, k) => 3 * k + 1);
        const series = xs.map((x, k) => ({ x, cell: groups[2 * k]!, control: groups[2 * k + 1]! }));
        const opts = { ...FAST, seed, ...(blocks ? { blocks } : {}) };
        const refit = (m: readonly number[]) =>
          olsFit(
            xs,
            xs.map((_, k) => m[2 * k]! - m[2 * k + 1]!),
          );
        const fit = bootstrapLineFit(series, opts);
        expect(fit.slopeCI).toEqual(pairedBootstrapMediansCI(groups, (m) => refit(m).slope, opts));
        expect(fit.interceptCI).toEqual(pairedBootstrapMediansCI(groups, (m) => refit(m).intercept, opts));
      }),
      { numRuns: 40 },
    );
  });

  it("resamples rounds jointly: drift shared by a round cancels exactly", () => {
    // integer costs, so every median and difference is exact: every resample refits slope 2, intercept 5
    const rng = seededRng(4);
    const drift = Array.from({ length: 30 }, () => rng.int(0, 1000));
    const series = [0, 1, 2, 3].map((x) => ({ x, cell: drift.map((d) => d + 5 + 2 * x), control: drift }));
    const fit = bootstrapLineFit(series, FAST);
    expect(fit.slopeCI).toEqual([2, 2]);
    expect(fit.interceptCI).toEqual([5, 5]);
  });

  it("gives a CI that contains the true slope and intercept of a noisy line", () => {
    const fit = bootstrapLineFit(syntheticSeries({ k: 12, m: 40, slope: 1.5, intercept: 8, noise: 4, seed: 7 }));
    expect(fit.slope).toBeCloseTo(1.5, 0);
    expect(fit.slopeCI[0]).toBeLessThan(1.5);
    expect(fit.slopeCI[1]).toBeGreaterThan(1.5);
    expect(fit.interceptCI[0]).toBeLessThan(8);
    expect(fit.interceptCI[1]).toBeGreaterThan(8);
    expect(fit.slopeCI[1] - fit.slopeCI[0]).toBeLessThan(0.5);
  });

  it("is deterministic per seed", () => {
    const series = syntheticSeries({ k: 5, m: 20, slope: 1, intercept: 2, noise: 3, seed: 1 });
    expect(bootstrapLineFit(series, { ...FAST, seed: 9 })).toEqual(bootstrapLineFit(series, { ...FAST, seed: 9 }));
    expect(bootstrapLineFit(series, { ...FAST, seed: 9 }).slopeCI).not.toEqual(bootstrapLineFit(series, { ...FAST, seed: 10 }).slopeCI);
  });

  it("with blocks, counts the spread between blocks: a wider slope CI", () => {
    // 4 processes of 10 rounds each; in each, code placement tilts the cost per position differently
    const tilt = [-0.4, 0.3, -0.1, 0.5];
    const blocks = Array.from({ length: 40 }, (_, r) => Math.floor(r / 10));
    const series = syntheticSeries({ k: 8, m: 40, slope: 1, intercept: 2, noise: 0.5, seed: 3 }).map((s) => ({
      ...s,
      cell: s.cell.map((c, r) => c + tilt[blocks[r]!]! * s.x),
    }));
    const flat = bootstrapLineFit(series, FAST);
    const blocked = bootstrapLineFit(series, { ...FAST, blocks });
    expect(blocked.slope).toBe(flat.slope);
    expect(blocked.slopeCI[1] - blocked.slopeCI[0]).toBeGreaterThan(1.5 * (flat.slopeCI[1] - flat.slopeCI[0]));
  });

  it("throws on series of unequal lengths, empty or non-finite samples, or mislabelled blocks", () => {
    const ok = { x: 1, cell: [1, 2, 3], control: [1, 1, 1] };
    expect(() => bootstrapLineFit([ok, { x: 2, cell: [1, 2], control: [1, 1] }])).toThrow(/series 1 cell has 2 rounds, series 0 cell has 3/);
    expect(() => bootstrapLineFit([ok, { x: 2, cell: [1, 2, 3], control: [1, 1] }])).toThrow(/series 1 control has 2 rounds/);
    expect(() => bootstrapLineFit([ok, { x: 2, cell: [1, NaN, 3], control: [1, 1, 1] }])).toThrow(/series 1 cell: non-finite/);
    expect(() => bootstrapLineFit([ok, { x: 2, cell: [], control: [] }])).toThrow(/series 1 cell: need at least one sample/);
    expect(() => bootstrapLineFit([ok])).toThrow(/at least 2 points/);
    expect(() => bootstrapLineFit([ok, { ...ok }])).toThrow(/all x equal/);
    expect(() => bootstrapLineFit([ok, { ...ok, x: 2 }], { blocks: [0, 1] })).toThrow(/2 labels for 3 samples/);
  });
});

describe("fitWithPointCIs", () => {
  const line = (x: number) => 1 + 0.5 * x;

  it("fits the y values and, with zero-width CIs, gives degenerate intervals", () => {
    const points = [0, 1, 2, 3].map((x) => ({ x, y: line(x), ciLow: line(x), ciHigh: line(x) }));
    expect(fitWithPointCIs(points, FAST)).toEqual({ ...olsFit([0, 1, 2, 3], [1, 1.5, 2, 2.5]), slopeCI: [0.5, 0.5], interceptCI: [1, 1], paired: false });
  });

  it("redraws each y with sd = CI width / (2 * 1.96): the slope CI matches the normal theory", () => {
    // every y ± 1 (sd 1/1.96); x = 0..10 has Sxx = 110, so the slope's sd is (1/1.96)/sqrt(110)
    const xs = Array.from({ length: 11 }, (_, x) => x);
    const fit = fitWithPointCIs(xs.map((x) => ({ x, y: line(x), ciLow: line(x) - 1, ciHigh: line(x) + 1 })));
    const halfWidth = (1.96 * (1 / 1.96)) / Math.sqrt(110);
    expect(fit.slope).toBeCloseTo(0.5, 12);
    expect((fit.slopeCI[1] - fit.slopeCI[0]) / 2).toBeCloseTo(halfWidth, 2);
    expect(fit.slopeCI[0]).toBeLessThan(0.5);
    expect(fit.slopeCI[1]).toBeGreaterThan(0.5);
  });

  it("is deterministic per seed", () => {
    const points = [1, 2, 4, 8].map((x) => ({ x, y: line(x), ciLow: line(x) - 0.3, ciHigh: line(x) + 0.2 }));
    expect(fitWithPointCIs(points, { ...FAST, seed: 5 })).toEqual(fitWithPointCIs(points, { ...FAST, seed: 5 }));
    expect(fitWithPointCIs(points, { ...FAST, seed: 5 }).slopeCI).not.toEqual(fitWithPointCIs(points, { ...FAST, seed: 6 }).slopeCI);
  });

  it("throws on an inverted CI, non-finite values or too few points", () => {
    expect(() =>
      fitWithPointCIs([
        { x: 0, y: 1, ciLow: 2, ciHigh: 0 },
        { x: 1, y: 1, ciLow: 0, ciHigh: 2 },
      ]),
    ).toThrow(/point 0 has ciLow 2 > ciHigh 0/);
    expect(() =>
      fitWithPointCIs([
        { x: 0, y: 1, ciLow: 0, ciHigh: NaN },
        { x: 1, y: 1, ciLow: 0, ciHigh: 2 },
      ]),
    ).toThrow(/non-finite point 0/);
    expect(() => fitWithPointCIs([{ x: 0, y: 1, ciLow: 0, ciHigh: 2 }])).toThrow(/at least 2 points/);
  });
});
