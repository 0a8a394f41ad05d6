import type { Spec } from "../spec/types.js";
import type { Plan } from "./plan.js";
import type { OpcodeClaims } from "../model/cells.js";
import type { EngineFeature } from "./features.js";

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
  /**
   * An engine feature its module needs beyond what every supported engine runs
   * (features.ts): such a strategy is never in a default set (asked for by name
   * only), and `check` skips it, with a note, on an engine without the feature.
   */
  readonly needs?: EngineFeature;
  /** Set on a `+pad:K` / `+nullpad:K` variant (bench/ quality measurements). */
  readonly pad?: Pad;
  plan(spec: Spec): Plan;
  claims(spec: Spec): OpcodeClaims;
}
