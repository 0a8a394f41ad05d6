/**
 * The opcode audit: read the FINAL binary (with our own reader, not
 * binaryen) and check that the dispatch function is the strategy it claims.
 * Two independent checks:
 * - the strategy's claims (chain: no br_table, one compare and one direct
 *   call per handler; table: exactly one call_indirect; table-ref: one
 *   table.get, one call_ref and no call_indirect; ...);
 * - the plan's shape, lowered by our documented rules (binaryen.ts), must be
 *   what the binary holds: nothing added, merged or rewritten on the way.
 * The handlers and the harness must not dispatch on their own.
 */
import type { Spec } from "../spec/types.js";
import { planShape, walkPlan, type Plan } from "./plan.js";
import type { Strategy } from "./strategy.js";
import type { OpcodeClaims } from "../model/cells.js";
import { auditFunctions, functionBodySize, type OpcodeCounts } from "./wasm-reader.js";
import type { ModuleAudit } from "../model/cells.js";

/** The opcodes that tell dispatch strategies apart; the audit records these. */
export const KEY_OPCODES = [
  "call",
  "call_indirect",
  "call_ref",
  "table.get",
  "br_table",
  "br_if",
  "if",
  "return",
  "i32.eq",
  "i32.lt_u",
  "i32.ge_u",
  "i32.gt_u",
  "i64.shl",
  "i64.and",
  "select",
] as const;

const count = (c: OpcodeCounts, op: string): number => c[op] ?? 0;

/** What our lowering rules turn a plan into, in KEY_OPCODES. */
export function expectedFromPlan(plan: Plan): OpcodeClaims {
  const s = planShape(plan);
  // Multiword mask tests also compare the word index once per word (binaryen.ts, wordBits).
  let wordCompares = 0;
  if (plan.mask === "multiword")
    walkPlan(plan.root, (n) => {
      if (n.kind === "chain") for (const { test } of n.arms) if (test.kind === "mask") wordCompares += test.words.length;
    });
  return {
    call: s.directCalls,
    call_indirect: s.callIndirect,
    call_ref: s.callRef,
    "table.get": s.callRef,
    return_call_ref: 0,
    return_call_indirect: 0,
    br_table: s.brTable,
    br_if: 0,
    if: s.eqTests + s.ltTests + s.maskTests + s.callIndirect + s.callRef,
    "i32.eq": s.eqTests + wordCompares,
    "i32.lt_u": s.ltTests,
    "i32.ge_u": s.callIndirect + s.callRef,
    "i64.shl": plan.mask ? 1 : 0,
    "i64.and": s.maskTests,
    "i32.gt_u": plan.mask === "guarded" ? 1 : 0,
  };
}

/** Violations of `claims` by `counts`, each one readable line. */
export function checkClaims(counts: OpcodeCounts, claims: OpcodeClaims, what: string): string[] {
  return Object.entries(claims).flatMap(([op, want]) => {
    const got = count(counts, op);
    const [lo, hi] = typeof want === "number" ? [want, want] : want;
    if (got >= lo && got <= hi) return [];
    const wanted = lo === hi ? `${lo}` : `${lo}..${hi}`;
    return [`${what}: ${op} x${got}, expected ${wanted}`];
  });
}

export function auditModule(bytes: Uint8Array, strategy: Strategy, plan: Plan, spec: Spec): ModuleAudit {
  const handlerExports = spec.handlers.map((h) => `h${h.id}`);
  const counts = auditFunctions(bytes, ["dispatch", "run", ...handlerExports]);
  const dispatch = counts["dispatch"]!;
  const claims = strategy.claims(spec);
  const violations = [
    ...checkClaims(dispatch, claims, `${strategy.name} claims`),
    ...checkClaims(dispatch, expectedFromPlan(plan), "plan shape"),
    ...checkClaims(counts["run"]!, { call: 1, call_indirect: 0, call_ref: 0, br_table: 0 }, "harness run"),
    ...handlerExports.flatMap((name) => checkClaims(counts[name]!, { call_indirect: 0, call_ref: 0, br_table: 0 }, `handler ${name}`)),
  ];
  return {
    strategy: strategy.name,
    dispatchBytes: functionBodySize(bytes, "dispatch"),
    dispatch: Object.fromEntries(KEY_OPCODES.map((op) => [op, count(dispatch, op)])),
    claims,
    violations,
  };
}

/** One line for terminals: `call_indirect 1, br_table 0, ...` with the non-zero key opcodes. */
export function auditLine(audit: ModuleAudit): string {
  const parts = Object.entries(audit.dispatch)
    .filter(([, n]) => n > 0)
    .map(([op, n]) => `${op} ${n}`);
  return parts.join(", ") || "(no key opcodes)";
}
