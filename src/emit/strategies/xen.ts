import type { Strategy } from "../strategy.js";
import type { Handler, Spec } from "../../spec/types.js";
import { UNPRIORITISED, levelOf } from "../../spec/types.js";
import { call, type MaskMode, type MaskWord, type Node, type Plan, type Test } from "../plan.js";
import { compareChain, compareTree, levels } from "./shapes.js";

/**
 * Exactly the shape Xen's scripts/gen_hypercall.awk generates (Xen 4.17+):
 * one level per priority, hottest first.
 * - a one-handler level: `if (num == X) X(); else`
 * - a multi-handler level that is not the last: `if (mask & LEVEL_BITS) { ... } else`,
 *   inside: two handlers `if (num == A) A(); else B();` (B not re-checked: the
 *   mask proved it), three or more an inner `switch (num)` whose default is -ENOSYS;
 * - the last level (normally the unprioritised one): a `switch (num)` with
 *   default -ENOSYS, which -fno-jump-tables turns into a compare tree; with one
 *   or two handlers plain compares (the awk would emit invalid C for two: we
 *   check both).
 * The mask `num > 63 ? 0 : 1ULL << num` is computed once, and only when some
 * prioritised level has two or more handlers. Numbers >= 64 in a masked level
 * switch to one mask word per 64 numbers instead of a silent misroute.
 */
export function xenPlan(spec: Spec, guard: boolean): Plan {
  const groups = levels(spec.handlers);
  const last = groups.length - 1;
  const arms: { test: Test; then: Node }[] = [];
  groups.slice(0, last).forEach((group) => {
    if (group.length === 1) arms.push({ test: { kind: "eq", value: group[0]!.id }, then: call(group[0]!.id) });
    else arms.push({ test: { kind: "mask", words: maskWords(group, guard) }, then: inner(group) });
  });
  const lastGroup = groups[last] ?? [];
  const otherwise = lastGroup.length <= 2 ? compareChain(lastGroup.map((h) => h.id)) : compareTree(lastGroup);
  const root: Node = arms.length ? { kind: "chain", arms, otherwise } : otherwise;
  const mode = maskMode(spec, guard);
  return mode ? { root, mask: mode } : { root };
}

/** Inside a mask level: two handlers need one compare, more an inner compare tree. */
function inner(group: readonly Handler[]): Node {
  if (group.length === 2)
    return { kind: "chain", arms: [{ test: { kind: "eq", value: group[0]!.id }, then: call(group[0]!.id) }], otherwise: call(group[1]!.id) };
  return compareTree(group);
}

/**
 * The level's bits, one word per 64 numbers. Unguarded, every id lands in
 * word 0 at bit id mod 64, which is what `1ULL << num` does on x86 and what
 * i64.shl does in wasm: the hazard.
 */
function maskWords(group: readonly Handler[], guard: boolean): MaskWord[] {
  const words = new Map<number, bigint>();
  for (const { id } of group) {
    const word = guard ? id >> 6 : 0;
    words.set(word, (words.get(word) ?? 0n) | (1n << BigInt(id & 63)));
  }
  return [...words.entries()].sort(([a], [b]) => a - b).map(([word, bits]) => ({ word, bits }));
}

/** Which mask computation the plan needs, if any (the awk's need_mask). */
export function maskMode(spec: Spec, guard: boolean): MaskMode | undefined {
  const masked = levels(spec.handlers).filter((g) => levelOf(g[0]!) !== UNPRIORITISED && g.length > 1);
  if (masked.length === 0) return undefined;
  if (!guard) return "unguarded";
  return masked.flat().some((h) => h.id > 63) ? "multiword" : "guarded";
}

/**
 * Natively, as in Xen (gcc -fno-jump-tables): compares, masks and direct calls
 * only, every handler called; no indirect branch at all.
 */
const xenMachineClaims = (spec: Spec) => ({
  indirectCalls: 0,
  indirectJumps: 0,
  directCallTargets: spec.handlers.length,
});

const xenClaims = (guard: boolean) => (spec: Spec) => {
  const mode = maskMode(spec, guard);
  return {
    call_indirect: 0,
    br_table: 0,
    call: spec.handlers.length,
    "i64.shl": mode ? 1 : 0,
    "i32.gt_u": mode === "guarded" ? 1 : 0,
  };
};

export const xen: Strategy = {
  name: "xen",
  summary: "Xen's generated priority chain: per-level compares, guarded i64 masks, compare-tree tail",
  plan: (spec) => xenPlan(spec, true),
  claims: xenClaims(true),
  machineClaims: xenMachineClaims,
};

/** The hazard as first merged: `mask = 1ULL << num` with no guard; 64 + k misroutes like k. */
export const xenUnguarded: Strategy = {
  name: "xen-unguarded",
  summary: "HAZARD: xen with the unguarded mask first merged in 2022 (65 and 87 reach iret on pv64)",
  hazard: true,
  plan: (spec) => xenPlan(spec, false),
  claims: xenClaims(false),
  machineClaims: xenMachineClaims,
};
