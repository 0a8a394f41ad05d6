import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kendallTauB, kendallTauByItem, kendallTauOfRankings } from "../../src/stats/kendall.js";

/** tau-b from its definition with explicit pair counts (the reference the properties hold the implementation to). */
function definitionTau(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  let s = 0;
  let pairs = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const a = x[i]! < x[j]! ? -1 : x[i]! > x[j]! ? 1 : 0;
      const b = y[i]! < y[j]! ? -1 : y[i]! > y[j]! ? 1 : 0;
      s += a * b;
      pairs++;
      tx += a === 0 ? 1 : 0;
      ty += b === 0 ? 1 : 0;
    }
  const d = Math.sqrt((pairs - tx) * (pairs - ty));
  return n < 2 || d === 0 ? null : s / d;
}

/** Small integer scores, so ties are common. */
const scores = (min: number) => fc.array(fc.integer({ min: -5, max: 5 }), { minLength: min, maxLength: 12 });
const pairOf = fc
  .integer({ min: 0, max: 12 })
  .chain((n) =>
    fc.tuple(
      fc.array(fc.integer({ min: -5, max: 5 }), { minLength: n, maxLength: n }),
      fc.array(fc.integer({ min: -5, max: 5 }), { minLength: n, maxLength: n }),
    ),
  );

describe("kendallTauB", () => {
  it("known values: scipy's documented example, R's cor(method = 'kendall')", () => {
    // scipy.stats.kendalltau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) -> -0.47140452079103173 (ties in both)
    expect(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-0.47140452079103173, 14);
    // cor(1:5, c(3, 4, 1, 2, 5), method = "kendall") = 0.2: 6 concordant, 4 discordant pairs
    expect(kendallTauB([1, 2, 3, 4, 5], [3, 4, 1, 2, 5])).toBeCloseTo(0.2, 14);
    // one tie in each: (4 - 0) / sqrt((6 - 1) (6 - 1)) = 0.8
    expect(kendallTauB([1, 2, 2, 3], [1, 2, 3, 3])).toBeCloseTo(0.8, 14);
  });

  it("is 1 for the same order, -1 for the reverse, whatever the scale", () => {
    expect(kendallTauB([1, 2, 3, 4], [10, 20, 300, 4000])).toBe(1);
    expect(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    expect(kendallTauB([0.5, 0.25], [7, 1])).toBe(1);
  });

  it("is null below two items or when one side is all ties; throws on a length mismatch or a non-finite score", () => {
    expect(kendallTauB([], [])).toBeNull();
    expect(kendallTauB([3], [4])).toBeNull();
    expect(kendallTauB([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(kendallTauB([1, 2, 3], [5, 5, 5])).toBeNull();
    expect(() => kendallTauB([1, 2], [1])).toThrow(/2 scores against 1/);
    expect(() => kendallTauB([1, Number.NaN], [1, 2])).toThrow(/non-finite/);
  });

  it("property: matches the definition, ties included", () => {
    fc.assert(
      fc.property(pairOf, ([x, y]) => {
        const tau = kendallTauB(x, y);
        const want = definitionTau(x, y);
        if (want === null) expect(tau).toBeNull();
        else expect(tau).toBeCloseTo(want, 12);
      }),
    );
  });

  it("property: symmetric, in [-1, 1], negated by reversing one side, unmoved by an increasing transform", () => {
    fc.assert(
      fc.property(pairOf, ([x, y]) => {
        const tau = kendallTauB(x, y);
        expect(kendallTauB(y, x)).toBe(tau);
        if (tau === null) return;
        expect(Math.abs(tau)).toBeLessThanOrEqual(1);
        expect(
          kendallTauB(
            x,
            y.map((v) => -v),
          ),
        ).toBeCloseTo(-tau, 12);
        expect(
          kendallTauB(
            x.map((v) => Math.exp(v) + 3),
            y,
          ),
        ).toBe(tau);
      }),
    );
  });

  it("property: a vector against itself is 1 unless it is all ties", () => {
    fc.assert(
      fc.property(scores(2), (x) => {
        const distinct = new Set(x).size > 1;
        expect(kendallTauB(x, x)).toBe(distinct ? 1 : null);
      }),
    );
  });
});

describe("kendallTauByItem and kendallTauOfRankings", () => {
  it("compare only the items both hold", () => {
    const a = new Map([
      ["table", 1],
      ["chain", 3],
      ["xen", 2],
      ["switch", 9],
    ]);
    const b = new Map([
      ["xen", 20],
      ["table", 10],
      ["chain", 30],
      ["bsearch", 1],
    ]);
    expect(kendallTauByItem(a, b)).toEqual({ tau: 1, n: 3 });
    expect(kendallTauByItem(a, new Map([["table", 1]]))).toEqual({ tau: null, n: 1 });
  });

  it("take positions in the lists as scores", () => {
    expect(kendallTauOfRankings(["a", "b", "c"], ["a", "b", "c"])).toEqual({ tau: 1, n: 3 });
    expect(kendallTauOfRankings(["a", "b", "c"], ["c", "b", "a"])).toEqual({ tau: -1, n: 3 });
    expect(kendallTauOfRankings(["a", "b", "c", "d"], ["b", "a", "x", "c"])).toEqual({ tau: 1 / 3, n: 3 });
    expect(kendallTauOfRankings([], ["a"])).toEqual({ tau: null, n: 0 });
  });
});
