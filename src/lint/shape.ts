/**
 * The xen scheme's shape as the lint rules see it: levels, which of them
 * test a mask, how many compares reach each handler, and where an unguarded
 * mask would send a number. It mirrors src/emit/strategies/xen.ts (built
 * from the same `levels` and `compareTree`), so a finding describes the
 * modules dispatch-lab emits; test/lint/shape.test.ts checks it against
 * xenPlan itself.
 */
import { compareChain, compareTree, levels } from "../emit/strategies/shapes.js";
import type { Handler, Spec } from "../spec/types.js";

export interface Level {
  /** The level's priority; undefined for the unprioritised level. */
  priority: number | undefined;
  /** In spec order, as the awk lists them (the first of two is the one compared). */
  handlers: Handler[];
  /** A mask test guards the level: 2+ handlers and not the last level. */
  masked: boolean;
  /** The last level: a compare tree (or one or two compares), never a mask. */
  last: boolean;
}

/** The levels of the xen scheme, hottest first. */
export function xenLevels(spec: Spec): Level[] {
  const groups = levels(spec.handlers);
  return groups.map((handlers, i) => {
    const last = i === groups.length - 1;
    return { priority: handlers[0]!.priority, handlers, masked: !last && handlers.length >= 2, last };
  });
}

/** The awk computes a mask only when some level tests one. */
export const maskInUse = (lv: readonly Level[]): boolean => lv.some((l) => l.masked);

export const levelName = (l: Level): string => (l.priority === undefined ? "the unprioritised level" : `priority level ${l.priority}`);

export const describeHandler = (h: Handler): string => `${h.name} (${h.id})`;

/** `handlers[i]` for each handler, by the spec's own order (the paths users see in their file). */
export function pathsOf(spec: Spec): (h: Handler) => string {
  const index = new Map(spec.handlers.map((h, i) => [h, i] as const));
  return (h) => `handlers[${index.get(h) ?? spec.handlers.findIndex((x) => x.id === h.id)}]`;
}

type Node = ReturnType<typeof compareTree>;

/**
 * Compares executed to reach each call in a node: the k-th arm of a chain
 * costs k tests (the k-1 before it failed), its `otherwise` all of them.
 */
export function compareDepths(node: Node, base = 0, out = new Map<number, number>()): Map<number, number> {
  if (node.kind === "call") out.set(node.id, base);
  else if (node.kind === "chain") {
    node.arms.forEach((arm, i) => compareDepths(arm.then, base + i + 1, out));
    compareDepths(node.otherwise, base + node.arms.length, out);
  }
  return out;
}

/** Compares inside a level, per handler id: what the level does once the earlier levels failed. */
function inLevelCompares(l: Level): Map<number, number> {
  const ids = l.handlers.map((h) => h.id);
  // Two handlers behind a mask: `num == A` decides both (B is not re-checked).
  if (l.masked && ids.length === 2) return new Map(ids.map((id) => [id, 2]));
  if (l.masked) return compareDepths(compareTree(l.handlers), 1);
  if (!l.last) return new Map([[ids[0]!, 1]]);
  return compareDepths(l.handlers.length <= 2 ? compareChain(ids) : compareTree(l.handlers));
}

export interface XenCost {
  /** Levels tested (and failed) before the handler's own: one compare each. */
  before: number;
  /** Compares within its level, the mask test included. */
  inLevel: number;
}

/** How many compares the xen scheme spends to reach each handler, by id. */
export function xenCosts(lv: readonly Level[]): Map<number, XenCost> {
  const costs = new Map<number, XenCost>();
  lv.forEach((l, before) => {
    for (const [id, inLevel] of inLevelCompares(l)) costs.set(id, { before, inLevel });
  });
  return costs;
}

/** Compares of a balanced tree over n ids for its deepest handler: ceil(log2 n) + 1. */
export const treeDepth = (n: number): number => Math.ceil(Math.log2(n)) + 1;

export interface Route {
  /** The level whose test the number passed; undefined when none did. */
  level: Level | undefined;
  /** The handler it reaches; undefined = the fallback (-ENOSYS). */
  handler: Handler | undefined;
}

/**
 * Where `num` (unsigned) goes when the mask is `1 << num` with no guard:
 * the shift count is taken mod 64 (x86 and wasm i64.shl alike), so a masked
 * level passes whenever one of its ids shares num's low 6 bits.
 */
export function unguardedRoute(lv: readonly Level[], num: number): Route {
  const exact = (l: Level): Route => ({ level: l, handler: l.handlers.find((h) => h.id === num) });
  for (const l of lv) {
    if (l.last) return exact(l);
    if (!l.masked) {
      if (l.handlers[0]!.id === num) return exact(l);
      continue;
    }
    if (!l.handlers.some((h) => h.id % 64 === num % 64)) continue;
    const [a, b] = l.handlers;
    // Inside a two-handler level only `num == A` is tested: anything else is B.
    if (l.handlers.length === 2) return { level: l, handler: num === a!.id ? a : b };
    return exact(l); // an inner switch: unknown numbers get the fallback
  }
  return { level: undefined, handler: undefined };
}
