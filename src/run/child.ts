/**
 * A child process hosting one or more cells: each cell compiles its own
 * module (distinct bytes, so V8 shares no code or feedback between cells;
 * the tier's V8 flags come from the parent's execArgv), places its workload
 * stream in its own instance's linear memory, calibrates a batch to last >= targetSampleMs, warms up
 * until samples are stable (wasm has no on-stack replacement: only a new
 * call of `run` gets tiered-up code), then times one batch per request.
 * The loop runs inside wasm: one JS->wasm call per sample.
 */
import type { ChildError, FromChild, InitMessage, Ready, SampleReply, ToChild } from "./protocol.js";

type RunFn = (base: number, count: number, reps: number) => bigint;

interface Loaded {
  run: RunFn;
  base: number;
  count: number;
  reps: number;
}

const loaded = new Map<string, Loaded>();

const maxRssMB = () => process.resourceUsage().maxRSS / 1024;

const send = (m: FromChild) => process.send!(m);

function load(msg: InitMessage): Omit<Loaded, "reps"> {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(msg.module as BufferSource), {});
  const memory = instance.exports["memory"] as WebAssembly.Memory;
  const base = (instance.exports["stream_base"] as WebAssembly.Global).value as number;
  const needed = base + msg.stream.length * 4;
  const missing = Math.ceil(needed / 65536) - memory.buffer.byteLength / 65536;
  if (missing > 0) memory.grow(missing);
  new Int32Array(memory.buffer, base, msg.stream.length).set(msg.stream);
  return { run: instance.exports["run"] as RunFn, base, count: msg.stream.length };
}

function time(l: Omit<Loaded, "reps">, reps: number): { ns: number; result: bigint } {
  const t0 = process.hrtime.bigint();
  const result = l.run(l.base, l.count, reps);
  return { ns: Number(process.hrtime.bigint() - t0), result };
}

/** Double reps until a call lasts a quarter of the target, then scale to the target. */
function calibrate(l: Omit<Loaded, "reps">, targetNs: number): number {
  let reps = 1;
  for (;;) {
    const { ns } = time(l, reps);
    if (ns >= targetNs / 4 || reps >= 1 << 24) return Math.max(1, Math.ceil((reps * targetNs) / Math.max(ns, 1)));
    reps *= 2;
  }
}

/**
 * Warm up until the last 3 samples lie within 2% of their median (tier-up
 * done, caches and predictors trained), or until maxWarmupMs.
 */
function warmUp(l: Loaded, maxMs: number): { samples: number; ms: number; last: number } {
  const start = performance.now();
  const recent: number[] = [];
  let samples = 0;
  for (;;) {
    recent.push(time(l, l.reps).ns);
    samples++;
    if (recent.length > 3) recent.shift();
    const sorted = [...recent].sort((a, b) => a - b);
    const med = sorted[1] ?? sorted[0]!;
    const stable = recent.length === 3 && sorted[2]! - sorted[0]! <= 0.02 * med;
    if (stable || performance.now() - start > maxMs) return { samples, ms: performance.now() - start, last: med };
  }
}

function init(msg: InitMessage): Ready {
  const l = load(msg);
  const targetNs = msg.targetSampleMs * 1e6;
  calibrate(l, targetNs); // first pass also triggers compilation / tier-up of `run`
  const reps = msg.reps ?? calibrate(l, targetNs);
  const cell = { ...l, reps };
  loaded.set(msg.cell, cell);
  const warm = warmUp(cell, msg.maxWarmupMs);
  const dispatches = reps * l.count;
  return {
    type: "ready",
    reps,
    dispatches,
    warmupSamples: warm.samples,
    warmupMs: warm.ms,
    warmNsPerDispatch: warm.last / dispatches,
    checksum: time(cell, reps).result.toString(),
    execArgv: process.execArgv,
    maxRssMB: maxRssMB(),
  };
}

/**
 * A short untimed pass first: other cells ran on this CPU (in other
 * processes, or in this one) since our last sample, so caches and branch
 * predictors hold their state, not ours.
 */
function sample(cell: string, round: number): SampleReply {
  const l = loaded.get(cell);
  if (!l) throw new Error(`no cell ${cell} in this process`);
  l.run(l.base, l.count, Math.max(1, Math.ceil(l.reps / 10)));
  const { ns, result } = time(l, l.reps);
  return { type: "sample", round, ns, checksum: result.toString(), maxRssMB: maxRssMB() };
}

process.on("message", (msg: ToChild) => {
  try {
    send(msg.type === "init" ? init(msg) : sample(msg.cell, msg.round));
  } catch (e) {
    const error: ChildError = { type: "error", phase: msg.type, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    send(error);
  }
});
