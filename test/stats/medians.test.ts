import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ciOverlap, differenceOfMedians, ratioOfMedians } from "../../src/stats/medians.js";
import { seededRng } from "../../src/stats/rng.js";

const FAST = { resamples: 200 };
const positives = fc.array(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 });

describe("ratioOfMedians", () => {
  it("property: a vs 2a is exactly 0.5 with a degenerate CI when paired", () => {
    fc.assert(
      fc.property(positives, fc.integer(), (a, seed) => {
        const r = ratioOfMedians(
          a,
          a.map((x) => 2 * x),
          { ...FAST, seed },
        );
        expect(r).toEqual({ ratio: 0.5, ciLow: 0.5, ciHigh: 0.5, paired: true });
      }),
    );
  });

  it("unpaired (forced, or by unequal lengths) resamples each side on its own", () => {
    const a = [10, 12, 11, 15, 9, 13, 14, 10, 12, 11];
    const forced = ratioOfMedians(
      a,
      a.map((x) => 2 * x),
      { paired: false },
    );
    expect(forced.paired).toBe(false);
    expect(forced.ratio).toBe(0.5);
    expect(forced.ciLow).toBeLessThan(0.5);
    expect(forced.ciHigh).toBeGreaterThan(0.5);
    const uneven = ratioOfMedians(a, [20, 22, 24], FAST);
    expect(uneven).toMatchObject({ ratio: 11.5 / 22, paired: false });
  });

  it("pairing by round cancels shared drift: narrower CI than unpaired", () => {
    // both cells ride the same slow drift (round r costs drift[r]); b is 10% slower, plus small noise
    const rng = seededRng(5);
    const drift = Array.from({ length: 200 }, (_, r) => 100 + 40 * Math.sin(r / 9) + 20 * rng.float());
    const a = drift.map((d) => d + rng.float());
    const b = drift.map((d) => 1.1 * d + rng.float());
    const paired = ratioOfMedians(a, b);
    const unpaired = ratioOfMedians(a, b, { paired: false });
    expect(paired.paired).toBe(true);
    expect(paired.ciHigh - paired.ciLow).toBeLessThan((unpaired.ciHigh - unpaired.ciLow) / 3);
    expect(paired.ciLow).toBeLessThanOrEqual(paired.ratio);
    expect(paired.ratio).toBeLessThanOrEqual(paired.ciHigh);
  });

  it("is deterministic per seed", () => {
    const a = [5, 3, 8, 6, 7, 4];
    const b = [9, 7, 6, 8, 10, 7];
    expect(ratioOfMedians(a, b, { seed: 9 })).toEqual(ratioOfMedians(a, b, { seed: 9 }));
  });

  it("throws on empty input or a zero median in the denominator", () => {
    expect(() => ratioOfMedians([], [1])).toThrow(Error);
    expect(() => ratioOfMedians([1], [])).toThrow(Error);
    expect(() => ratioOfMedians([1, 2, 3], [0, 0, 1])).toThrow(/median\(b\) is 0/);
  });
});

describe("differenceOfMedians", () => {
  it("property: a - a is 0 with CI [0, 0] when paired", () => {
    fc.assert(
      fc.property(positives, fc.integer(), (a, seed) => {
        expect(differenceOfMedians(a, [...a], { ...FAST, seed })).toEqual({ diff: 0, ciLow: 0, ciHigh: 0, paired: true });
      }),
    );
  });

  it("a constant offset per round gives that offset with a degenerate paired CI", () => {
    const control = [100, 140, 90, 120, 110, 105];
    const cell = control.map((x) => x + 8);
    expect(differenceOfMedians(cell, control, FAST)).toEqual({ diff: 8, ciLow: 8, ciHigh: 8, paired: true });
  });

  it("property: unpaired CI is ordered and inside the range of pairwise differences", () => {
    fc.assert(
      fc.property(positives, positives, fc.integer(), (a, b, seed) => {
        const d = differenceOfMedians(a, b, { ...FAST, seed, paired: false });
        expect(d.ciLow).toBeLessThanOrEqual(d.ciHigh);
        expect(d.ciLow).toBeGreaterThanOrEqual(Math.min(...a) - Math.max(...b));
        expect(d.ciHigh).toBeLessThanOrEqual(Math.max(...a) - Math.min(...b));
      }),
    );
  });
});

describe("ciOverlap", () => {
  it("closed intervals: touching counts, disjoint does not, order does not matter", () => {
    expect(ciOverlap([1, 2], [2, 3])).toBe(true);
    expect(ciOverlap([1, 5], [2, 3])).toBe(true);
    expect(ciOverlap([2, 3], [1, 5])).toBe(true);
    expect(ciOverlap([1, 2], [2.5, 3])).toBe(false);
    expect(ciOverlap([2.5, 3], [1, 2])).toBe(false);
    expect(ciOverlap([4, 4], [4, 4])).toBe(true);
  });
});
