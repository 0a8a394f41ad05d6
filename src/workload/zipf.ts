/**
 * `zipf:S`: a skewed mix, the shape real dispatch traffic tends to have. The
 * handlers are ranked in chain order (priority, then id), so rank 1 is the
 * handler a priority chain tests first: the spec's priorities are taken as
 * the truth about which handlers are hot. Rank r weighs 1/r^S.
 */
import { seededRng } from "../stats/rng.js";
import { chainOrder } from "../spec/types.js";
import { allocate, argError, makeWorkload, percent, requireArg, shuffledStream } from "./shared.js";
import type { WorkloadKind } from "./types.js";

/**
 * The allocation needs integer weights; 2^40 / r^S rounded keeps about 12
 * significant digits, far more than a 16 Mi-entry stream can show, and a
 * weight that rounds to 0 (a far rank with a large S) gets no entries.
 */
const SCALE = 2 ** 40;

/** S: a positive, finite decimal (`1`, `0.8`, `1.5e0`). */
function readExponent(name: string, text: string): number {
  const s = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(text) ? Number(text) : NaN;
  if (!(s > 0 && Number.isFinite(s))) {
    throw argError(name, `S "${text}" is not a positive number`, "write zipf:S with S > 0, e.g. zipf:1 (classic Zipf) or zipf:0.5 (flatter)");
  }
  return s;
}

/** Integer weights of ranks 1..n. */
export const zipfWeights = (n: number, s: number): bigint[] => Array.from({ length: n }, (_, r) => BigInt(Math.round(SCALE / (r + 1) ** s)));

export const zipf: WorkloadKind = {
  kind: "zipf",
  syntax: "zipf:S",
  summary: "rank r in chain order (priority, then id) weighs 1/r^S, S > 0; exact shares, shuffled",
  build(arg, spec, ctx) {
    const name = `zipf:${requireArg(zipf, arg)}`;
    const s = readExponent(name, arg!);
    const ranked = chainOrder(spec.handlers);
    // Exact shares (largest remainder), then a seeded shuffle: see xen.ts for why.
    const counts = allocate(zipfWeights(ranked.length, s), ctx.length);
    const stream = shuffledStream(
      ranked.map((h) => h.id),
      counts,
      seededRng(ctx.seed),
    );
    const top = ranked[0]!;
    return makeWorkload(name, `Zipf, S=${s}, over ${spec.name} in chain order: rank 1 ${top.name} (${percent(counts[0]! / ctx.length)})`, stream, spec);
  },
};
