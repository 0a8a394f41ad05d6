/**
 * `invalid:P`: a fraction P of numbers that reach no handler, the rest
 * uniform over the handlers. Strategies differ most on these: a table
 * bounds-checks once, a chain tests every handler before falling through, a
 * mask scheme may alias 64+k to k. So the invalid numbers are drawn from
 * every kind of miss (each kind equally likely, among those the spec has):
 *
 * - a gap: an unused id below the largest id (inside a table's range);
 * - an unused id in 64..127 (just above Xen's NR_hypercalls, where a
 *   6-bit mask aliases 64+k to k);
 * - 2^31-1, the largest i32;
 * - -1 (as unsigned, the largest u32);
 * - a random negative i32 (a huge unsigned number);
 * - a random number in 65536..2^31-2 (above every possible id).
 *
 * Exactly round(P * length) entries are invalid (P read as an exact
 * decimal, halves rounded up), at seeded random positions.
 */
import { seededRng, type Rng } from "../stats/rng.js";
import { LIMITS, type Spec } from "../spec/types.js";
import { argError, makeWorkload, percent, readDecimal, requireArg } from "./shared.js";
import type { WorkloadKind } from "./types.js";
import { uniformIds } from "./uniform.js";

const I32_MAX = 0x7fff_ffff;
const I32_MIN = -0x8000_0000;

/** round(P * length), P = numerator/denominator exactly, halves up. */
export const invalidCount = (p: { numerator: bigint; denominator: bigint }, length: number): number =>
  Number((2n * p.numerator * BigInt(length) + p.denominator) / (2n * p.denominator));

/** One way to draw a number no handler has. */
type Miss = (rng: Rng) => number;

/** The kinds of miss this spec has (a spec with dense ids has no gaps; one using 64..127 has no aliases there). */
export function missKinds(spec: Spec): Miss[] {
  const used = new Set(spec.handlers.map((h) => h.id));
  const maxId = Math.max(...used);
  const unused = (from: number, to: number): number[] => {
    const out: number[] = [];
    for (let id = from; id <= to; id++) if (!used.has(id)) out.push(id);
    return out;
  };
  const gaps = unused(0, maxId - 1);
  const aliases = unused(64, 127);
  return [
    ...(gaps.length > 0 ? [(rng: Rng) => rng.pick(gaps)] : []),
    ...(aliases.length > 0 ? [(rng: Rng) => rng.pick(aliases)] : []),
    () => I32_MAX,
    () => -1,
    (rng: Rng) => rng.int(I32_MIN, -2),
    (rng: Rng) => rng.int(LIMITS.maxId + 1, I32_MAX - 1),
  ];
}

/** The first `count` entries of a seeded partial Fisher-Yates over 0..length-1: `count` distinct random positions. */
function randomPositions(length: number, count: number, rng: Rng): Int32Array {
  const index = Int32Array.from({ length }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = rng.int(i, length - 1);
    const t = index[i]!;
    index[i] = index[j]!;
    index[j] = t;
  }
  return index.subarray(0, count);
}

export const invalid: WorkloadKind = {
  kind: "invalid",
  syntax: "invalid:P",
  summary: "a fraction P (0..1) of numbers with no handler (gaps, 64..127, 2^31-1, negatives, huge), exact count; the rest uniform",
  build(arg, spec, ctx) {
    const text = requireArg(invalid, arg);
    const name = `invalid:${text}`;
    const p = readDecimal(text);
    if (!p || p.numerator > p.denominator) {
      throw argError(name, `P "${text}" is not a decimal in 0..1`, "write invalid:P with 0 <= P <= 1, e.g. invalid:0.01 for 1%");
    }
    const rng = seededRng(ctx.seed);
    // Draw order (fixed: changing it changes every stream): positions, then the valid numbers, then each miss in position order.
    const positions = randomPositions(ctx.length, invalidCount(p, ctx.length), rng);
    const stream = uniformIds(spec, ctx.length, rng);
    const misses = missKinds(spec);
    for (const at of [...positions].sort((a, b) => a - b)) stream[at] = rng.pick(misses)(rng);
    const description = `${positions.length} of ${ctx.length} numbers (${percent(positions.length / ctx.length)}) with no handler in ${spec.name}, the rest uniform`;
    return makeWorkload(name, description, stream, spec);
  },
};
