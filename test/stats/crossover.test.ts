import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeCrossovers, findCrossovers, type RatioPoint } from "../../src/stats/crossover.js";

/** A point with a CI of ratio ± w. */
const pt = (x: number, ratio: number, w = 0.05): RatioPoint => ({ x, ratio, ciLow: ratio - w, ciHigh: ratio + w });
const NAMES = { a: "chain", b: "table", variable: "N" };

describe("findCrossovers", () => {
  it("classifies each point: a when the CI is wholly below 1, b when wholly above, else tie", () => {
    const { points } = findCrossovers([pt(1, 0.9), pt(2, 0.95), pt(3, 1.04), pt(4, 1.1)], "linear");
    expect(points.map((p) => p.winner)).toEqual(["a", "tie", "tie", "b"]);
  });

  it("finds a single clean crossing with conclusive bounds", () => {
    const r = findCrossovers([pt(4, 0.5), pt(8, 0.7), pt(16, 0.9), pt(32, 1.1), pt(64, 1.5)], "log");
    expect(r.throughout).toBeNull();
    expect(r.crossings).toHaveLength(1);
    const [c] = r.crossings;
    expect(c).toMatchObject({ from: "a", to: "b", low: 16, high: 32, conclusive: true });
    // log2 ratio goes from log2 .9 to log2 1.1 while log2 x goes from 4 to 5
    expect(c!.estimate).toBeCloseTo(2 ** (4 + Math.log2(0.9) / (Math.log2(0.9) - Math.log2(1.1))), 12);
  });

  it("interpolates log(ratio) in log x, or in x on a linear scale, exactly", () => {
    // log2 ratio: -1 at x 8, +3 at x 128, so 0 a quarter of the way: log2 x = 3 + 4/4, x 16; linearly 8 + 120/4 = 38
    const points = [pt(8, 0.5), pt(128, 8)];
    expect(findCrossovers(points, "log").crossings[0]!.estimate).toBe(16);
    expect(findCrossovers(points, "linear").crossings[0]!.estimate).toBe(38);
  });

  it("does not depend on the input order", () => {
    const points = [pt(4, 0.5), pt(8, 0.7), pt(16, 0.9), pt(32, 1.1), pt(64, 1.5)];
    expect(findCrossovers([...points].reverse(), "log")).toEqual(findCrossovers(points, "log"));
  });

  it("is inconclusive when the points past the crossing are ties: the bound stops at the adjacent point", () => {
    const r = findCrossovers([pt(4, 0.5), pt(8, 0.95, 0.1), pt(16, 1.05, 0.1), pt(32, 1.1, 0.12)], "log");
    expect(r.crossings).toMatchObject([{ from: "a", to: "b", low: 4, high: 16, conclusive: false }]);
  });

  it("stops a bound at a point the other side wins: that side never reached significance", () => {
    // b wins at 4, the medians dip below 1 at 8 (a tie), then b wins again from 32
    const r = findCrossovers([pt(4, 2), pt(8, 0.95, 0.1), pt(16, 1.05, 0.1), pt(32, 2)], "log");
    expect(r.crossings).toMatchObject([
      { from: "b", to: "a", low: 4, high: 8, conclusive: false },
      { from: "a", to: "b", low: 8, high: 32, conclusive: false },
    ]);
  });

  it("skips a median of exactly 1: the crossing spans its neighbours", () => {
    const r = findCrossovers([pt(4, 0.5), pt(8, 1), pt(16, 2)], "log");
    expect(r.crossings).toEqual([{ from: "a", to: "b", estimate: 8, low: 4, high: 16, conclusive: true }]);
  });

  it("finds two crossings, in x order", () => {
    const r = findCrossovers([pt(1.5, 0.5), pt(1, 2), pt(0, 0.5), pt(0.5, 2)], "linear");
    expect(r.crossings).toEqual([
      { from: "a", to: "b", estimate: 0.25, low: 0, high: 0.5, conclusive: true },
      { from: "b", to: "a", estimate: 1.25, low: 1, high: 1.5, conclusive: true },
    ]);
    expect(r.throughout).toBeNull();
  });

  it("without crossings, names who wins throughout", () => {
    expect(findCrossovers([pt(4, 0.5), pt(8, 0.6), pt(16, 0.7)], "log")).toMatchObject({ crossings: [], throughout: "a" });
    expect(findCrossovers([pt(4, 0.5), pt(8, 0.98)], "log").throughout).toBe("a");
    expect(findCrossovers([pt(4, 1.5), pt(8, 1.02)], "log").throughout).toBe("b");
    expect(findCrossovers([pt(4, 0.98), pt(8, 0.99)], "log").throughout).toBe("tie");
    expect(findCrossovers([], "log")).toEqual({ points: [], crossings: [], throughout: "tie" });
  });

  it("throws on duplicate x, x <= 0 on a log scale, a ratio <= 0, non-finite values or an inverted CI", () => {
    expect(() => findCrossovers([pt(4, 0.5), pt(4, 2)], "log")).toThrow(/duplicate x 4/);
    expect(() => findCrossovers([pt(0, 0.5), pt(4, 2)], "log")).toThrow(/x = 0 at point 0/);
    expect(findCrossovers([pt(0, 0.5), pt(4, 2)], "linear").crossings).toHaveLength(1);
    expect(() => findCrossovers([{ x: 1, ratio: 0, ciLow: 0, ciHigh: 0 }], "linear")).toThrow(/ratio 0/);
    expect(() => findCrossovers([pt(1, NaN)], "linear")).toThrow(/non-finite point 0/);
    expect(() => findCrossovers([{ x: 1, ratio: 1, ciLow: 1.1, ciHigh: 0.9 }], "linear")).toThrow(/ciLow 1.1 > ciHigh 0.9/);
  });

  it("property: crossings alternate, and each estimate lies between its bounds and between its two points", () => {
    const point = fc.record({ ratio: fc.double({ min: 0.25, max: 4, noNaN: true }), w: fc.double({ min: 0, max: 0.5, noNaN: true }) });
    const curve = fc
      .uniqueArray(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 16 })
      .chain((xs) => fc.tuple(fc.constant(xs), fc.array(point, { minLength: xs.length, maxLength: xs.length })));
    fc.assert(
      fc.property(curve, fc.constantFrom("log" as const, "linear" as const), ([xs, ps], scale) => {
        const r = findCrossovers(
          xs.map((x, i) => pt(x, ps[i]!.ratio, ps[i]!.w)),
          scale,
        );
        r.crossings.forEach((c, k) => {
          expect(c.from).not.toBe(c.to);
          if (k > 0) expect(c.from).toBe(r.crossings[k - 1]!.to);
          expect(c.low).toBeLessThanOrEqual(c.estimate * (1 + 1e-12));
          expect(c.estimate).toBeLessThanOrEqual(c.high * (1 + 1e-12));
        });
        expect(r.throughout === null).toBe(r.crossings.length > 0);
      }),
    );
  });

  it("property: swapping A and B (ratio -> 1/ratio) swaps every crossing's sides and keeps its place", () => {
    const curve = fc.uniqueArray(fc.integer({ min: 1, max: 1024 }), { minLength: 2, maxLength: 12 }).chain((xs) =>
      // ratios 2^(k/8): |log2| >= 1/8 unless exactly 1, so 1/ratio keeps its side of 1 despite rounding
      fc.tuple(
        fc.constant(xs),
        fc.array(
          fc.integer({ min: -16, max: 16 }).map((k) => 2 ** (k / 8)),
          { minLength: xs.length, maxLength: xs.length },
        ),
      ),
    );
    fc.assert(
      fc.property(curve, ([xs, ratios]) => {
        const points = xs.map((x, i) => pt(x, ratios[i]!, 0.1));
        const swapped = points.map((p) => ({ x: p.x, ratio: 1 / p.ratio, ciLow: 1 / p.ciHigh, ciHigh: 1 / p.ciLow }));
        const [r, s] = [findCrossovers(points, "log"), findCrossovers(swapped, "log")];
        expect(s.crossings.map((c) => [c.to, c.from, c.low, c.high, c.conclusive])).toEqual(
          r.crossings.map((c) => [c.from, c.to, c.low, c.high, c.conclusive]),
        );
        s.crossings.forEach((c, k) => expect(c.estimate).toBeCloseTo(r.crossings[k]!.estimate, 6));
      }),
    );
  });
});

describe("describeCrossovers", () => {
  it("describes one conclusive crossing, with N rounded to a whole count", () => {
    const r = findCrossovers([pt(4, 0.5), pt(8, 0.7), pt(16, 0.9), pt(32, 1.1), pt(64, 1.5)], "log");
    expect(describeCrossovers(r, NAMES)).toBe("chain is faster below N ≈ 23 (crossover between 16 and 32); table is faster above");
  });

  it("flags an inconclusive crossing", () => {
    const r = findCrossovers([pt(4, 0.5), pt(8, 0.95, 0.1), pt(16, 1.05, 0.1), pt(32, 1.1, 0.12)], "log");
    expect(describeCrossovers(r, NAMES)).toBe("chain is faster below N ≈ 11 (crossover between 4 and 16, inconclusive); table is faster above");
  });

  it("describes two crossings on a skew axis with 2 decimals", () => {
    const r = findCrossovers([pt(0, 0.5), pt(0.5, 2), pt(1, 2), pt(1.5, 0.5)], "linear");
    expect(describeCrossovers(r, { ...NAMES, variable: "zipf S" })).toBe(
      "chain is faster below zipf S ≈ 0.25 (crossover between 0 and 0.5); table is faster up to zipf S ≈ 1.25 (crossover between 1 and 1.5); chain is faster above",
    );
  });

  it("says who wins throughout, or that neither does", () => {
    const table = findCrossovers([pt(4, 1.5), pt(64, 1.3), pt(1024, 1.2)], "log");
    expect(describeCrossovers(table, NAMES)).toBe("no crossover for N in 4..1024: table is faster throughout");
    const none = findCrossovers([pt(0, 0.99), pt(0.75, 0.98)], "linear");
    expect(describeCrossovers(none, { ...NAMES, variable: "zipf S" })).toBe(
      "no crossover for zipf S in 0..0.75: neither chain nor table is significantly faster",
    );
    expect(describeCrossovers(findCrossovers([pt(8, 0.5)], "log"), NAMES)).toBe("no crossover for N = 8: chain is faster throughout");
    expect(describeCrossovers(findCrossovers([], "log"), NAMES)).toBe("no data for N");
  });

  it("takes the number of decimals from `decimals` when given", () => {
    const r = findCrossovers([pt(0, 0.5), pt(1, 2), pt(2, 2)], "linear");
    expect(describeCrossovers(r, { ...NAMES, variable: "zipf S" })).toBe("chain is faster below zipf S ≈ 1 (crossover between 0 and 1); table is faster above");
    expect(describeCrossovers(r, { ...NAMES, variable: "zipf S", decimals: 2 })).toBe(
      "chain is faster below zipf S ≈ 0.5 (crossover between 0 and 1); table is faster above",
    );
  });
});
