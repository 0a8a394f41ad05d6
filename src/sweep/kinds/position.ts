/**
 * `sweep position`: the cost of reaching each handler. A fixed workload on
 * every handler of the spec, each strategy at each position, all in one run
 * (every cell sampled in every round, so drift hits all positions alike).
 * Position = place in the spec's dispatch order (chain order: priority,
 * then id), the order the generated chains test handlers in.
 */
import { enginesOf, type RunRecord } from "../../model/results.js";
import { engineOf } from "../../model/cells.js";
import { chainOrder } from "../../spec/types.js";
import type { Spec } from "../../spec/types.js";
import { engineNote, positionCurves } from "../curves.js";
import { pointConfig, type SweepKindDef } from "../kind.js";
import type { PositionAnalysis } from "../../model/sweep.js";

const DEFAULT_STRATEGIES = ["chain", "xen", "bsearch", "hybrid", "table", "switch"];

/** `fixed:<id>` for every handler, in dispatch order: workload k is position k + 1. */
export const positionWorkloads = (spec: Pick<Spec, "handlers">): string[] => chainOrder(spec.handlers).map((h) => `fixed:${h.id}`);

export const position: SweepKindDef = {
  kind: "position",
  summary: "a fixed workload on each handler in turn: ns per dispatch by position in dispatch order, a fitted slope per strategy",
  help: [`--spec S (default xen:pv64), --strategies L (default ${DEFAULT_STRATEGIES.join(",")})`],
  plan(o, s, load) {
    const spec = o.spec ?? "xen:pv64";
    const strategies = o.strategies ?? DEFAULT_STRATEGIES;
    return {
      points: [{ point: { label: spec, variable: "position", x: null }, config: pointConfig(spec, strategies, positionWorkloads(load(spec)), "table", s) }],
      options: { spec, strategies },
    };
  },
  analyze(runs: readonly RunRecord[], _points, _options, seed): PositionAnalysis {
    const run = runs[0]!;
    const curves = positionCurves(run, seed);
    /** " (liftoff, bun)": the tier and the engine, each where the run has several (groupLabel's style). */
    const note = (c: (typeof curves)[number]): string => {
      const parts = [...(run.config.tiers.length > 1 ? [c.tier] : []), ...(enginesOf(run.config).length > 1 ? [engineOf(c)] : [])];
      return parts.length ? ` (${parts.join(", ")})` : "";
    };
    const sentences = curves.flatMap((c) =>
      c.fit
        ? [
            `${c.strategy}${note(c)}: ${c.fit.slope.toFixed(3)} ns per position [${c.fit.slopeCI[0].toFixed(3)}, ${c.fit.slopeCI[1].toFixed(3)}], intercept ${c.fit.intercept.toFixed(2)} ns [${c.fit.interceptCI[0].toFixed(2)}, ${c.fit.interceptCI[1].toFixed(2)}], r² ${c.fit.r2.toFixed(2)} over ${c.fit.n} positions.`,
          ]
        : [`${c.strategy}${engineNote(run.config, c.engine)}: too few measured positions for a fit.`],
    );
    return { kind: "position", spec: run.spec.name, curves, sentences };
  },
};
