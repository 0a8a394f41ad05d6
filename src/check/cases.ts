/**
 * The differential checker's inputs (pure): which (op, args) every strategy
 * must dispatch identically.
 */
import { seededRng } from "../stats/rng.js";
import type { Spec } from "../spec/types.js";

export interface Case {
  op: number;
  args: bigint[];
}

/**
 * Numbers where dispatch schemes go wrong: the edges of a 64-bit mask word
 * (63/64/65, 127/128), the largest i32, and negative i32 values (huge when
 * read unsigned; -63 and -64 also have low bits a shift would keep).
 */
export const BOUNDARY_OPS = [63, 64, 65, 127, 128, 2 ** 31 - 1, -1, -2, -63, -64, -65, -(2 ** 31)];

export interface CaseOptions {
  /** How many random (op, args) cases to add. */
  random: number;
  seed: number;
}

/**
 * 64 + k for every id k < 64: what an unguarded `1 << num` mask confuses
 * with k (65 and 87 reach iret on Xen's pv64).
 */
export const maskAliases = (spec: Spec): number[] => spec.handlers.filter((h) => h.id < 64).map((h) => h.id + 64);

/**
 * Every id in [0, max id + 2], the boundary numbers, the mask aliases, then `random` random
 * cases (half handler ids, a quarter near the id range, a quarter any i32).
 * Args are full-range i64 values, so most exceed 2^32 and an i32 param's
 * narrowing shows.
 */
export function checkCases(spec: Spec, { random, seed }: CaseOptions): Case[] {
  const rng = seededRng(seed);
  const ids = spec.handlers.map((h) => h.id);
  const maxId = Math.max(...ids);
  const args = () => Array.from({ length: spec.args }, () => rng.i64());
  const ops = [...new Set([...Array.from({ length: maxId + 3 }, (_, i) => i), ...BOUNDARY_OPS, ...maskAliases(spec)])];
  const cases = ops.map((op) => ({ op, args: args() }));
  for (let i = 0; i < random; i++) {
    const r = rng.float();
    const op = r < 0.5 ? rng.pick(ids) : r < 0.75 ? rng.int(0, maxId + 64) : rng.int(-(2 ** 31), 2 ** 31 - 1);
    cases.push({ op, args: args() });
  }
  return cases;
}
