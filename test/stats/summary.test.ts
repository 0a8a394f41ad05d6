import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seededRng } from "../../src/stats/rng.js";
import { summarize } from "../../src/stats/summary.js";

const FAST = { resamples: 200 };
const timings = fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 });

describe("summarize: exact values on small arrays (worked by hand)", () => {
  it("[1, 2, 3, 4, 100]: one high outlier", () => {
    const s = summarize([4, 100, 1, 3, 2]);
    // sorted 1 2 3 4 100; |x - 3| = 2 1 0 1 97 -> sorted 0 1 1 2 97 -> MAD 1
    expect(s).toMatchObject({ n: 5, median: 3, mad: 1, mean: 22, min: 1, max: 100 });
    // sum of squared deviations from 22: 441 + 400 + 361 + 324 + 6084 = 7610; / (n - 1) = 1902.5
    expect(s.stddev).toBeCloseTo(Math.sqrt(1902.5), 12);
    // type 7: p5 at h = 4 * 0.05 = 0.2 -> 1 + 0.2 * (2 - 1); p95 at h = 3.8 -> 4 + 0.8 * (100 - 4)
    expect(s.p5).toBeCloseTo(1.2, 12);
    expect(s.p95).toBeCloseTo(80.8, 12);
    // Q1 = 2, Q3 = 4, IQR 2: fences -1 and 7
    expect([s.outliersLow, s.outliersHigh]).toEqual([0, 1]);
  });

  it("[1, 2, 3, 4]: even n interpolates", () => {
    const s = summarize([1, 2, 3, 4]);
    // |x - 2.5| = 1.5 0.5 0.5 1.5 -> MAD 1; variance (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3
    expect(s).toMatchObject({ n: 4, median: 2.5, mad: 1, mean: 2.5, min: 1, max: 4 });
    expect(s.stddev).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(s.p5).toBeCloseTo(1.15, 12); // h = 0.15
    expect(s.p95).toBeCloseTo(3.85, 12); // h = 2.85
    // Q1 = 1.75, Q3 = 3.25, IQR 1.5: fences -0.5 and 5.5
    expect([s.outliersLow, s.outliersHigh]).toEqual([0, 0]);
  });

  it("[-50, 10, 11, 12, 13]: one low outlier", () => {
    const s = summarize([10, 11, -50, 12, 13]);
    // |x - 11| = 61 1 0 1 2 -> sorted 0 1 1 2 61 -> MAD 1; Q1 10, Q3 12, fences 7 and 15
    expect(s).toMatchObject({ median: 11, mad: 1, mean: -0.8, outliersLow: 1, outliersHigh: 0 });
  });

  it("a single sample: stddev 0, CI degenerate", () => {
    expect(summarize([7])).toEqual({
      n: 1,
      median: 7,
      mad: 0,
      mean: 7,
      stddev: 0,
      min: 7,
      max: 7,
      p5: 7,
      p95: 7,
      ciLow: 7,
      ciHigh: 7,
      outliersLow: 0,
      outliersHigh: 0,
    });
  });

  it("a constant array: MAD 0, no outliers (fences are strict), CI [c, c]", () => {
    const s = summarize([5, 5, 5, 5, 5, 5]);
    expect(s).toMatchObject({ median: 5, mad: 0, stddev: 0, ciLow: 5, ciHigh: 5, outliersLow: 0, outliersHigh: 0 });
  });

  it("[0, 1]: resampled medians are 0, 0.5 or 1, so the 95% CI is [0, 1]", () => {
    expect(summarize([0, 1])).toMatchObject({ median: 0.5, ciLow: 0, ciHigh: 1 });
  });

  it("does not modify its input", () => {
    const xs = [3, 1, 2];
    summarize(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe("summarize: CI of the median", () => {
  const rng = seededRng(42);
  const skewed = Array.from({ length: 150 }, () => 100 + 20 * rng.float() ** 3 + (rng.int(0, 19) === 0 ? 500 : 0));

  it("contains the median and lies inside the data", () => {
    const s = summarize(skewed);
    expect(s.ciLow).toBeLessThanOrEqual(s.median);
    expect(s.median).toBeLessThanOrEqual(s.ciHigh);
    expect(s.ciLow).toBeGreaterThan(s.min);
    expect(s.ciHigh).toBeLessThan(s.max);
  });

  it("is deterministic per seed, and the seed matters", () => {
    expect(summarize(skewed, { seed: 7 })).toEqual(summarize(skewed, { seed: 7 }));
    const cis = [1, 2, 3, 4, 5].map((seed) => {
      const s = summarize(skewed, { seed, resamples: 500 });
      return `${s.ciLow},${s.ciHigh}`;
    });
    expect(new Set(cis).size).toBeGreaterThan(1);
  });

  it("widens with the confidence level", () => {
    const narrow = summarize(skewed, { confidence: 0.5 });
    const wide = summarize(skewed, { confidence: 0.99 });
    expect(wide.ciLow).toBeLessThanOrEqual(narrow.ciLow);
    expect(wide.ciHigh).toBeGreaterThanOrEqual(narrow.ciHigh);
    expect(wide.ciHigh - wide.ciLow).toBeGreaterThan(narrow.ciHigh - narrow.ciLow);
  });

  it("property: ordered, within [min, max], and the rest of the summary is consistent", () => {
    fc.assert(
      fc.property(timings, fc.integer(), (xs, seed) => {
        const s = summarize(xs, { ...FAST, seed });
        expect(s.n).toBe(xs.length);
        expect(s.min).toBeLessThanOrEqual(s.ciLow);
        expect(s.ciLow).toBeLessThanOrEqual(s.ciHigh);
        expect(s.ciHigh).toBeLessThanOrEqual(s.max);
        expect(s.min <= s.p5 && s.p5 <= s.median && s.median <= s.p95 && s.p95 <= s.max).toBe(true);
        expect(s.mad).toBeGreaterThanOrEqual(0);
        expect(s.outliersLow + s.outliersHigh).toBeLessThan(xs.length);
      }),
      { numRuns: 100 },
    );
  });
});

describe("summarize: caller bugs throw", () => {
  it("rejects no samples, non-finite samples and bad options", () => {
    expect(() => summarize([])).toThrow(Error);
    expect(() => summarize([1, Number.NaN])).toThrow(/non-finite/);
    expect(() => summarize([1, Infinity])).toThrow(/non-finite/);
    expect(() => summarize([1, 2], { confidence: 1 })).toThrow(/confidence/);
    expect(() => summarize([1, 2], { resamples: 0 })).toThrow(/resamples/);
    expect(() => summarize([1, 2], { seed: 1.5 })).toThrow(/seed/);
  });
});
