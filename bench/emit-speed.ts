/**
 * Emit speed and memory (issue #2's targets), measured in fresh processes:
 *   synthetic:1024, every strategy: emit + validate + audit < 2 s, max RSS < 300 MB
 *   synthetic:4096, every strategy: completes with max RSS < 1 GB
 * Each run is a child process so RSS is that run's alone. "emit" is the
 * emit() call (link, validate, audit every module; the module cache off);
 * "load" is importing the lab (binaryen's 10 MB of JS/wasm), which a
 * process pays once.
 *
 * Then the module cache (issue #16's targets), as a user meets it:
 *   `dispatch-lab emit --spec synthetic:1024 --strategies all --out DIR` as a
 *   whole CLI process: < 1.5 s with an empty cache (cold), < 0.3 s from it;
 *   a second `run` of the same config starts measuring within 2 s: the time
 *   from its start to its first "started cells" progress line (its first
 *   cell process started) and to its first "measured rounds" line (the first
 *   round sampled), against the same run with --no-cache.
 *
 *   npm run bench            (builds first)
 *   node dist/bench/emit-speed.js [--runs N] [--cache-only] [--no-run-start] [--cpu N]
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { packageRoot } from "../src/paths.js";

interface Sample {
  spec: string;
  loadMs: number;
  emitMs: number;
  modules: number;
  maxRssMB: number;
}

const STRATEGIES = "table,chain,xen,switch,bsearch,hybrid,direct,xen-unguarded";

async function child(spec: string): Promise<void> {
  const t0 = performance.now();
  const { emit } = await import("../src/lab/emit.js");
  const t1 = performance.now();
  const result = await emit({ spec, strategies: STRATEGIES, cache: false });
  const t2 = performance.now();
  const sample: Sample = { spec, loadMs: t1 - t0, emitMs: t2 - t1, modules: result.modules.length, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

function measure(spec: string): Sample {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", spec], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bench child failed for ${spec}:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Sample;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const BIN = join(packageRoot, "dist", "src", "cli", "main.js");
const CLI_EMIT = ["emit", "--spec", "synthetic:1024", "--strategies", "all"];
const cpuArg = process.argv.indexOf("--cpu");
/** --cpu N: the CPU the runs measure on (default: the lab's, the last one). */
const RUN_CPU = cpuArg > 0 ? ["--cpu", process.argv[cpuArg + 1]!] : [];

/** One whole `dispatch-lab emit` process with `cache` as its module cache: its wall time, ms. */
function cliEmit(cache: string): number {
  const out = mkdtempSync(join(tmpdir(), "dispatch-lab-bench-emit-"));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...CLI_EMIT, "--out", out], { encoding: "utf8", env: { ...process.env, DISPATCH_LAB_MODULE_CACHE: cache } });
  const ms = performance.now() - t0;
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`dispatch-lab emit failed:\n${r.stderr}`);
  return ms;
}

const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(0)}..${Math.max(...xs).toFixed(0)}`;

/** The emit command cold (a new, empty cache each time) and cached (one cache, filled first). */
function cliTargets(runs: number): number {
  const caches: string[] = [];
  const cache = () => caches[caches.push(mkdtempSync(join(tmpdir(), "dispatch-lab-bench-cache-"))) - 1]!;
  try {
    const cold = Array.from({ length: runs }, () => cliEmit(cache()));
    const warm = cache();
    cliEmit(warm);
    const cached = Array.from({ length: runs }, () => cliEmit(warm));
    let failed = 0;
    for (const [what, ms, target] of [
      ["cold", cold, 1500],
      ["cached", cached, 300],
    ] as const) {
      const ok = median(ms) < target;
      if (!ok) failed++;
      console.log(
        `dispatch-lab ${CLI_EMIT.join(" ")} --out DIR, ${what.padEnd(6)}: median ${median(ms).toFixed(0)} ms (${spread(ms)}, ${runs} processes)  target < ${target} ms  ${ok ? "PASS" : "FAIL"}`,
      );
    }
    return failed;
  } finally {
    for (const c of caches) rmSync(c, { recursive: true, force: true });
  }
}

/** A `run` until its first round is sampled, then interrupted: ms from its start to its first cell process and to its first round. */
function runStart(cache: string, extra: string[]): Promise<{ cellMs: number; roundMs: number }> {
  const out = mkdtempSync(join(tmpdir(), "dispatch-lab-bench-run-"));
  const argv = [BIN, "run", "--spec", "xen:pv64", "--workloads", "uniform", "--out", out, ...RUN_CPU, ...extra];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // detached: its own process group, interrupted as a terminal's Ctrl-C would (the run stops cleanly).
    const child = spawn(process.execPath, argv, {
      env: { ...process.env, CI: "true", DISPATCH_LAB_MODULE_CACHE: cache },
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    let cellMs = Number.NaN;
    let roundMs = Number.NaN;
    let text = "";
    child.stderr!.on("data", (d: Buffer) => {
      text += d.toString();
      if (Number.isNaN(cellMs) && text.includes("[dispatch-lab] started cells")) cellMs = performance.now() - t0;
      if (Number.isNaN(roundMs) && text.includes("[dispatch-lab] measured rounds")) {
        roundMs = performance.now() - t0;
        process.kill(-child.pid!, "SIGINT");
      }
    });
    child.once("exit", (code) => {
      rmSync(out, { recursive: true, force: true });
      if (Number.isNaN(roundMs)) reject(new Error(`run ended (exit ${code}) before its first round:\n${text}`));
      else resolve({ cellMs, roundMs });
    });
  });
}

/** The second run of a config (its modules cached by the first) against the same run with --no-cache. */
async function runTargets(runs: number): Promise<number> {
  const cache = mkdtempSync(join(tmpdir(), "dispatch-lab-bench-cache-"));
  try {
    await runStart(cache, []); // the first run: emits and caches the modules
    const fresh = [];
    const cached = [];
    for (let i = 0; i < runs; i++) {
      fresh.push(await runStart(cache, ["--no-cache"]));
      cached.push(await runStart(cache, []));
    }
    const line = (what: string, xs: { cellMs: number; roundMs: number }[]) =>
      `run --spec xen:pv64 --workloads uniform (8 cells), ${what}: first cell process ${median(xs.map((x) => x.cellMs)).toFixed(0)} ms (${spread(xs.map((x) => x.cellMs))}), first round sampled ${median(xs.map((x) => x.roundMs)).toFixed(0)} ms (${spread(xs.map((x) => x.roundMs))}), medians of ${runs}`;
    console.log(line("--no-cache", fresh));
    const ok = median(cached.map((x) => x.cellMs)) < 2000;
    console.log(`${line("cached    ", cached)}  target: measuring within 2000 ms  ${ok ? "PASS" : "FAIL"}`);
    return ok ? 0 : 1;
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const runsArg = process.argv.indexOf("--runs");
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
  const targets = [
    { spec: "synthetic:1024", runs, emitMs: 2000, rssMB: 300 },
    { spec: "synthetic:4096", runs: Math.max(1, Math.ceil(runs / 2)), emitMs: Infinity, rssMB: 1024 },
  ];
  let failed = 0;
  console.log(`emit + validate + audit of ${STRATEGIES.split(",").length} strategies; node ${process.version}`);
  // --cache-only: the module cache's targets alone (issue #16), not emit()'s own (issue #2).
  for (const t of process.argv.includes("--cache-only") ? [] : targets) {
    const samples = Array.from({ length: t.runs }, () => measure(t.spec));
    const emit = median(samples.map((s) => s.emitMs));
    const load = median(samples.map((s) => s.loadMs));
    const rss = Math.max(...samples.map((s) => s.maxRssMB));
    const ok = emit < t.emitMs && rss < t.rssMB;
    if (!ok) failed++;
    const range = `${Math.min(...samples.map((s) => s.emitMs)).toFixed(0)}..${Math.max(...samples.map((s) => s.emitMs)).toFixed(0)}`;
    console.log(
      `${t.spec.padEnd(16)} emit median ${emit.toFixed(0)} ms (${range}, ${t.runs} runs)  load ${load.toFixed(0)} ms  max RSS ${rss.toFixed(0)} MB` +
        `  target: emit < ${t.emitMs === Infinity ? "-" : `${t.emitMs} ms`}, RSS < ${t.rssMB} MB  ${ok ? "PASS" : "FAIL"}`,
    );
  }
  failed += cliTargets(runs);
  if (!process.argv.includes("--no-run-start")) failed += await runTargets(Math.max(1, Math.ceil(runs / 2)));
  return failed ? 1 : 0;
}

if (process.argv[2] === "--child") await child(process.argv[3]!);
else process.exitCode = await main();
