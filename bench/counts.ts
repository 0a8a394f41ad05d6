/**
 * Issue #13's figures, from real counts runs on this machine. Nothing here
 * is a test: the figures go in notes, with the machine.
 *
 * 1. Wall time and repeatability: `run --measure counts` of xen:pv64 x its
 *    default workloads x every default strategy (node, TurboFan), RUNS
 *    times: each run's wall time (target < 3 min on 2 cores) and, per cell
 *    and event, the largest difference between runs (target: identical to
 *    2 decimals).
 * 2. The gate on counts (--metric instructions, default threshold): every
 *    ordered pair of GATE_RUNS small runs (chain, chain+pad:1 and the
 *    control on two workloads): A/A (chain against chain: target 0 false
 *    failures) and chain+pad:1, one extra add per dispatch, renamed chain in
 *    the current side (target: detected in every pair).
 *
 *   node dist/bench/counts.js [--runs N] [--gate-runs N]   (--gate-runs 0 or 1: no gate figures)
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareDatasets } from "../src/gate/compare.js";
import { run } from "../src/lab/run.js";
import { COUNT_EVENTS, formatCount } from "../src/model/counts.js";
import { fingerprintSummary } from "../src/model/fingerprint.js";
import type { Dataset, RunRecord } from "../src/model/results.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg("--runs", 3);
const GATE_RUNS = arg("--gate-runs", 5);

async function countsRun(strategies?: string, workloads?: string): Promise<{ run: RunRecord; dataset: Dataset; seconds: number }> {
  const started = Date.now();
  const { results, dataset } = await run({
    spec: "xen:pv64",
    ...(strategies ? { strategies, reference: strategies.split(",")[0]! } : {}),
    ...(workloads ? { workloads } : {}),
    measure: "counts",
    out: mkdtempSync(join(tmpdir(), "dispatch-lab-bench-counts-")),
  });
  return { run: results, dataset, seconds: (Date.now() - started) / 1000 };
}

// 1. wall time and repeatability (--runs 0: the gate's figures alone)
const runs: RunRecord[] = [];
for (let i = 0; i < RUNS; i++) {
  const { run: r, seconds } = await countsRun();
  runs.push(r);
  const failed = r.cells.filter((c) => !c.counts);
  if (i === 0) console.log(`machine: ${fingerprintSummary(r.fingerprint)}`);
  console.log(`counts run ${i + 1}: ${r.cells.length} cells, ${failed.length} without counts, ${seconds.toFixed(0)} s wall`);
}
const worst = Object.fromEntries(COUNT_EVENTS.map((e) => [e, 0]));
for (const c of runs[0]?.cells ?? [])
  for (const other of runs.slice(1)) {
    const o = other.cells.find((x) => x.id === c.id);
    if (!c.counts || !o?.counts) continue;
    for (const e of COUNT_EVENTS) worst[e] = Math.max(worst[e]!, Math.abs(c.counts.perDispatch[e] - o.counts.perDispatch[e]));
  }
/** Values that render differently (formatCount: 2 decimals, as every report shows them) in some run. */
const differing = (runs[0]?.cells ?? []).flatMap((c) =>
  COUNT_EVENTS.flatMap((e) => {
    const shown = runs.map((r) => r.cells.find((x) => x.id === c.id)?.counts?.perDispatch[e]);
    const texts = new Set(shown.map((v) => (v === undefined ? "none" : formatCount(v))));
    return texts.size > 1 ? [`${c.id} ${e}: ${shown.map((v) => v ?? "none").join(" / ")}`] : [];
  }),
);
if (RUNS > 1) {
  console.log(`largest difference per dispatch between runs: ${COUNT_EVENTS.map((e) => `${e} ${worst[e]!.toFixed(4)}`).join(", ")}`);
  console.log(`identical when rounded to 2 decimals across ${RUNS} runs: ${differing.length ? `no: ${differing.slice(0, 5).join("; ")}` : "yes"}`);
}

// 2. the gate
const gateRuns: Dataset[] = [];
for (let i = 0; i < GATE_RUNS; i++) gateRuns.push((await countsRun("chain,chain+pad:1", "uniform,xen:pv-guest-build")).dataset);
/** The current side with chain+pad:1's cells as chain's (the code got one add slower per dispatch). */
function padded(d: Dataset): Dataset {
  const clone = structuredClone(d);
  for (const r of clone.runs) {
    r.cells = r.cells
      .filter((c) => c.strategy !== "chain")
      .map((c) => (c.strategy === "chain+pad:1" ? { ...c, strategy: "chain", id: c.id.replace("chain+pad:1", "chain") } : c));
    r.summaries = [];
  }
  return clone;
}
let aa = 0;
let aaFailed = 0;
let detected = 0;
let injected = 0;
const changes: number[] = [];
for (let i = 0; i < GATE_RUNS; i++)
  for (let j = 0; j < GATE_RUNS; j++) {
    if (i === j) continue;
    const same = compareDatasets(gateRuns[i]!, gateRuns[j]!, { metric: "instructions" });
    for (const c of same.cells.filter((x) => x.strategy === "chain")) {
      aa++;
      if (c.verdict === "regressed") aaFailed++;
    }
    const slower = compareDatasets(gateRuns[i]!, padded(gateRuns[j]!), { metric: "instructions" });
    for (const c of slower.cells.filter((x) => x.strategy === "chain")) {
      injected++;
      if (c.verdict === "regressed") detected++;
      changes.push(c.change.value);
    }
  }
if (GATE_RUNS > 1) {
  console.log(`gate --metric instructions (threshold 0.5): A/A ${aaFailed} false failures of ${aa} cell pairs (${GATE_RUNS * (GATE_RUNS - 1)} run pairs)`);
  console.log(
    `chain+pad:1 as chain: detected ${detected} of ${injected}; its change ${Math.min(...changes).toFixed(3)}..${Math.max(...changes).toFixed(3)} instructions per dispatch`,
  );
}
