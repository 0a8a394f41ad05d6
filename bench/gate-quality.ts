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
 * Each for the default basis (net ns) and `--basis reference`, with and
 * without --confirm (simulated: suspects compared again against another
 * independent run of the same code).
 *
 *   node dist/bench/gate-quality.js [--runs N] [--budget S] [--cpu N] [--from DIR]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareDatasets, type CellChange, type CompareOptions, type Comparison } from "../src/gate/compare.js";
import { decide } from "../src/gate/decide.js";
import { run } from "../src/lab/run.js";
import { readResults } from "../src/results/read.js";
import type { Dataset } from "../src/model/results.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg("--runs", 21);
const BUDGET_S = arg("--budget", 20);
const cpu = process.argv.includes("--cpu") ? arg("--cpu", 1) : undefined;
const from = process.argv.includes("--from") ? process.argv[process.argv.indexOf("--from") + 1] : undefined;
const THRESHOLD = 0.05;
const SLOWDOWNS = [0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3];
/** The strategies slowed in turn; on the reference basis the reference (table) is the yardstick and is not gated. */
const injectedFor = (v: { basis: string }) => (v.basis === "reference" ? ["chain", "xen"] : ["chain", "xen", "table"]);
const dir = from ?? mkdtempSync(join(tmpdir(), "dispatch-lab-gate-quality-"));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

async function measure(i: number): Promise<Dataset> {
  const out = join(dir, `run${i}`);
  if (from) return readResults(join(out, "results.json"));
  const { dataset } = await run({
    spec: "xen:pv64",
    strategies: "table,chain,xen,direct",
    workloads: "xen:pv-guest-build,uniform",
    timeBudgetS: BUDGET_S,
    out,
    ...(cpu !== undefined ? { cpu } : {}),
  });
  return dataset;
}

/** A copy of d with every sample of `strategy`'s cells times `factor`. */
function slowed(d: Dataset, strategy: string, factor: number): Dataset {
  const copy = structuredClone(d);
  for (const r of copy.runs) for (const c of r.cells) if (c.strategy === strategy) for (const s of c.samples) s.nsPerDispatch *= factor;
  return copy;
}

interface Variant {
  name: string;
  basis: CompareOptions["basis"];
  confirm: boolean;
}

const VARIANTS: Variant[] = [
  { name: "net ns (default)", basis: "control", confirm: false },
  { name: "net ns, --confirm", basis: "control", confirm: true },
  { name: "--basis reference", basis: "reference", confirm: false },
  { name: "--basis reference, --confirm", basis: "reference", confirm: true },
];

/**
 * The gate's comparison of pairing k; with confirm, the suspects (regressed
 * or inconclusive) are compared again against a third, independent run of
 * the same code (the next one, wrapping around), as `gate --confirm` does
 * with a fresh run; `inject` applies to every current-side run.
 */
function gated(runs: Dataset[], k: number, v: Variant, inject: (d: Dataset) => Dataset = (d) => d): Comparison {
  const o = { threshold: THRESHOLD, basis: v.basis };
  const first = compareDatasets(runs[k]!, inject(runs[k + 1]!), o);
  if (!v.confirm) return first;
  const again = compareDatasets(runs[k]!, inject(runs[(k + 2) % runs.length]!), o);
  const key = (c: CellChange) => `${c.strategy} ${c.workload} ${c.tier}`;
  const redo = new Map(again.cells.map((c) => [key(c), c]));
  return { ...first, cells: first.cells.map((c) => (c.verdict === "regressed" || c.verdict === "inconclusive" ? (redo.get(key(c)) ?? c) : c)) };
}

const started = Date.now();
const runs: Dataset[] = [];
for (let i = 0; i < RUNS; i++) {
  runs.push(await measure(i));
  if (!from) process.stderr.write(`run ${i + 1}/${RUNS}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}
const pairings = RUNS - 1;
console.log(
  `${pairings} pairings of ${RUNS} consecutive runs (${BUDGET_S} s each, xen:pv64, table/chain/xen/direct x xen:pv-guest-build/uniform: 6 cells, 4 on the reference basis), threshold ${pct(THRESHOLD)}`,
);

for (const v of VARIANTS) {
  // 1. A/A
  const aa = Array.from({ length: pairings }, (_, k) => gated(runs, k, v));
  const outcomes = aa.map((c) => decide(c, []).outcome);
  const count = (o: string) => outcomes.filter((x) => x === o).length;
  const cells = aa.flatMap((c) => c.cells);
  const noise = cells.map((c) => c.detectable).sort((a, b) => a - b);
  console.log(`\n## ${v.name}`);
  console.log(
    `A/A: gate said regression in ${count("regression")}/${pairings} pairings (${pct(count("regression") / pairings)}; target <= 5%), inconclusive ${count("inconclusive")}, pass ${count("pass")}`,
  );
  console.log(
    `  cells: ${cells.length}; regressed ${cells.filter((c) => c.verdict === "regressed").length}, improved ${cells.filter((c) => c.verdict === "improved").length}, inconclusive ${cells.filter((c) => c.verdict === "inconclusive").length}, unchanged ${cells.filter((c) => c.verdict === "unchanged").length}; noise (relative CI half-width) median ${pct(noise[noise.length >> 1]!)}, p90 ${pct(noise[Math.floor(0.9 * noise.length)]!)}`,
  );
  // 2. Detection
  let smallest: number | undefined;
  for (const s of SLOWDOWNS) {
    let found = 0;
    let total = 0;
    for (let k = 0; k < pairings; k++)
      for (const strategy of injectedFor(v)) {
        const injected = gated(runs, k, v, (d) => slowed(d, strategy, 1 + s)).cells.filter((x) => x.strategy === strategy);
        found += injected.filter((x) => x.verdict === "regressed").length;
        total += injected.length;
      }
    if (smallest === undefined && found / total >= 0.95) smallest = s;
    console.log(`  slowdown ${pct(s)}: ${found}/${total} injected cells found regressed (${pct(found / total)})`);
  }
  console.log(`  smallest slowdown detected in >= 95% of cells: ${smallest === undefined ? `none up to ${pct(SLOWDOWNS.at(-1)!)}` : pct(smallest)}`);
}
console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s; runs in ${dir} (rerun the analysis alone: --from ${dir})`);
