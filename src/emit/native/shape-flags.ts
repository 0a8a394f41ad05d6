/**
 * The flags every dispatch.c compile needs so that the plan's shape survives
 * the compiler: a compare chain must stay compares, not become the jump table
 * or bit test the compiler would prefer. The machine-code audit
 * (machine-audit.ts) checks that they did their job.
 *
 * - gcc 11+: `-fdisable-tree-iftoswitch`. gcc's if-to-switch pass turns a
 *   chain of `if (u == k)` on one variable into a `switch`, which the switch
 *   lowering then makes a jump table (measured: xen:pv64's chain, gcc 12
 *   -O2). With the pass off the chain stays a chain. The pass only rewrites
 *   if-chains, never a `switch` the source wrote, so every strategy gets the
 *   same flag (switch keeps its jump table): fair. gcc 10 and older have no
 *   such pass (and reject the flag): nothing needed.
 * - clang: SimplifyCFG folds a chain of equality compares on one value into
 *   a `switch` (FoldValueComparisonIntoPredecessors, at -O1 and up) and the
 *   switch lowering then picks a jump table, bit tests or a balanced compare
 *   tree; no flag or -mllvm option turns the folding off (clang 14: none in
 *   `-mllvm --help-hidden`). What keeps a chain linear is in the C itself:
 *   lower-c.ts puts an empty asm barrier (DL_OPAQUE) on the op before each
 *   equality test, for every compiler, so no two tests can be merged. The
 *   barrier does not reach the multiword mask's word select (`word == w ? M
 *   : ...`), which clang turns into a jump table (measured: synthetic:96's
 *   xen): `-fno-jump-tables` keeps that out. It would also take switch's own
 *   jump table, so it goes to every strategy that claims no indirect jump
 *   (all but switch), whose source has no switch statement for it to touch.
 */
import type { Spec } from "../../spec/types.js";
import type { Strategy } from "../strategy.js";
import { compilerFamily, type CompilerId, type NativeVariant } from "./variants.js";

export interface ShapeFlags {
  flags: string[];
  /** One line for the notes: why these flags. */
  why: string;
}

export interface ShapeOptions {
  /** The strategy may keep a jump table its source asks for (switch): clang then gets no -fno-jump-tables. Default false. */
  jumpTable?: boolean | undefined;
}

/** The compiler as a CompilerId, from one or from its `--version` line; undefined when neither gcc nor clang. */
const idOf = (compiler: string | CompilerId | undefined): CompilerId | undefined => (typeof compiler === "string" ? compilerFamily(compiler) : compiler);

/** The shape flags of a dispatch.c compile, with why. */
export function shapeFlagsWhy(compiler: string | CompilerId | undefined, options: ShapeOptions = {}): ShapeFlags {
  const id = idOf(compiler);
  if (!id) return { flags: [], why: "not gcc or clang: no shape flags known" };
  if (id.family === "gcc") {
    if (id.major >= 11) return { flags: ["-fdisable-tree-iftoswitch"], why: "gcc's if-to-switch pass would turn compare chains into a switch" };
    return { flags: [], why: `gcc ${id.major} has no if-to-switch pass` };
  }
  if (options.jumpTable) return { flags: [], why: "clang: a switch that may keep its jump table" };
  return {
    flags: ["-fno-jump-tables"],
    why: "clang folds compare chains into a switch (SimplifyCFG, no flag turns it off): no jump table for a strategy that claims none",
  };
}

/**
 * The flags every dispatch.c compile of `compiler` (a CompilerId, or its
 * `--version` line) needs so that the plan's shape survives (see above).
 * Give `jumpTable: true` for a strategy that may keep its jump table
 * (switch), or use strategyShapeFlags: on clang they differ.
 */
export function shapeFlags(compiler: string | CompilerId | undefined, options: ShapeOptions = {}): string[] {
  return shapeFlagsWhy(compiler, options).flags;
}

/** The most indirect jumps a strategy's machine claims allow on this spec and variant (0 when it claims none, or makes no claim). */
export function claimedJumpTables(strategy: Strategy, spec: Spec, variant: NativeVariant): number {
  const claim = strategy.machineClaims?.(spec, variant).indirectJumps;
  if (claim === undefined) return 0;
  if (typeof claim === "number") return claim;
  return claim.max ?? Number.POSITIVE_INFINITY;
}

/** The shape flags of `strategy`'s dispatch.c on this spec, variant and compiler: a strategy whose claims allow an indirect jump may keep its jump table. */
export function strategyShapeFlags(compiler: string | CompilerId | undefined, strategy: Strategy, spec: Spec, variant: NativeVariant): string[] {
  return shapeFlags(compiler, { jumpTable: claimedJumpTables(strategy, spec, variant) > 0 });
}
