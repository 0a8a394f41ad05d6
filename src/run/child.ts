/**
 * A child process hosting one or more cells: each cell compiles its own
 * module (distinct bytes, so V8 shares no code or feedback between cells;
 * the tier's V8 flags come from the parent's execArgv), places its workload
 * stream in its own instance's linear memory, calibrates a batch to last >= targetSampleMs, warms up
 * until samples are stable (wasm has no on-stack replacement: only a new
 * call of `run` gets tiered-up code), then times one batch per request.
 * The loop runs inside wasm: one JS->wasm call per sample.
 */
import { createInterface } from "node:readline";
import { readTextOr } from "../io.js";
import { guardSelf } from "./launcher.js";
import { place, type Placed } from "./place.js";
import { WASM_MAX_PAGES } from "../model/cells.js";
import { decodeToChild, encodeFromChild, prepassReps, type ChildError, type FromChild, type InitMessage, type Ready, type SampleReply } from "./protocol.js";

const guard = guardSelf();

interface Loaded extends Placed {
  reps: number;
  /** Reps of the untimed pass before each timed call (protocol.ts prepassReps). */
  prepass: number;
}

/** A cell this process refuses to time: the message is the whole reason (no error name). */
class Refused extends Error {}

const loaded = new Map<string, Loaded>();

/** Peak resident set, MB: Node's and Bun's resourceUsage, else Linux's VmHWM (Deno has no resourceUsage). */
function maxRssMB(): number {
  try {
    return process.resourceUsage().maxRSS / 1024;
  } catch {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readTextOr("/proc/self/status") ?? "");
    return hwm ? Number(hwm[1]) / 1024 : 0;
  }
}

const send = (m: FromChild) => process.stdout.write(encodeFromChild(m));

const size = (bytes: number) => (bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${bytes / 1024} KiB`);

const CEILING = WASM_MAX_PAGES * 65536;

/**
 * Throws when the cell's memory grew since its stream was placed: the body
 * contract has bodies that never allocate, and each growth costs ~1 ms (it
 * would be timed as dispatch). The ceiling bounds what one batch can take.
 */
function checkMemory(l: Placed): void {
  const now = l.memory.buffer.byteLength;
  if (now !== l.bytes)
    throw new Refused(
      `its wasm memory grew from ${size(l.bytes)} to ${size(now)} while running (the ceiling is ${size(CEILING)}): a body must not allocate or grow memory`,
    );
}

/** Run `fn` on a placed cell; growth of its memory fails the cell, also when it ends in a trap (a refused memory.grow). */
function watched<T>(l: Placed, fn: () => T): T {
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: fn() };
  } catch (error) {
    outcome = { error };
  }
  checkMemory(l);
  if ("error" in outcome) throw outcome.error;
  return outcome.value;
}

function time(l: Placed, reps: number, count = l.count): { ns: number; result: bigint } {
  const t0 = process.hrtime.bigint();
  const result = l.run(l.base, count, reps);
  return { ns: Number(process.hrtime.bigint() - t0), result };
}

/** A probe call lasting this long gives a usable estimate. */
const PROBE_NS = 1e6;

/**
 * ns of one pass over the whole stream, estimated from growing prefixes (1,
 * 4, 16, ... numbers) until one call lasts PROBE_NS: a heavy body is never
 * run over the whole stream blind. An untimed call first compiles what a
 * first call compiles; the estimating call is the fastest of three, so a
 * preemption on a busy machine does not refuse a cell.
 */
function passNs(l: Placed): number {
  l.run(l.base, 1, 1);
  checkMemory(l);
  for (let count = 1; ; count = Math.min(l.count, count * 4)) {
    const ns = time(l, 1, count).ns;
    checkMemory(l); // before any long call: growth costs ~1 ms a page
    if (ns >= PROBE_NS || count === l.count) return (Math.min(ns, time(l, 1, count).ns, time(l, 1, count).ns) * l.count) / count;
  }
}

const seconds = (ns: number) => (ns >= 1e9 ? `${(ns / 1e9).toFixed(1)} s` : `${(ns / 1e6).toFixed(1)} ms`);

/** Refuse a cell whose one pass would outlast a sample's share of the budget: it could never get its samples. */
function refuseHeavy(l: Placed, maxSampleMs: number): void {
  const pass = passNs(l);
  if (pass <= maxSampleMs * 1e6) return;
  throw new Refused(
    `one pass over its ${l.count}-number stream takes about ${seconds(pass)} (${seconds(pass / l.count)} per dispatch); ` +
      `this time budget allows ${seconds(maxSampleMs * 1e6)} per sample: use lighter bodies or a larger --time-budget`,
  );
}

/** Double reps until a call lasts a quarter of the target, then scale to the target. */
function calibrate(l: Placed, targetNs: number): number {
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
  const l = place(msg.module, msg.stream);
  send({ type: "loaded" });
  return watched(l, () => {
    const targetNs = msg.targetSampleMs * 1e6;
    if (msg.reps === undefined) refuseHeavy(l, msg.maxSampleMs); // a later process times the batch its first accepted
    calibrate(l, targetNs); // first pass also triggers compilation / tier-up of `run`
    const reps = msg.reps ?? calibrate(l, targetNs);
    const cell = { ...l, reps, prepass: prepassReps(reps, msg.targetSampleMs) };
    const warm = warmUp(cell, msg.maxWarmupMs);
    const dispatches = reps * l.count;
    const checksum = time(cell, reps).result.toString();
    loaded.set(msg.cell, cell);
    return {
      type: "ready",
      reps,
      dispatches,
      warmupSamples: warm.samples,
      warmupMs: warm.ms,
      warmNsPerDispatch: warm.last / dispatches,
      checksum,
      execArgv: process.execArgv,
      maxRssMB: maxRssMB(),
      ...(guard ? { guard } : {}),
    };
  });
}

/** The untimed re-warm first (protocol.ts PREPASS_MS), then the timed call. */
function sample(cell: string, round: number): SampleReply {
  const l = loaded.get(cell);
  if (!l) throw new Error(`no cell ${cell} in this process`);
  const { ns, result } = watched(l, () => {
    l.run(l.base, l.count, l.prepass);
    return time(l, l.reps);
  });
  return { type: "sample", round, ns, checksum: result.toString(), maxRssMB: maxRssMB() };
}

const reason = (e: unknown) => (e instanceof Refused ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e));

// One request per line on stdin; the runner closing it (or dying) ends the child.
createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })
  .on("line", (line) => {
    const msg = decodeToChild(line);
    try {
      send(msg.type === "init" ? init(msg) : sample(msg.cell, msg.round));
    } catch (e) {
      const error: ChildError = { type: "error", phase: msg.type, message: reason(e) };
      send(error);
    }
  })
  .on("close", () => process.exit(0));
