import { levelOf, type Handler } from "../../spec/types.js";
import { call, fallback, type Node } from "../plan.js";

/**
 * A balanced binary compare tree over the handlers' ids, as a compiler
 * builds a `switch` with -fno-jump-tables: split on `op <u mid` until one
 * id is left, then one equality compare. Depth ceil(log2 n) + 1.
 */
export function compareTree(handlers: readonly Handler[], otherwise: Node = fallback): Node {
  const ids = handlers.map((h) => h.id).sort((a, b) => a - b);
  const build = (lo: number, hi: number): Node => {
    if (hi - lo === 1) return compareChain(ids.slice(lo, hi), otherwise);
    const mid = (lo + hi) >> 1;
    return { kind: "chain", arms: [{ test: { kind: "ltU", value: ids[mid]! }, then: build(lo, mid) }], otherwise: build(mid, hi) };
  };
  return ids.length === 0 ? otherwise : build(0, ids.length);
}

/** `if (op == id0) h0(); else if (op == id1) h1(); ... else otherwise`, in the order given. */
export function compareChain(ids: readonly number[], otherwise: Node = fallback): Node {
  if (ids.length === 0) return otherwise;
  return { kind: "chain", arms: ids.map((id) => ({ test: { kind: "eq", value: id }, then: call(id) })), otherwise };
}

/** Group handlers by priority level, hottest first; each group keeps the spec's order. */
export function levels(handlers: readonly Handler[]): Handler[][] {
  const byLevel = new Map<number, Handler[]>();
  for (const h of handlers) {
    const level = levelOf(h);
    const group = byLevel.get(level);
    if (group) group.push(h);
    else byLevel.set(level, [h]);
  }
  return [...byLevel.entries()].sort(([a], [b]) => a - b).map(([, hs]) => hs);
}
