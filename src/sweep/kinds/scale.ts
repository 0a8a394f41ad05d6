/**
 * `sweep scale`: cost against the number of handlers N. One run per N (a
 * spec of the family at that size), each with every strategy and workload;
 * the runs go in shuffled order so slow drift does not line up with N.
 */
import { engineNote, scaleCurves } from "../curves.js";
import { atSize, DEFAULT_FAMILY, DEFAULT_SIZES, pointConfig, type SweepKindDef } from "../kind.js";
import type { ScaleAnalysis } from "../../model/sweep.js";

const DEFAULT_STRATEGIES = ["table", "chain", "xen", "switch", "bsearch", "hybrid"];
/** Spread, skewed, and the best and worst single handler of a chain. */
const DEFAULT_WORKLOADS = ["uniform", "zipf:1.1", "fixed:hottest", "fixed:coldest"];

const fmt = (x: number) => (Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

export const scale: SweepKindDef = {
  kind: "scale",
  summary: "synthetic specs of N handlers x strategies x workloads: cost against N",
  help: [
    `--family F (default ${DEFAULT_FAMILY}), --sizes L (default ${DEFAULT_SIZES.join(",")})`,
    `--strategies L (default ${DEFAULT_STRATEGIES.join(",")}), --workloads L (default ${DEFAULT_WORKLOADS.join(",")})`,
  ],
  plan(o, s) {
    const family = o.family ?? DEFAULT_FAMILY;
    const sizes = o.sizes ?? DEFAULT_SIZES;
    const strategies = o.strategies ?? DEFAULT_STRATEGIES;
    const workloads = o.workloads ?? DEFAULT_WORKLOADS;
    return {
      points: sizes.map((n) => ({
        point: { label: `N=${n}`, variable: "n", x: n },
        config: pointConfig(atSize(family, n), strategies, workloads, "table", s),
      })),
      options: { family, sizes, strategies, workloads },
    };
  },
  analyze(runs, points, _options, seed): ScaleAnalysis {
    const curves = scaleCurves(runs, points, seed);
    const config = runs[0]?.config ?? {};
    /** One sentence per workload, and per engine where the sweep measured several: `uniform (bun), net ns ...`. */
    const byWorkload = new Map<string, string[]>();
    for (const c of curves) {
      const measured = c.points.filter((p) => p.net);
      if (measured.length < 2) continue;
      const [first, last] = [measured[0]!, measured.at(-1)!];
      const text = `${c.strategy} ${fmt(first.net!.value)} → ${fmt(last.net!.value)} ns`;
      const key = `${c.workload}${engineNote(config, c.engine)}`;
      byWorkload.set(key, [...(byWorkload.get(key) ?? []), text]);
    }
    const sizes = points.map((p) => p.x!).sort((a, b) => a - b);
    const range = `N=${sizes[0]} to ${sizes.at(-1)}`;
    const sentences = [...byWorkload].map(([w, parts]) => `${w}, net ns per dispatch from ${range}: ${parts.join("; ")}.`);
    return { kind: "scale", reference: runs[0]?.config.reference ?? "table", curves, sentences };
  },
};
