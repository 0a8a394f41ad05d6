import type { Spec } from "../spec/types.js";
import type { Plan } from "./plan.js";

/**
 * What a strategy's dispatch function must contain, as opcode counts in the
 * final binary: an exact number, or [min, max]. This is the strategy's claim
 * about itself, stated independently of its plan: `chain` claims no br_table,
 * so a chain that binaryen's optimizer turned into a switch fails the audit.
 */
export type OpcodeClaims = Record<string, number | readonly [number, number]>;

/**
 * A measurement-quality knob: K dependent adds of a zero the engine cannot
 * see through (a mutable global), per dispatch, in the harness loop.
 * - "op": on the number between its load and the dispatch (the work every
 *   dispatch must wait for before its branch or indirect call resolves);
 * - "result": on the result after the dispatch returns, off the critical
 *   path, where out-of-order execution hides it (the null test).
 */
export interface Pad {
  where: "op" | "result";
  k: number;
}

export interface Strategy {
  /** The name users type (`--strategies chain,xen`). */
  readonly name: string;
  /** One line for --help and the docs. */
  readonly summary: string;
  /** Hazard variants reproduce a historical bug; never in a default set, asked for by name only. */
  readonly hazard?: boolean;
  /** The control kernel: calls one handler whatever the number; not a dispatcher. */
  readonly control?: boolean;
  /** Set on a `+pad:K` / `+nullpad:K` variant (bench/ quality measurements). */
  readonly pad?: Pad;
  plan(spec: Spec): Plan;
  claims(spec: Spec): OpcodeClaims;
}
