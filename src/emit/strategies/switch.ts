import type { Strategy } from "../strategy.js";
import { denseEntries } from "../plan.js";

/** One br_table over 0..max id: a jump table where the engine builds one (TurboFan, dense enough, > 4 cases). */
export const switchStrategy: Strategy = {
  name: "switch",
  summary: "one br_table over 0..max id (a jump table where the engine builds one)",
  plan: (spec) => ({ root: { kind: "switch", entries: denseEntries(spec.handlers.map((h) => h.id)) } }),
  claims: (spec) => ({ br_table: 1, call_indirect: 0, call: spec.handlers.length, if: 0, br_if: 0 }),
};
