/**
 * Emit speed and memory (issue #2's targets), measured in fresh processes:
 *   synthetic:1024, every strategy: emit + validate + audit < 2 s, max RSS < 300 MB
 *   synthetic:4096, every strategy: completes with max RSS < 1 GB
 * Each run is a child process so RSS is that run's alone. "emit" is the
 * emit() call (link, validate, audit every module); "load" is importing the
 * lab (binaryen's 10 MB of JS/wasm), which a process pays once.
 *
 *   npm run bench            (builds first)
 *   node dist/bench/emit-speed.js [--runs N]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

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
  const result = await emit({ spec, strategies: STRATEGIES });
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

function main(): number {
  const runsArg = process.argv.indexOf("--runs");
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
  const targets = [
    { spec: "synthetic:1024", runs, emitMs: 2000, rssMB: 300 },
    { spec: "synthetic:4096", runs: Math.max(1, Math.ceil(runs / 2)), emitMs: Infinity, rssMB: 1024 },
  ];
  let failed = 0;
  console.log(`emit + validate + audit of ${STRATEGIES.split(",").length} strategies; node ${process.version}`);
  for (const t of targets) {
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
  return failed ? 1 : 0;
}

if (process.argv[2] === "--child") await child(process.argv[3]!);
else process.exitCode = main();
