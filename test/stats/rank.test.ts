import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mannWhitneyU } from "../../src/stats/rank.js";
import { seededRng } from "../../src/stats/rng.js";

/** U by its definition, over all n1 n2 pairs. */
function pairCountU(x: readonly number[], y: readonly number[]): number {
  let u = 0;
  for (const a of x) for (const b of y) u += a > b ? 1 : a === b ? 0.5 : 0;
  return u;
}

/** Exact two-sided p by enumerating every way to pick which n1 of the pooled (distinct) values are the x's. */
function enumeratedP(x: readonly number[], y: readonly number[]): number {
  const pooled = [...x, ...y];
  const n1 = x.length;
  const u = pairCountU(x, y);
  let below = 0;
  let above = 0;
  let total = 0;
  const pick = (start: number, chosen: number[]): void => {
    if (chosen.length === n1) {
      const xs = chosen.map((i) => pooled[i]!);
      const ys = pooled.filter((_, i) => !chosen.includes(i));
      const v = pairCountU(xs, ys);
      total++;
      if (v <= u) below++;
      if (v >= u) above++;
      return;
    }
    for (let i = start; i < pooled.length; i++) pick(i + 1, [...chosen, i]);
  };
  pick(0, []);
  return Math.min(1, (2 * Math.min(below, above)) / total);
}

function expectRelativelyClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected) / expected).toBeLessThan(tolerance);
}

/** n standard normal draws (Box-Muller) plus `shift`, from a seeded stream. */
function normals(seed: number, n: number, shift: number): number[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => {
    const u1 = 1 - rng.float(); // (0, 1]: log(0) would be -Infinity
    return shift + Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.float());
  });
}

const samples = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 });
/** small integers: plenty of ties, so both the exact and the normal path get exercised */
const tiedSamples = fc.array(fc.integer({ min: -30, max: 30 }), { minLength: 1, maxLength: 60 });

describe("mannWhitneyU: exact distribution (small samples, no ties)", () => {
  it("R: wilcox.test(c(1,2,3), c(4,5,6)) gives W = 0, p = 0.1", () => {
    // U = 0 is the single most extreme of C(6, 3) = 20 orderings: p = 2 / 20
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6])).toEqual({ u: 0, p: 0.1, method: "exact", effect: 0 });
  });

  it("R: wilcox.test(c(1,3,5), c(2,4,6)) gives W = 3, p = 0.7", () => {
    // U's counts for (3, 3) over k = 0..9 are 1 1 2 3 3 3 3 2 1 1: P(U <= 3) = 7 / 20
    const r = mannWhitneyU([1, 3, 5], [2, 4, 6]);
    expect(r.u).toBe(3);
    expect(r.p).toBeCloseTo(0.7, 14);
    expect(r.method).toBe("exact");
  });

  it("fully separated samples of 5 and 5: p = 2 / C(10, 5) = 2 / 252, either way round", () => {
    const low = [1, 2, 3, 4, 5];
    const high = [6, 7, 8, 9, 10];
    const r = mannWhitneyU(low, high);
    expect(r).toMatchObject({ u: 0, method: "exact", effect: 0 });
    expect(r.p).toBeCloseTo(2 / 252, 15);
    const swapped = mannWhitneyU(high, low);
    expect(swapped).toMatchObject({ u: 25, method: "exact", effect: 1 });
    expect(swapped.p).toBeCloseTo(2 / 252, 15);
  });

  it("49 vs 49 (the largest exact case) matches the exact rational p", () => {
    // x = 0..48, y = x + 7.5: U = 1 + 2 + ... + 41 = 861; p computed with exact integer
    // counts = 2 * 111885808529752648054577 / 7197065609881597995121590
    const x = Array.from({ length: 49 }, (_, i) => i);
    const y = x.map((v) => v + 7.5);
    const r = mannWhitneyU(x, y);
    expect(r).toMatchObject({ u: 861, method: "exact" });
    expectRelativelyClose(r.p, 0.015546031479292479, 1e-12);
  });

  it("property: the exact p equals the p from enumerating every split of the pooled values", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 10 }), fc.nat(), (pooled, cut) => {
        const n1 = 1 + (cut % (pooled.length - 1));
        const x = pooled.slice(0, n1);
        const y = pooled.slice(n1);
        const r = mannWhitneyU(x, y);
        expect(r.method).toBe("exact");
        expect(r.p).toBeCloseTo(enumeratedP(x, y), 13);
      }),
      { numRuns: 50 },
    );
  });
});

describe("mannWhitneyU: normal approximation", () => {
  it("R's example with ties gives W = 58, p = 0.1329", () => {
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    // two tie groups of 2 (1.06 and 1.29): sum(t^3 - t) = 12,
    // sigma^2 = 81/12 * (19 - 12/306) = 127.98529..., z = (58 - 40.5 - 0.5) / sigma = 1.5026882...,
    // p = 2 P(Z > z) = 0.13291945818531886
    const r = mannWhitneyU(x, y);
    expect(r).toMatchObject({ u: 58, method: "normal", effect: 58 / 81 });
    expect(r.p).toBeCloseTo(0.1329, 4);
    expectRelativelyClose(r.p, 0.13291945818531886, 1e-12);
  });

  it("ties force the normal approximation even in small samples", () => {
    const r = mannWhitneyU([1, 2, 2], [3, 4]);
    expect(r).toMatchObject({ u: 0, method: "normal" });
    // sigma^2 = 6/12 * (6 - 6/20) = 2.85, z = (-3 + 0.5) / sigma
    expectRelativelyClose(r.p, 0.1386406338132186, 1e-12);
  });

  it("n1 = 50 leaves the exact range: 1:50 vs 51:100, a deep tail computed accurately", () => {
    // sigma^2 = 2500/12 * 101, z = (0 - 1250 + 0.5) / sigma = -8.6138279..., p = erfc(|z| / sqrt 2)
    const x = Array.from({ length: 50 }, (_, i) => i + 1);
    const y = x.map((v) => v + 50);
    const r = mannWhitneyU(x, y);
    expect(r).toMatchObject({ u: 0, method: "normal", effect: 0 });
    expectRelativelyClose(r.p, 7.066071930389029e-18, 1e-12);
  });

  it("all values equal: sigma is 0, U sits at its mean, p = 1", () => {
    expect(mannWhitneyU([3, 3, 3], [3, 3])).toEqual({ u: 3, p: 1, method: "normal", effect: 0.5 });
    expect(mannWhitneyU([0], [-0])).toEqual({ u: 0.5, p: 1, method: "normal", effect: 0.5 });
  });

  it("2000 vs 2000 shifted normals: tiny p, effect near P(X > Y) = Phi(0.5 / sqrt 2) = 0.638", () => {
    const x = normals(11, 2000, 0.5);
    const y = normals(12, 2000, 0);
    const r = mannWhitneyU(x, y);
    expect(r.method).toBe("normal");
    expect(r.p).toBeGreaterThan(0);
    expect(r.p).toBeLessThan(1e-20);
    expect(r.effect).toBeGreaterThan(0.6);
    expect(r.effect).toBeLessThan(0.68);
  });

  it("10^5 values with heavy ties: U matches a histogram count", () => {
    const rng = seededRng(3);
    const x = Array.from({ length: 50_000 }, () => rng.int(0, 99));
    const y = Array.from({ length: 50_000 }, () => rng.int(0, 99));
    const cx = new Array<number>(100).fill(0);
    const cy = new Array<number>(100).fill(0);
    x.forEach((v) => cx[v]!++);
    y.forEach((v) => cy[v]!++);
    let u = 0;
    let yBelow = 0;
    for (let v = 0; v < 100; v++) {
      u += cx[v]! * yBelow + (cx[v]! * cy[v]!) / 2;
      yBelow += cy[v]!;
    }
    const r = mannWhitneyU(x, y);
    expect(r.u).toBe(u);
    expect(r.method).toBe("normal");
    expect(r.p).toBeGreaterThan(0);
    expect(r.p).toBeLessThanOrEqual(1);
  });
});

describe("mannWhitneyU: properties", () => {
  it("property: U is the number of pairs with x > y, ties 1/2, and effect = U / (n1 n2)", () => {
    fc.assert(
      fc.property(tiedSamples, tiedSamples, (x, y) => {
        const r = mannWhitneyU(x, y);
        expect(r.u).toBe(pairCountU(x, y));
        expect(r.effect).toBe(r.u / (x.length * y.length));
      }),
    );
  });

  it("property: p and effect lie in [0, 1]", () => {
    fc.assert(
      fc.property(samples, samples, (x, y) => {
        const r = mannWhitneyU(x, y);
        expect(r.p).toBeGreaterThanOrEqual(0);
        expect(r.p).toBeLessThanOrEqual(1);
        expect(r.effect).toBeGreaterThanOrEqual(0);
        expect(r.effect).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("property: swapping x and y gives U' = n1 n2 - U and the same p", () => {
    fc.assert(
      fc.property(tiedSamples, tiedSamples, (x, y) => {
        const r = mannWhitneyU(x, y);
        const s = mannWhitneyU(y, x);
        expect(s.u).toBe(x.length * y.length - r.u);
        expect(s.method).toBe(r.method);
        // the exact counts are summed in another order: equal up to rounding
        expect(s.p).toBeCloseTo(r.p, 12);
      }),
    );
  });

  it("property: an increasing transform of both samples changes nothing; a decreasing one reflects U", () => {
    fc.assert(
      fc.property(tiedSamples, tiedSamples, (x, y) => {
        const r = mannWhitneyU(x, y);
        const up = (v: number) => Math.exp(v / 4);
        expect(mannWhitneyU(x.map(up), y.map(up))).toEqual(r);
        const down = (v: number) => -(v ** 3) - 5;
        const reflected = mannWhitneyU(x.map(down), y.map(down));
        expect(reflected).toMatchObject({ u: x.length * y.length - r.u, p: r.p, method: r.method });
        expect(reflected.effect).toBeCloseTo(1 - r.effect, 15);
      }),
    );
  });

  it("throws on an empty sample or a non-finite value", () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/x: need at least one sample/);
    expect(() => mannWhitneyU([1], [])).toThrow(/y: need at least one sample/);
    expect(() => mannWhitneyU([1, NaN], [2])).toThrow(/non-finite/);
    expect(() => mannWhitneyU([1], [2, Infinity])).toThrow(/non-finite/);
  });
});
