import { describe, expect, it } from "vitest";
import type { EventCounts } from "../../src/model/counts.js";
import type { RunRecord } from "../../src/model/results.js";
import type { SweepPoint } from "../../src/model/sweep.js";
import { countsSentences } from "../../src/sweep/counts.js";
import { fakeRun, handlers } from "./fake-run.js";

const counts = (Ir: number, Bcm = 0, Bim = 0): EventCounts => ({ Ir, Bc: 0, Bcm, Bi: 0, Bim });

/** `run` with each strategy's summary given net counts `net(strategy, workload)` (the control's left without). */
function withCounts(run: RunRecord, net: (strategy: string, workload: string) => EventCounts | null): RunRecord {
  for (const s of run.summaries) {
    if (s.strategy === run.config.control) continue;
    const n = net(s.strategy, s.workload);
    s.counts = { perDispatch: counts(100), net: n };
  }
  return run;
}

describe("countsSentences", () => {
  it("says nothing of a sweep that did not count", () => {
    const run = fakeRun({ strategies: ["chain"], workloads: ["uniform"], cost: () => 7 });
    expect(countsSentences([run], [{ label: "synthetic:8", variable: "n", x: 8 }])).toEqual([]);
  });

  it("fits net counts against position in dispatch order, one line per strategy (position: one run, a workload per handler)", () => {
    // handlers() have no priorities: dispatch order is id order, so fixed:k is position k + 1.
    const run = withCounts(
      fakeRun({ handlers: handlers(4), strategies: ["chain", "table"], workloads: ["fixed:2", "fixed:0", "fixed:3", "fixed:1"], cost: () => 7 }),
      (strategy, workload) => {
        const position = Number(workload.slice("fixed:".length)) + 1;
        return strategy === "chain" ? counts(1 + 2 * position) : counts(30, 0.25, 0.5);
      },
    );
    expect(countsSentences([run], [{ label: "synthetic:4", variable: "position", x: null }])).toEqual([
      "chain, simulated counts: +2.000 net instructions per dispatch per position (3.00 at position 1 to 9.00 at position 4; r² 1.00 over 4 points), 0.0000 net mispredicts per position (0.00 to 0.00).",
      "table, simulated counts: 0.000 net instructions per dispatch per position (30.00 at position 1 to 30.00 at position 4; r² 1.00 over 4 points), 0.0000 net mispredicts per position (0.75 to 0.75).",
    ]);
  });

  it("fits across runs by the point's x, a line per workload where a run has several; leaves out cells without net counts", () => {
    const points: SweepPoint[] = [16, 4, 64].map((n) => ({ label: `synthetic:${n}`, variable: "n", x: n }));
    const runs = points.map((p) =>
      withCounts(fakeRun({ strategies: ["chain"], workloads: ["uniform", "fixed:0"], cost: () => 7 }), (_, workload) =>
        workload === "uniform" ? counts(p.x! / 2, p.x! / 64) : p.x === 64 ? null : counts(3),
      ),
    );
    expect(countsSentences(runs, points)).toEqual([
      "chain (uniform), simulated counts: +0.500 net instructions per dispatch per handler (2.00 at N=4 to 32.00 at N=64; r² 1.00 over 3 points), +0.0156 net mispredicts per handler (0.06 to 1.00).",
      "chain (fixed:0), simulated counts: 0.000 net instructions per dispatch per handler (3.00 at N=4 to 3.00 at N=16; r² 1.00 over 2 points), 0.0000 net mispredicts per handler (0.00 to 0.00).",
    ]);
  });

  it("gives the values at the one point a curve has, and reads a skew sweep's x from its workloads", () => {
    const one = withCounts(fakeRun({ strategies: ["chain"], workloads: ["uniform"], cost: () => 7 }), () => counts(12.5, 1));
    expect(countsSentences([one], [{ label: "synthetic:8", variable: "ops", x: 8 }])).toEqual([
      "chain, simulated counts: 12.50 net instructions and 1.00 net mispredicts per dispatch at 8 body ops.",
    ]);
    const skew = withCounts(fakeRun({ strategies: ["chain"], workloads: ["uniform", "zipf:2"], cost: () => 7 }), (_, w) => counts(w === "uniform" ? 10 : 4));
    expect(countsSentences([skew], [{ label: "synthetic:8", variable: "zipf", x: null }])).toEqual([
      "chain, simulated counts: -3.000 net instructions per dispatch per unit of skew (10.00 at skew 0 to 4.00 at skew 2; r² 1.00 over 2 points), 0.0000 net mispredicts per unit of skew (0.00 to 0.00).",
    ]);
  });
});
