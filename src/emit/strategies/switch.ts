import type { Strategy } from "../strategy.js";
import type { Spec } from "../../spec/types.js";
import { denseEntries, type Node } from "../plan.js";

/**
 * V8 rejects a br_table with more than 65520 entries (kV8MaxWasmFunctionBrTableSize);
 * the wasm spec sets no limit. Ids reach 65535, so a range past the limit is
 * cut into 32 Ki-entry br_tables chosen by `op <u base` compares.
 */
export const MAX_BR_TABLE = 65520;
const CHUNK = 32768;

function chunks(spec: Spec): Node[] {
  const entries = denseEntries(spec.handlers.map((h) => h.id));
  if (entries.length <= MAX_BR_TABLE) return [{ kind: "switch", base: 0, entries }];
  const out: Node[] = [];
  for (let base = 0; base < entries.length; base += CHUNK) out.push({ kind: "switch", base, entries: entries.slice(base, base + CHUNK) });
  return out;
}

/** One br_table over 0..max id: a jump table where the engine builds one (TurboFan, dense enough, > 4 cases). */
export const switchStrategy: Strategy = {
  name: "switch",
  summary: "one br_table over 0..max id (a jump table where the engine builds one)",
  plan: (spec) => {
    const parts = chunks(spec);
    const root = parts.slice(0, -1).reduceRight<Node>(
      (otherwise, part, i) => ({ kind: "chain", arms: [{ test: { kind: "ltU", value: (i + 1) * CHUNK }, then: part }], otherwise }),
      parts.at(-1)!,
    );
    return { root };
  },
  claims: (spec) => {
    const n = chunks(spec).length;
    return { br_table: n, "i32.lt_u": n - 1, call_indirect: 0, call: spec.handlers.length, br_if: 0 };
  },
};
