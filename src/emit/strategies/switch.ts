import type { Strategy } from "../strategy.js";
import type { Spec } from "../../spec/types.js";
import { denseEntries, type Node } from "../plan.js";
import { VARIANTS } from "../native/variants.js";

/**
 * V8 rejects a br_table with more than 65520 entries (kV8MaxWasmFunctionBrTableSize);
 * the wasm spec sets no limit. Ids reach 65535, so a range past the limit is
 * cut into 32 Ki-entry br_tables chosen by `op <u base` compares.
 */
export const MAX_BR_TABLE = 65520;
const CHUNK = 32768;

/**
 * The br_tables, each with the first number past its chunk. A chunk with no
 * handler gets none (a br_table with no case has no block to branch to): its
 * numbers fall to the next chunk, whose `op - base` wraps to a huge unsigned
 * index and so takes that br_table's fallback.
 */
function chunks(spec: Spec): { end: number; node: Node }[] {
  const entries = denseEntries(spec.handlers.map((h) => h.id));
  if (entries.length <= MAX_BR_TABLE) return [{ end: entries.length, node: { kind: "switch", base: 0, entries } }];
  const out: { end: number; node: Node }[] = [];
  for (let base = 0; base < entries.length; base += CHUNK) {
    const part = entries.slice(base, base + CHUNK);
    if (part.some((e) => e !== null)) out.push({ end: base + CHUNK, node: { kind: "switch", base, entries: part } });
  }
  return out;
}

/** One br_table over 0..max id: a jump table where the engine builds one (TurboFan, dense enough, > 4 cases). */
export const switchStrategy: Strategy = {
  name: "switch",
  summary: "one br_table over 0..max id (a jump table where the engine builds one)",
  plan: (spec) => {
    const parts = chunks(spec);
    const root = parts
      .slice(0, -1)
      .reduceRight<Node>(
        (otherwise, part) => ({ kind: "chain", arms: [{ test: { kind: "ltU", value: part.end }, then: part.node }], otherwise }),
        parts.at(-1)!.node,
      );
    return { root };
  },
  claims: (spec) => {
    const n = chunks(spec).length;
    return { br_table: n, "i32.lt_u": n - 1, call_indirect: 0, call: spec.handlers.length, br_if: 0 };
  },
  /**
   * Every handler called directly, no indirect call; at most one jump table per
   * br_table chunk, where the compiler builds one (dense enough), and none
   * under a variant that forbids them (nojt, retpoline: a compare tree).
   */
  machineClaims: (spec, variant) => ({
    indirectCalls: 0,
    indirectJumps: { max: VARIANTS[variant].noJumpTables ? 0 : chunks(spec).length },
    directCallTargets: spec.handlers.length,
  }),
};
