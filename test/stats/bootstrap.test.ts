import fc from "fast-check";
import { median } from "simple-statistics";
import { describe, expect, it } from "vitest";
import {
  bootstrapCI,
  bootstrapMedianCI,
  independentBootstrapCI,
  independentBootstrapMediansCI,
  pairedBootstrapCI,
  pairedBootstrapMediansCI,
  percentileInterval,
} from "../../src/stats/bootstrap.js";
import { seededRng } from "../../src/stats/rng.js";

const FAST = { resamples: 200 };
const value = fc.double({ min: -1e6, max: 1e6, noNaN: true });
const positive = fc.double({ min: 1e-3, max: 1e6, noNaN: true });
// small integers so that ties (repeated values) are common
const tied = fc.integer({ min: 0, max: 5 });
const sample = fc.oneof(fc.array(value, { minLength: 1, maxLength: 40 }), fc.array(tied, { minLength: 1, maxLength: 40 }));
/** k groups of one common length: rounds of a paired measurement. */
const rounds = (k: number, arb: fc.Arbitrary<number>) =>
  fc.integer({ min: 1, max: 30 }).chain((n) => fc.array(fc.array(arb, { minLength: n, maxLength: n }), { minLength: k, maxLength: k }));

describe("percentileInterval", () => {
  it("reads the type-7 (1 - c)/2 and (1 + c)/2 quantiles", () => {
    // 0..100: the 2.5% and 97.5% quantiles sit at positions 2.5 and 97.5
    const stats = Float64Array.from({ length: 101 }, (_, i) => 100 - i);
    const [lo, hi] = percentileInterval(stats, 0.95);
    expect(lo).toBeCloseTo(2.5, 9);
    expect(hi).toBeCloseTo(97.5, 9);
  });
});

describe("bootstrapCI", () => {
  it("is deterministic per seed", () => {
    const rng = seededRng(11);
    const xs = Array.from({ length: 30 }, () => 50 + 10 * rng.float());
    expect(bootstrapCI(xs, median, { seed: 3 })).toEqual(bootstrapCI(xs, median, { seed: 3 }));
    const seeds = [1, 2, 3, 4, 5].map((seed) => bootstrapCI(xs, median, { seed }).join());
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it("property: a constant array gives [c, c]", () => {
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 40 }), fc.integer(), (c, n, seed) => {
        const [lo, hi] = bootstrapCI(Array(n).fill(c), median, { ...FAST, seed });
        // `=== c`, not toEqual: the interpolation turns -0 into +0, which is the same number
        expect(lo === c && hi === c).toBe(true);
      }),
    );
  });

  it("property: the CI is ordered and within [min, max]", () => {
    fc.assert(
      fc.property(sample, fc.integer(), (xs, seed) => {
        const [lo, hi] = bootstrapCI(xs, median, { ...FAST, seed });
        expect(Math.min(...xs)).toBeLessThanOrEqual(lo);
        expect(lo).toBeLessThanOrEqual(hi);
        expect(hi).toBeLessThanOrEqual(Math.max(...xs));
      }),
    );
  });

  it("the statistic may sort its scratch array in place", () => {
    const xs = [5, 1, 4, 2, 3];
    const sortingMedian = (b: number[]) => b.sort((p, q) => p - q)[2]!;
    expect(bootstrapCI(xs, sortingMedian, FAST)).toEqual(bootstrapCI(xs, median, FAST));
    expect(xs).toEqual([5, 1, 4, 2, 3]);
  });
});

describe("bootstrapMedianCI (counting fast path)", () => {
  it("property: same interval as bootstrapCI with median, to the bit", () => {
    fc.assert(
      fc.property(sample, fc.integer(), (xs, seed) => {
        expect(bootstrapMedianCI(xs, { ...FAST, seed })).toEqual(bootstrapCI(xs, median, { ...FAST, seed }));
      }),
    );
  });
});

describe("pairedBootstrapCI", () => {
  const ratio = (gs: number[][]) => median(gs[0]!) / median(gs[1]!);

  it("throws when the groups' lengths differ", () => {
    expect(() =>
      pairedBootstrapCI(
        [
          [1, 2, 3],
          [1, 2],
        ],
        ratio,
      ),
    ).toThrow(/length|samples/);
    expect(() =>
      pairedBootstrapMediansCI(
        [
          [1, 2, 3],
          [1, 2],
        ],
        (m) => m[0]! / m[1]!,
      ),
    ).toThrow(/samples/);
  });

  it("property: identical groups give a ratio CI of exactly [1, 1]", () => {
    fc.assert(
      fc.property(fc.array(positive, { minLength: 1, maxLength: 40 }), fc.integer(), (xs, seed) => {
        expect(pairedBootstrapCI([xs, [...xs]], ratio, { ...FAST, seed })).toEqual([1, 1]);
      }),
    );
  });

  it("applies the same round indices to every group", () => {
    // group 1 is group 0 shifted by +10, round by round: every resample keeps the shift
    const a = [1, 7, 3, 9, 4, 2];
    const b = a.map((x) => x + 10);
    const seen: number[] = [];
    pairedBootstrapCI(
      [a, b],
      (gs) => {
        gs[0]!.forEach((x, i) => seen.push(gs[1]![i]! - x));
        return 0;
      },
      FAST,
    );
    expect(new Set(seen)).toEqual(new Set([10]));
  });

  it("property: the fast median path gives the same interval, to the bit", () => {
    fc.assert(
      fc.property(
        rounds(
          2,
          fc.oneof(
            positive,
            tied.map((t) => t + 1),
          ),
        ),
        fc.integer(),
        ([a, b], seed) => {
          const opts = { ...FAST, seed };
          const fast = pairedBootstrapMediansCI([a!, b!], (m) => m[0]! / m[1]!, opts);
          expect(fast).toEqual(pairedBootstrapCI([a!, b!], ratio, opts));
        },
      ),
      { numRuns: 50 },
    );
  });

  it("property: the independent fast median path matches independentBootstrapCI, to the bit", () => {
    const group = fc.array(fc.oneof(value, tied), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(group, group, fc.integer(), (a, b, seed) => {
        const opts = { ...FAST, seed };
        const fast = independentBootstrapMediansCI([a, b], (m) => m[0]! - m[1]!, opts);
        expect(fast).toEqual(independentBootstrapCI([a, b], (gs) => median(gs[0]!) - median(gs[1]!), opts));
      }),
      { numRuns: 50 },
    );
  });
});
