/**
 * Precision per second (issue #16's figures), from real default runs on this
 * machine. Nothing here is a test: the figures go in notes, with the machine
 * and the load.
 *
 * 1. Time: each run's wall time and the share of it in timed samples
 *    (sessions[].sampledS; target >= 70%).
 * 2. Precision: per run, the median over cells of net CI half-width x
 *    sqrt(the cell's timed seconds) (the summary's precisionNsSqrtS), and of
 *    half-width x sqrt(wall seconds / cells): the precision a wall second of
 *    the run buys each cell (target <= 0.3 ns*sqrt(s) on a quiet machine).
 * 3. Honest intervals: over the RUNS runs, per cell, the run-to-run spread
 *    (1.96 x SD) of net ns and of the ratio to table against the runs' mean
 *    95% half-width (target: at most 1.5x).
 *
 *   node dist/bench/precision.js [--runs N] [--budget S] [--engines L] [--target-ms MS]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../src/lab/run.js";
import { fingerprintSummary } from "../src/model/fingerprint.js";
import { sampledShare, type RunRecord } from "../src/model/results.js";

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg("--runs") ?? 5);
const budget = arg("--budget");
const engines = arg("--engines");
const targetMs = arg("--target-ms");
const dir = mkdtempSync(join(tmpdir(), "dispatch-lab-precision-"));

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const sd = (xs: readonly number[]): number => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};
const f = (x: number, d = 2) => x.toFixed(d);

const runs: RunRecord[] = [];
for (let i = 0; i < RUNS; i++) {
  const started = Date.now();
  const { results } = await run({
    out: join(dir, `run${i + 1}`),
    seed: i + 1,
    ...(budget ? { timeBudgetS: Number(budget) } : {}),
    ...(engines ? { engines } : {}),
    ...(targetMs ? { targetSampleMs: Number(targetMs) } : {}),
  });
  const wallS = (Date.now() - started) / 1000;
  runs.push(results);
  if (i === 0) console.log(`machine: ${fingerprintSummary(results.fingerprint)}`);
  const session = results.sessions.at(-1)!;
  const share = sampledShare(session);
  const nets = results.summaries.filter((s) => s.net && s.strategy !== results.config.control);
  const cellS = nets.flatMap((s) => (s.precisionNsSqrtS === null ? [] : [s.precisionNsSqrtS]));
  const perWall = nets.map((s) => ((s.net!.ciHigh - s.net!.ciLow) / 2) * Math.sqrt(wallS / results.cells.length));
  const load = session.load?.before.loadavg?.[0];
  console.log(
    `run ${i + 1}: ${results.cells.length} cells, ${f(wallS, 1)} s wall, timed samples ${share ? `${f(share.sampledS, 1)} s (${f(100 * share.share, 0)}% of the session's ${f(share.wallS, 1)} s)` : "-"}; ` +
      `precision median ${f(median(cellS), 3)} ns*sqrt(cell s), ${f(median(perWall), 3)} ns*sqrt(wall s per cell); load before ${load ?? "?"}${session.load?.busy ? " (busy)" : ""}`,
  );
}

if (runs.length > 1) {
  const first = runs[0]!;
  const spread: { net: number; ratio: number | null; id: string }[] = [];
  for (const s of first.summaries) {
    if (!s.net || s.strategy === first.config.control) continue;
    const all = runs.map((r) => r.summaries.find((x) => x.id === s.id)).filter((x) => x?.net);
    if (all.length !== runs.length) continue;
    const netHalf = median(all.map((x) => (x!.net!.ciHigh - x!.net!.ciLow) / 2));
    const net = (1.96 * sd(all.map((x) => x!.net!.diff))) / netHalf;
    const ratios = all.filter((x) => x!.ratio);
    const ratio =
      s.strategy !== first.config.reference && ratios.length === runs.length
        ? (1.96 * sd(ratios.map((x) => x!.ratio!.ratio))) / median(ratios.map((x) => (x!.ratio!.ciHigh - x!.ratio!.ciLow) / 2))
        : null;
    spread.push({ net, ratio, id: s.id });
  }
  const nets = spread.map((x) => x.net);
  const ratios = spread.flatMap((x) => (x.ratio === null ? [] : [x.ratio]));
  console.log(
    `spread / interval over ${runs.length} runs (1.96 x SD across runs over the median 95% half-width; target <= 1.5): ` +
      `net median ${f(median(nets))} (max ${f(Math.max(...nets))}, ${nets.filter((x) => x > 1.5).length} of ${nets.length} cells above 1.5); ` +
      `ratio median ${f(median(ratios))} (max ${f(Math.max(...ratios))}, ${ratios.filter((x) => x > 1.5).length} of ${ratios.length} above 1.5)`,
  );
}
console.log(`results under ${dir}`);
