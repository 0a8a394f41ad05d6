import { describe, expect, it } from "vitest";
import { loadSpec } from "../../src/spec/load.js";
import { chainOrder } from "../../src/spec/types.js";
import { validateSpec } from "../../src/spec/validate.js";
import { buildWorkload } from "../../src/workload/index.js";
import { invalidCount, missKinds } from "../../src/workload/invalid.js";
import { allocate, mixOf } from "../../src/workload/shared.js";
import { labError } from "../spec/helpers.js";
import { seededRng } from "../../src/stats/rng.js";

const pv64 = loadSpec("xen:pv64");
const ids = new Set(pv64.handlers.map((h) => h.id));
const L = 10_000;

function counts(stream: Int32Array): Map<number, number> {
  const out = new Map<number, number>();
  for (const v of stream) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
}

describe("allocate (largest remainder)", () => {
  it("sums to the total, each count within one entry of its quota, ties to the earlier index", () => {
    expect(allocate([1n, 1n, 1n], 10)).toEqual([4, 3, 3]);
    expect(allocate([2n, 1n], 3)).toEqual([2, 1]);
    expect(allocate([0n, 5n], 7)).toEqual([0, 7]);
    const weights = [186175729n, 75673006n, 11225681n, 7n, 1n];
    const got = allocate(weights, 65536);
    expect(got.reduce((a, b) => a + b, 0)).toBe(65536);
    const sum = weights.reduce((a, b) => a + b, 0n);
    got.forEach((c, i) => expect(Math.abs(c - (65536 * Number(weights[i]!)) / Number(sum))).toBeLessThan(1));
  });

  it("refuses weights with no mass", () => {
    expect(() => allocate([0n, 0n], 5)).toThrow(/positive sum/);
  });
});

describe("uniform", () => {
  it("draws only handler ids, every one of them, roughly evenly", () => {
    const w = buildWorkload("uniform", pv64, { seed: 1, length: L });
    expect(w.stream.length).toBe(L);
    const c = counts(w.stream);
    expect([...c.keys()].every((v) => ids.has(v))).toBe(true);
    expect(c.size).toBe(pv64.handlers.length);
    for (const n of c.values()) expect(Math.abs(n / L - 1 / 41)).toBeLessThan(0.01);
    expect(w.mix.length).toBe(41);
  });
});

describe("zipf:S", () => {
  it("ranks in chain order: rank 1 most frequent, counts never rise with rank", () => {
    const order = chainOrder(pv64.handlers);
    for (const s of ["1", "0.5", "2.5", "1e0"]) {
      const w = buildWorkload(`zipf:${s}`, pv64, { seed: 1, length: L });
      const c = counts(w.stream);
      const byRank = order.map((h) => c.get(h.id) ?? 0);
      expect(w.mix[0]!.id, s).toBe(order[0]!.id);
      for (let r = 1; r < byRank.length; r++) expect(byRank[r]!, `${s} rank ${r + 1}`).toBeLessThanOrEqual(byRank[r - 1]!);
      expect(byRank.reduce((a, b) => a + b, 0)).toBe(L);
    }
  });

  it("has exact shares: rank r within one entry of L * r^-S / H", () => {
    const w = buildWorkload("zipf:1", pv64, { seed: 4, length: L });
    const c = counts(w.stream);
    const order = chainOrder(pv64.handlers);
    const h = order.reduce((a, _, r) => a + 1 / (r + 1), 0);
    order.forEach((handler, r) => expect(Math.abs((c.get(handler.id) ?? 0) - L / (r + 1) / h)).toBeLessThan(1));
  });

  it("rejects an S that is not a positive number", () => {
    for (const s of ["0", "-1", "abc", "1/2", "Infinity", "1e999", "."]) {
      const e = labError(() => buildWorkload(`zipf:${s}`, pv64, { seed: 1 }));
      expect(e.code).toBe("usage");
      expect(e.problems).toEqual([{ path: `zipf:${s}`, message: `S "${s}" is not a positive number` }]);
      expect(e.fix).toMatch(/zipf:S with S > 0/);
    }
  });
});

describe("fixed:X", () => {
  const cases: [string, string, number][] = [
    ["hottest", "mmu_update", 1],
    ["coldest", "paging_domctl_cont", 49],
    ["23", "iret", 23],
    ["iret", "iret", 23],
  ];
  it.each(cases)("fixed:%s is always %s", (x, name, id) => {
    const w = buildWorkload(`fixed:${x}`, pv64, { seed: 1, length: L });
    expect(w.stream.length).toBe(L);
    expect(w.stream.every((v) => v === id)).toBe(true);
    expect(w.mix).toEqual([{ id, name, share: 1 }]);
  });

  it("takes hottest/coldest as keywords even where a handler has that name", () => {
    const spec = validateSpec({
      name: "kw",
      handlers: [
        { id: 4, name: "hottest" },
        { id: 2, name: "b", priority: 1 },
      ],
    });
    expect(buildWorkload("fixed:hottest", spec, { seed: 1, length: 3 }).stream).toEqual(Int32Array.of(2, 2, 2));
  });

  it("names a handler the spec lacks", () => {
    expect(labError(() => buildWorkload("fixed:11", pv64, { seed: 1 })).problems).toEqual([
      { path: "fixed:11", message: "no handler has id 11 in spec xen-pv64" },
    ]);
    const e = labError(() => buildWorkload("fixed:warmest", pv64, { seed: 1 }));
    expect(e.problems).toEqual([{ path: "fixed:warmest", message: 'no handler is named "warmest" in spec xen-pv64' }]);
    expect(e.fix).toMatch(/fixed:hottest/);
  });
});

describe("cyclic", () => {
  it("goes round the handlers in id order, exact shares when the length is a multiple", () => {
    const sorted = [...ids].sort((a, b) => a - b);
    const w = buildWorkload("cyclic", pv64, { seed: 1, length: 41 * 100 });
    expect([...w.stream.subarray(0, 41)]).toEqual(sorted);
    expect([...w.stream.subarray(41 * 99)]).toEqual(sorted);
    for (const m of w.mix) expect(m.share).toBe(1 / 41);
    const short = buildWorkload("cyclic", pv64, { seed: 1, length: 45 });
    expect([...short.stream.subarray(41)]).toEqual(sorted.slice(0, 4));
  });
});

describe("invalid:P", () => {
  it.each(["0", "0.01", "0.29", "0.5", "1", ".125"])("has exactly round(P * length) invalid numbers, none a handler id (P=%s)", (p) => {
    for (const length of [L, 65536, 7]) {
      const w = buildWorkload(`invalid:${p}`, pv64, { seed: 2, length });
      const bad = [...w.stream].filter((v) => !ids.has(v)).length;
      expect(bad, `${p} x ${length}`).toBe(Math.round(Number(p) * length));
      expect(w.mix.find((m) => m.id === null)?.share ?? 0).toBe(bad / length);
    }
  });

  it("rounds halves up, exactly (0.29 * 100 is 28.999... in floating point)", () => {
    expect(invalidCount({ numerator: 29n, denominator: 100n }, 100)).toBe(29);
    expect(invalidCount({ numerator: 5n, denominator: 10n }, 3)).toBe(2);
    expect(invalidCount({ numerator: 1n, denominator: 100n }, 65536)).toBe(655);
  });

  it("draws every kind of miss, none of them a handler id", () => {
    const w = buildWorkload("invalid:1", pv64, { seed: 5, length: 6000 });
    const misses = [...w.stream];
    expect(misses.some((v) => ids.has(v))).toBe(false);
    expect(misses.some((v) => v > 0 && v < 49)).toBe(true); // gaps: 11, 31, 38, ...
    expect(misses.some((v) => v >= 64 && v <= 127)).toBe(true);
    expect(misses).toContain(2147483647);
    expect(misses).toContain(-1);
    expect(misses.some((v) => v < -1)).toBe(true);
    expect(misses.some((v) => v > 65535 && v < 2147483647)).toBe(true);
  });

  it("skips kinds of miss a spec does not have (dense ids, 64..127 all used)", () => {
    const dense = validateSpec({ name: "dense", handlers: Array.from({ length: 128 }, (_, id) => ({ id, name: `h${id}` })) });
    expect(missKinds(dense)).toHaveLength(4);
    const rng = seededRng(1);
    for (const miss of missKinds(dense)) for (let i = 0; i < 50; i++) expect(miss(rng) < 0 || miss(rng) > 127).toBe(true);
  });

  it("puts the misses at random positions, the rest uniform", () => {
    const w = buildWorkload("invalid:0.5", pv64, { seed: 9, length: L });
    const firstHalf = [...w.stream.subarray(0, L / 2)].filter((v) => !ids.has(v)).length;
    expect(firstHalf).toBeGreaterThan(L / 4 - 300);
    expect(firstHalf).toBeLessThan(L / 4 + 300);
    expect(w.mix.filter((m) => m.id !== null)).toHaveLength(41);
  });

  it("rejects a P outside 0..1 or not a decimal", () => {
    for (const p of ["1.5", "-0.1", "1%", "abc", "1e-3", "."]) {
      const e = labError(() => buildWorkload(`invalid:${p}`, pv64, { seed: 1 }));
      expect(e.problems).toEqual([{ path: `invalid:${p}`, message: `P "${p}" is not a decimal in 0..1` }]);
      expect(e.fix).toMatch(/invalid:P with 0 <= P <= 1/);
    }
  });
});

describe("mix", () => {
  it("lists handlers by share, ties in id order, invalid as id null", () => {
    const spec = validateSpec({
      name: "m",
      handlers: [
        { id: 3, name: "c" },
        { id: 1, name: "a" },
        { id: 2, name: "b" },
      ],
    });
    expect(mixOf(Int32Array.of(3, 3, 1, 2, -5, 99, 1, 3), spec)).toEqual([
      { id: 3, name: "c", share: 3 / 8 },
      { id: 1, name: "a", share: 2 / 8 },
      { id: null, name: "invalid", share: 2 / 8 },
      { id: 2, name: "b", share: 1 / 8 },
    ]);
  });
});
