/**
 * Issue #6's gate quality, from repeated real runs of the same code and
 * config on this machine. Nothing here is a test: the figures go in notes.
 *
 * 1. A/A: run i against run i+1 (consecutive runs: independent processes,
 *    the same code) at the default threshold (5%): how often the gate
 *    says "regression" (target <= 5% of pairings), and how often it cannot
 *    decide (inconclusive).
 * 2. Detection: the same pairings with a slowdown s injected into a copy
 *    of the current run (every sample of one strategy's cells, not the
 *    control's, times 1 + s: the call got s slower, the machine did not):
 *    the share of injected cells found "regressed", per s; the smallest s
 *    detected in >= 95% of cells (target: 10% detected >= 95%).
 *
 *   node dist/bench/gate-quality.js [--runs N] [--budget S] [--cpu N]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareDatasets, type Comparison } from "../src/gate/compare.js";
import { decide } from "../src/gate/gate.js";
import { run } from "../src/lab/run.js";
import type { Dataset } from "../src/results/schema.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg("--runs", 21);
const BUDGET_S = arg("--budget", 20);
const cpu = process.argv.includes("--cpu") ? arg("--cpu", 1) : undefined;
const THRESHOLD = 0.05;
const SLOWDOWNS = [0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3];
const INJECTED = ["chain", "xen", "table"];
const dir = mkdtempSync(join(tmpdir(), "dispatch-lab-gate-quality-"));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

async function measure(i: number): Promise<Dataset> {
  const { dataset } = await run({ spec: "xen:pv64", strategies: "table,chain,xen,direct", workloads: "xen:pv-guest-build,uniform", timeBudgetS: BUDGET_S, out: join(dir, `run${i}`), ...(cpu !== undefined ? { cpu } : {}) });
  return dataset;
}

/** A copy of d with every sample of `strategy`'s cells times `factor`. */
function slowed(d: Dataset, strategy: string, factor: number): Dataset {
  const copy = structuredClone(d);
  for (const r of copy.runs) for (const c of r.cells) if (c.strategy === strategy) for (const s of c.samples) s.nsPerDispatch *= factor;
  return copy;
}

const started = Date.now();
const runs: Dataset[] = [];
for (let i = 0; i < RUNS; i++) {
  runs.push(await measure(i));
  process.stderr.write(`run ${i + 1}/${RUNS}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}
const pairs = runs.slice(1).map((current, i) => ({ base: runs[i]!, current }));

// 1. A/A
const aa: Comparison[] = pairs.map((p) => compareDatasets(p.base, p.current, { threshold: THRESHOLD }));
const outcomes = aa.map((c) => decide(c, []).outcome);
const count = (o: string) => outcomes.filter((x) => x === o).length;
const cells = aa.flatMap((c) => c.cells);
const detectable = cells.map((c) => c.detectable).sort((a, b) => a - b);
console.log(`A/A: ${pairs.length} pairings of ${RUNS} runs (${BUDGET_S} s each, xen:pv64, table/chain/xen/direct x xen:pv-guest-build/uniform), threshold ${pct(THRESHOLD)}`);
console.log(`  gate outcome: regression ${count("regression")}/${pairs.length} (${pct(count("regression") / pairs.length)}; target <= 5%), inconclusive ${count("inconclusive")}, pass ${count("pass")}`);
console.log(`  cells: ${cells.length}; regressed ${cells.filter((c) => c.verdict === "regressed").length}, improved ${cells.filter((c) => c.verdict === "improved").length}, inconclusive ${cells.filter((c) => c.verdict === "inconclusive").length}, unchanged ${cells.filter((c) => c.verdict === "unchanged").length}`);
console.log(`  noise floor (relative CI half-width) per cell: median ${pct(detectable[detectable.length >> 1]!)}, p90 ${pct(detectable[Math.floor(0.9 * detectable.length)]!)}`);

// 2. Detection
let smallest: number | undefined;
for (const s of SLOWDOWNS) {
  let found = 0;
  let total = 0;
  let gateFailed = 0;
  for (const p of pairs)
    for (const strategy of INJECTED) {
      const c = compareDatasets(p.base, slowed(p.current, strategy, 1 + s), { threshold: THRESHOLD });
      const injected = c.cells.filter((x) => x.strategy === strategy);
      found += injected.filter((x) => x.verdict === "regressed").length;
      total += injected.length;
      if (decide(c, []).outcome === "regression") gateFailed++;
    }
  const rate = found / total;
  if (smallest === undefined && rate >= 0.95) smallest = s;
  console.log(`slowdown ${pct(s)}: ${found}/${total} injected cells regressed (${pct(rate)}); gate failed ${gateFailed}/${pairs.length * INJECTED.length}`);
}
console.log(`smallest slowdown detected in >= 95% of cells: ${smallest === undefined ? `none up to ${pct(SLOWDOWNS.at(-1)!)}` : pct(smallest)}`);
console.log(`${((Date.now() - started) / 1000).toFixed(0)} s; runs in ${dir}`);
