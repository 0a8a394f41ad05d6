/**
 * The dispatch plan: a strategy's shape in our own terms, free of binaryen.
 *
 * Strategies are pure functions from a validated spec to a Plan; the one
 * binaryen module (binaryen.ts) lowers a Plan to wasm. Keeping the shape as
 * data lets tests inspect a strategy without emitting anything, and lets the
 * audit derive what the final binary must contain.
 *
 * Every node is in tail position: it ends the dispatch by returning an i64.
 * `op` is the dispatched number (an i32, compared unsigned, so a negative
 * i32 is a huge number with no handler).
 */
import type { EngineFeature } from "./features.js";

export type Test =
  /** op == value */
  | { kind: "eq"; value: number }
  /** op <u value (a compare-tree split) */
  | { kind: "ltU"; value: number }
  /** Xen's priority-level mask test: (mask word of op) & bits != 0, see MaskMode. */
  | { kind: "mask"; words: MaskWord[] };

/** The bits of one 64-number word: bit k stands for number 64 * word + k. */
export interface MaskWord {
  word: number;
  bits: bigint;
}

export type Node =
  /** A direct call of the handler with its own signature. */
  | { kind: "call"; id: number }
  /** The spec's fallback result (-ENOSYS). */
  | { kind: "fallback" }
  /** if (test0) then0 else if (test1) then1 ... else otherwise, emitted flat (guarded returns). */
  | { kind: "chain"; arms: { test: Test; then: Node }[]; otherwise: Node }
  /** A bounds check, then one call_indirect through a fixed-size funcref table; null = fallback entry. */
  | { kind: "table"; entries: (number | null)[] }
  /**
   * `table` through a typed function table (ref null $uniform): a bounds check, one
   * table.get and one call_ref (no signature check); null = fallback entry (the table's
   * init fills every slot with the fallback function, so no slot is ever null).
   * Needs typed function references in the engine (planFeatures).
   */
  | { kind: "tableRef"; entries: (number | null)[] }
  /** One br_table indexed by op - base over entries; null and out-of-range go to the fallback. */
  | { kind: "switch"; base: number; entries: (number | null)[] };

/**
 * How the mask is computed (once, at the top of dispatch):
 * - guarded:   mask = op >u 63 ? 0 : 1 << op             (Xen since 4.17; every masked id < 64)
 * - multiword: bit = 1 << (op & 63), word = op >>u 6;     (one mask word per 64 numbers)
 *              a level tests bit & (word == w0 ? M0 : word == w1 ? M1 : ... : 0)
 * - unguarded: mask = 1 << op                            (the hazard: i64.shl takes op mod 64)
 */
export type MaskMode = "guarded" | "multiword" | "unguarded";

export interface Plan {
  root: Node;
  /** Present when some test is a mask test. */
  mask?: MaskMode;
}

/** Visit every node of a plan (pre-order). */
export function walkPlan(node: Node, visit: (n: Node) => void): void {
  visit(node);
  if (node.kind === "chain") {
    for (const arm of node.arms) walkPlan(arm.then, visit);
    walkPlan(node.otherwise, visit);
  }
}

/** Counts of the shape-defining parts of a plan: what the audit expects to find in the binary. */
export interface PlanShape {
  directCalls: number;
  callIndirect: number;
  /** tableRef nodes: each one table.get and one call_ref. */
  callRef: number;
  brTable: number;
  eqTests: number;
  ltTests: number;
  maskTests: number;
}

export function planShape(plan: Plan): PlanShape {
  const shape: PlanShape = { directCalls: 0, callIndirect: 0, callRef: 0, brTable: 0, eqTests: 0, ltTests: 0, maskTests: 0 };
  walkPlan(plan.root, (n) => {
    if (n.kind === "call") shape.directCalls++;
    else if (n.kind === "table") shape.callIndirect++;
    else if (n.kind === "tableRef") shape.callRef++;
    else if (n.kind === "switch") {
      shape.brTable++;
      shape.directCalls += new Set(n.entries.filter((e) => e !== null)).size; // one direct call per case
    } else if (n.kind === "chain")
      for (const { test } of n.arms) {
        if (test.kind === "eq") shape.eqTests++;
        else if (test.kind === "ltU") shape.ltTests++;
        else shape.maskTests++;
      }
  });
  return shape;
}

/** The engine features a plan's module needs (features.ts): typed function references for a tableRef node. */
export function planFeatures(plan: Plan): EngineFeature[] {
  let typed = false;
  walkPlan(plan.root, (n) => {
    if (n.kind === "tableRef") typed = true;
  });
  return typed ? ["typed-function-references"] : [];
}

/** Table/switch entries indexed by id: handler ids where present, null elsewhere. */
export function denseEntries(ids: readonly number[]): (number | null)[] {
  const size = ids.length === 0 ? 0 : Math.max(...ids) + 1;
  const entries: (number | null)[] = new Array<number | null>(size).fill(null);
  for (const id of ids) entries[id] = id;
  return entries;
}

export const call = (id: number): Node => ({ kind: "call", id });
export const fallback: Node = { kind: "fallback" };
