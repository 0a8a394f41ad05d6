/**
 * Measurement quality of `dispatch-lab run` (issue #3's figures), from real
 * runs on this machine. Nothing here is a test: the figures go in notes.
 *
 * 1. Repeatability: the default run twice; per cell, the two ratios to
 *    table and their difference (target within +/-3%).
 * 2. Overhead and precision from those runs: the control kernel's ns per
 *    dispatch and its share of gross; CI half-width x sqrt(seconds per
 *    cell) of net (target <= 0.2 ns*sqrt(s)); peak RSS of the parent and of
 *    the largest child (target < 300 MB each).
 * 3. Resolution: chain+pad:K (K dependent adds on the op before each
 *    dispatch) against chain; the smallest K whose net CI does not overlap
 *    chain's.
 * 4. Null test: chain+nullpad:K (the same adds on the result, off the
 *    critical path) and chain+pad:0 (an identical twin, other bytes)
 *    against chain, over repeated runs: how often they are separated
 *    (target 0).
 * 5. Spread vs interval: over the null runs, the run-to-run spread of
 *    chain's net against its mean CI width (target: spread <= ~2x interval).
 *
 *   node dist/bench/run-quality.js [--quick] [--cpu N]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, type RunRequest } from "../src/lab/run.js";
import type { CellSummary, RunRecord } from "../src/model/results.js";
import { ciOverlap } from "../src/stats/medians.js";

const quick = process.argv.includes("--quick");
const cpuArg = process.argv.indexOf("--cpu");
const cpu = cpuArg > 0 ? Number(process.argv[cpuArg + 1]) : undefined;
const dir = mkdtempSync(join(tmpdir(), "dispatch-lab-quality-"));
let runs = 0;

async function measure(req: Omit<RunRequest, "out">): Promise<RunRecord> {
  const out = join(dir, `run${++runs}`);
  const { results } = await run({ ...req, out, ...(cpu !== undefined ? { cpu } : {}) });
  return results;
}

const find = (r: RunRecord, strategy: string, workload: string): CellSummary => r.summaries.find((s) => s.strategy === strategy && s.workload === workload)!;
const f = (x: number, d = 2) => x.toFixed(d);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const half = (ci: { ciLow: number; ciHigh: number }) => (ci.ciHigh - ci.ciLow) / 2;

function repeatability(a: RunRecord, b: RunRecord): void {
  console.log("\n## 1. Repeatability: ratio to table, default run twice");
  let worst = 0;
  for (const s of a.summaries.filter((x) => x.ratio && x.strategy !== "table")) {
    const other = find(b, s.strategy, s.workload);
    const d = other.ratio!.ratio / s.ratio!.ratio - 1;
    worst = Math.max(worst, Math.abs(d));
    console.log(`${s.workload.padEnd(20)} ${s.strategy.padEnd(8)} ${f(s.ratio!.ratio, 3)}  ${f(other.ratio!.ratio, 3)}  diff ${d >= 0 ? "+" : ""}${pct(d)}`);
  }
  console.log(`worst |difference|: ${pct(worst)} (target <= 3%)`);
}

function overheadAndPrecision(results: RunRecord[]): void {
  console.log("\n## 2. Overhead, precision, memory (default runs)");
  for (const r of results) {
    const controls = r.summaries.filter((s) => s.strategy === "direct" && s.gross);
    const shares = r.summaries.filter((s) => s.net && s.gross).map((s) => find(r, "direct", s.workload).gross!.median / s.gross!.median);
    const precision = r.summaries.flatMap((s) => (s.net && s.precisionNsSqrtS !== null ? [s.precisionNsSqrtS] : [])).sort((x, y) => x - y);
    const childRss = Math.max(...r.cells.map((c) => c.maxRssMB ?? 0));
    const samples = r.summaries.map((s) => s.gross?.n ?? 0);
    console.log(
      `control ${controls.map((c) => f(c.gross!.median)).join("/")} ns/dispatch; its share of gross ${pct(Math.min(...shares))}..${pct(Math.max(...shares))}; ` +
        `precision median ${f(precision[precision.length >> 1]!, 3)} (range ${f(precision[0]!, 3)}..${f(precision.at(-1)!, 3)}) ns*sqrt(s); ` +
        `samples/cell ${Math.min(...samples)}..${Math.max(...samples)}; child peak RSS ${f(childRss, 0)} MB`,
    );
  }
  console.log(`parent peak RSS ${f(process.resourceUsage().maxRSS / 1024, 0)} MB (targets: precision <= 0.2, RSS < 300 MB each)`);
}

async function resolution(): Promise<number | undefined> {
  console.log("\n## 3. Resolution: chain+pad:K vs chain (xen:pv-guest-build)");
  const ks = [1, 2, 4, 8, 16, 32];
  const r = await measure({
    strategies: ["table", "chain", "direct", ...ks.map((k) => `chain+pad:${k}`)].join(","),
    workloads: "xen:pv-guest-build",
    timeBudgetS: quick ? 30 : 60,
  });
  const base = find(r, "chain", "xen:pv-guest-build").net!;
  let smallest: number | undefined;
  for (const k of ks) {
    const p = find(r, `chain+pad:${k}`, "xen:pv-guest-build").net!;
    const separated = !ciOverlap([base.ciLow, base.ciHigh], [p.ciLow, p.ciHigh]);
    if (separated && smallest === undefined) smallest = k;
    console.log(
      `K=${String(k).padEnd(3)} net ${f(p.diff, 3)} [${f(p.ciLow, 3)}, ${f(p.ciHigh, 3)}] vs chain ${f(base.diff, 3)} [${f(base.ciLow, 3)}, ${f(base.ciHigh, 3)}]  +${f(p.diff - base.diff, 3)} ns  ${separated ? "SEPARATED" : "overlaps"}`,
    );
  }
  console.log(`smallest K separated: ${smallest ?? "none"}`);
  return smallest;
}

async function nullTest(k: number): Promise<void> {
  const reps = quick ? 3 : 8;
  console.log(`\n## 4. Null test: chain+nullpad:${k} and chain+pad:0 (twin) vs chain, ${reps} runs`);
  let nullSep = 0;
  let twinSep = 0;
  const nets: number[] = [];
  const widths: number[] = [];
  for (let i = 0; i < reps; i++) {
    const r = await measure({
      strategies: `table,chain,direct,chain+nullpad:${k},chain+pad:0`,
      workloads: "xen:pv-guest-build",
      timeBudgetS: quick ? 15 : 25,
      seed: i + 1,
    });
    const base = find(r, "chain", "xen:pv-guest-build").net!;
    const nul = find(r, `chain+nullpad:${k}`, "xen:pv-guest-build").net!;
    const twin = find(r, "chain+pad:0", "xen:pv-guest-build").net!;
    const sepN = !ciOverlap([base.ciLow, base.ciHigh], [nul.ciLow, nul.ciHigh]);
    const sepT = !ciOverlap([base.ciLow, base.ciHigh], [twin.ciLow, twin.ciHigh]);
    nullSep += sepN ? 1 : 0;
    twinSep += sepT ? 1 : 0;
    nets.push(base.diff);
    widths.push(half(base));
    console.log(
      `run ${i + 1}: chain ${f(base.diff, 3)} ±${f(half(base), 3)}  nullpad ${f(nul.diff, 3)} ±${f(half(nul), 3)} ${sepN ? "SEPARATED" : "ok"}  twin ${f(twin.diff, 3)} ±${f(half(twin), 3)} ${sepT ? "SEPARATED" : "ok"}`,
    );
  }
  console.log(`false separations: nullpad ${nullSep}/${reps}, twin ${twinSep}/${reps} (target 0)`);
  const mean = nets.reduce((a, b) => a + b, 0) / nets.length;
  const sd = Math.sqrt(nets.reduce((a, b) => a + (b - mean) ** 2, 0) / (nets.length - 1));
  const w = widths.reduce((a, b) => a + b, 0) / widths.length;
  console.log(
    `\n## 5. Spread vs interval: chain net across runs sd ${f(sd, 3)} ns (95% spread ±${f(1.96 * sd, 3)}) vs mean CI half-width ±${f(w, 3)}: ratio ${f((1.96 * sd) / w, 2)} (target <= ~2)`,
  );
}

console.log(`dispatch-lab run quality; results under ${dir}${quick ? " (quick)" : ""}`);
const a = await measure(quick ? { timeBudgetS: 40 } : {});
const b = await measure(quick ? { timeBudgetS: 40 } : {});
repeatability(a, b);
overheadAndPrecision([a, b]);
const k = await resolution();
await nullTest(k ?? 8);
