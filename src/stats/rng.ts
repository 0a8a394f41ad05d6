/**
 * The project's one seeded random source (pure-rand's xoroshiro128+), so that
 * workloads, synthetic specs and check cases are reproducible from a seed.
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformInt } from "pure-rand/distribution/uniformInt";

export interface Rng {
  /** An integer in [from, to], both included. */
  int(from: number, to: number): number;
  /** A float in [0, 1). */
  float(): number;
  /** Any i64 value, as a BigInt. */
  i64(): bigint;
  /** A uniformly random element. */
  pick<T>(items: readonly T[]): T;
  /** Fisher-Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[];
}

export function seededRng(seed: number): Rng {
  const gen = xoroshiro128plus(seed | 0);
  const u32 = () => gen.next() >>> 0;
  const rng: Rng = {
    int: (from, to) => uniformInt(gen, from, to),
    float: () => u32() / 2 ** 32,
    i64: () => BigInt.asIntN(64, (BigInt(u32()) << 32n) | BigInt(u32())),
    pick: (items) => items[uniformInt(gen, 0, items.length - 1)]!,
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = uniformInt(gen, 0, i);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
  return rng;
}
