/**
 * `sweep body`: the dispatch's share of the whole call as handler bodies
 * grow from nothing to 10^4 dependent alu ops: the Xen thread's "the gain is
 * less than 1%", measured. One run per body size, the spec's handlers all
 * given that body (`SPEC+body=alu:OPS`).
 */
import { bodyCurves, engineNote } from "../curves.js";
import { pointConfig, type SweepKindDef } from "../kind.js";
import type { BodyAnalysis } from "../../model/sweep.js";
import { GENERIC_MIX, xenMixFor } from "../../workload/index.js";

const DEFAULT_OPS = [0, 10, 100, 1000, 10000];
const DEFAULT_STRATEGIES = ["table", "chain", "xen"];

/**
 * A shorter stream for bigger bodies: the harness passes over the whole
 * stream at least once per sample (and once more untimed before it), so at
 * 10^4 ops (~3 us a call) 64 Ki entries would make a sample ~0.2 s. The
 * mix is then allocated over fewer entries (recorded per run).
 */
export const bodyStreamLength = (ops: number, length: number): number => Math.min(length, Math.max(1024, Math.floor((length * 10) / Math.max(10, ops))));

const pct = (x: number) => `${(100 * x).toFixed(Math.abs(x) < 0.01 ? 2 : 1)}%`;

export const body: SweepKindDef = {
  kind: "body",
  summary: "handler bodies from 0 to 10^4 alu ops: the dispatch's share of the whole call",
  help: [
    `--spec S (default xen:pv64), --ops L (default ${DEFAULT_OPS.join(",")}), --strategies L (default ${DEFAULT_STRATEGIES.join(",")}), --workloads L (default: the spec's Xen mix, xen:pv-guest-build on xen:pv64, else ${GENERIC_MIX})`,
  ],
  plan(o, s, load) {
    const spec = o.spec ?? "xen:pv64";
    const ops = o.ops ?? DEFAULT_OPS;
    const strategies = o.strategies ?? DEFAULT_STRATEGIES;
    const workloads = o.workloads ?? [xenMixFor(load(spec)) ?? GENERIC_MIX];
    return {
      points: ops.map((k) => ({
        point: { label: `alu:${k}`, variable: "ops", x: k },
        config: pointConfig(`${spec}+body=alu:${k}`, strategies, workloads, "table", { ...s, streamLength: bodyStreamLength(k, s.streamLength) }),
      })),
      options: { spec, ops, strategies, workloads },
    };
  },
  analyze(runs, points, _options, seed): BodyAnalysis {
    const reference = runs[0]?.config.reference ?? "table";
    const curves = bodyCurves(runs, points, seed);
    const config = runs[0]?.config ?? {};
    const sentences = curves.flatMap((c) => {
      const measured = c.points.filter((p) => p.share);
      if (measured.length === 0) return [];
      const first = measured[0]!;
      const last = measured.at(-1)!;
      const under = measured.find((p) => p.share!.ciHigh < 0.01);
      const vs =
        c.strategy === reference || !last.vsReference
          ? ""
          : `; against ${reference}, ${pct(first.vsReference?.value ?? NaN)} of the call at ${first.ops} ops and ${pct(last.vsReference.value)} [${pct(last.vsReference.ciLow)}, ${pct(last.vsReference.ciHigh)}] at ${last.ops}`;
      const threshold = under ? `; under 1% from ${under.ops} ops` : "; never under 1% in range";
      return [
        `${c.strategy} on ${c.workload}${engineNote(config, c.engine)}: the dispatch is ${pct(first.share!.value)} of the call at ${first.ops} ops, ${pct(last.share!.value)} [${pct(last.share!.ciLow)}, ${pct(last.share!.ciHigh)}] at ${last.ops} ops${threshold}${vs}.`,
      ];
    });
    return { kind: "body", reference, curves, sentences };
  },
};
