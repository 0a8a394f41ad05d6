import type { Spec } from "../spec/types.js";
import type { Plan } from "./plan.js";
import type { OpcodeClaims } from "../model/cells.js";
import type { EngineFeature } from "./features.js";
import type { NativeVariant } from "./native/variants.js";

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
  /**
   * What the native dispatcher's machine code must hold (machine-audit.ts),
   * stated from the strategy's definition like `claims`, never from its plan.
   * The variant matters where its flags change a shape (no jump table under
   * nojt and retpoline).
   */
  machineClaims?(spec: Spec, variant: NativeVariant): MachineClaims;
}

/**
 * What the machine-code audit counts in a dispatcher (machine-audit.ts has
 * the exact instructions of each, x86-64 and aarch64):
 * - indirectCalls / indirectJumps: through a register or memory, and calls or
 *   jumps to a retpoline thunk (a jump table is an indirect jump);
 * - bareIndirect: those of them not through a retpoline thunk;
 * - directCalls: call sites of a named function; directCallTargets: distinct
 *   callees (a compiler may duplicate a call site, never drop a callee);
 * - tailCalls: jumps to another function (a return thunk is not one);
 * - compares: instructions that set flags for a branch, select or set
 *   (cmp, test, bt, aarch64 cmp/cmn/tst/ccmp, cbz/cbnz/tbz/tbnz), and
 *   flag-setting arithmetic whose flags the next instruction reads;
 * - conditionalBranches, split into equalityBranches (je/jne, b.eq/b.ne,
 *   cbz/cbnz) and orderedBranches (ja/jb/jg/jl and kin, b.hi/b.lo/b.gt/...);
 * - returns (ret, or a jump to a return thunk) and bareReturns (ret itself);
 * - endbr: endbr64/endbr32 (IBT landing pads).
 */
export const MACHINE_COUNT_KEYS = [
  "instructions",
  "indirectCalls",
  "indirectJumps",
  "bareIndirect",
  "directCalls",
  "directCallTargets",
  "tailCalls",
  "compares",
  "conditionalBranches",
  "equalityBranches",
  "orderedBranches",
  "returns",
  "bareReturns",
  "endbr",
] as const;
export type MachineCountKey = (typeof MACHINE_COUNT_KEYS)[number];

/** Exactly n, or a range (either end open). */
export type MachineClaim = number | { min?: number; max?: number };
export type MachineClaims = Partial<Record<MachineCountKey, MachineClaim>>;
