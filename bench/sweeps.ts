/**
 * Issue #5's figures: every sweep on its defaults, each in a fresh CLI
 * process as a user runs it, against the 3-minute target; then what each
 * found (the position slopes of chain and xen on xen:pv64, the crossover N
 * of chain vs table under uniform, ...). Nothing here is a test.
 *
 *   node dist/bench/sweeps.js [--cpu N] [--kinds position,scale]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Dataset } from "../src/model/results.js";
import type { SweepKind } from "../src/model/sweep.js";

const BIN = join(import.meta.dirname, "..", "src", "cli", "main.js");
const TARGET_S = 180;
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const kinds = (arg("--kinds") ?? "position,scale,crossover,body").split(",") as SweepKind[];
const cpu = arg("--cpu");
const dir = mkdtempSync(join(tmpdir(), "dispatch-lab-sweeps-"));
// GNU time gives the peak RSS of the CLI process (the parent: children are listed per cell in results.json).
const TIME = "/usr/bin/time";

function sweep(kind: SweepKind): { seconds: number; parentMB: number | undefined; dataset: Dataset } {
  const out = join(dir, kind);
  const args = [BIN, "sweep", kind, "--out", out, ...(cpu ? ["--cpu", cpu] : [])];
  const timed = existsSync(TIME);
  const started = Date.now();
  const r = timed
    ? spawnSync(TIME, ["-f", "maxrss_kb=%M", process.execPath, ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } })
    : spawnSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, CI: "true" } });
  const seconds = (Date.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`sweep ${kind} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const rss = /maxrss_kb=(\d+)/.exec(r.stderr)?.[1];
  return { seconds, parentMB: rss ? Number(rss) / 1024 : undefined, dataset: JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Dataset };
}

for (const kind of kinds) {
  const { seconds, parentMB, dataset } = sweep(kind);
  const cells = dataset.runs.flatMap((r) => r.cells);
  const childMB = Math.max(...cells.map((c) => c.maxRssMB ?? 0));
  const samples = cells.map((c) => c.samples.length).sort((a, b) => a - b);
  console.log(`\n## sweep ${kind}: ${seconds.toFixed(0)} s (target < ${TARGET_S} s) ${seconds < TARGET_S ? "MET" : "MISSED"}`);
  console.log(`runs ${dataset.runs.length}, cells ${cells.length}, samples per cell ${samples[0]}..${samples.at(-1)}, complete ${dataset.complete}`);
  console.log(`peak RSS: CLI process ${parentMB?.toFixed(0) ?? "?"} MB (the emit child included), largest measuring child ${childMB.toFixed(0)} MB`);
  for (const s of dataset.sweep?.analysis?.sentences ?? []) console.log(`- ${s}`);
}
console.log(`\nresults in ${dir}`);
