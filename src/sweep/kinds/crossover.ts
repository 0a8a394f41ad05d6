/**
 * `sweep crossover`: where the faster of two strategies (default chain vs
 * table) changes, along N (one run per size, a fixed workload) and along
 * the Zipf skew (one run on one spec: uniform = S 0, then zipf:S). The
 * interval comes from the ratio's CIs (stats/crossover.ts).
 */
import { crossoverCurves } from "../curves.js";
import { atSize, DEFAULT_FAMILY, DEFAULT_SIZES, pointConfig, type PlannedPoint, type SweepKindDef } from "../kind.js";
import type { CrossoverAnalysis } from "../../model/sweep.js";

const DEFAULT_SKEWS = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2];

/** S 0 is the uniform mix (zipf:S needs S > 0). */
export const skewWorkload = (s: number): string => (s === 0 ? "uniform" : `zipf:${s}`);

export const crossover: SweepKindDef = {
  kind: "crossover",
  summary: "for a pair of strategies (default chain vs table): the N, and the zipf skew, at which the faster one changes",
  help: [
    `--pair A,B (default chain,table), --family F (default ${DEFAULT_FAMILY}), --sizes L (default ${DEFAULT_SIZES.join(",")})`,
    `--workloads W (along N; default uniform), --spec S (along the skew; default xen:pv64), --skews L (default ${DEFAULT_SKEWS.join(",")}; 0 = uniform)`,
  ],
  plan(o, s) {
    const [a, b] = o.pair ?? ["chain", "table"];
    const family = o.family ?? DEFAULT_FAMILY;
    const sizes = o.sizes ?? DEFAULT_SIZES;
    const workloads = o.workloads ?? ["uniform"];
    const spec = o.spec ?? "xen:pv64";
    const skews = o.skews ?? DEFAULT_SKEWS;
    const bySize = sizes.map(
      (n): PlannedPoint => ({ point: { label: `N=${n}`, variable: "n", x: n }, config: pointConfig(atSize(family, n), [a], workloads, b, s) }),
    );
    const bySkew: PlannedPoint = {
      point: { label: `skew on ${spec}`, variable: "zipf", x: null },
      config: pointConfig(spec, [a], skews.map(skewWorkload), b, s),
    };
    return { points: [...bySize, ...(skews.length ? [bySkew] : [])], options: { pair: [a, b], family, sizes, workloads, spec, skews } };
  },
  analyze(runs, points, options, seed): CrossoverAnalysis {
    const [a, b] = options["pair"] as string[];
    const curves = crossoverCurves(runs, points, a!, seed);
    return { kind: "crossover", a: a!, b: b!, curves, sentences: curves.map((c) => c.sentence) };
  },
};
