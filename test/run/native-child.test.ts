import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instantiate } from "../../src/check/check.js";
import { emitStrategy } from "../../src/emit/emit.js";
import { compileNative } from "../../src/emit/native/compile.js";
import { lowerC } from "../../src/emit/native/lower-c.js";
import { strategies } from "../../src/emit/strategies/index.js";
import type { ChildCommand } from "../../src/model/engines.js";
import { CellFailure, CellProcess, type InitTimeouts } from "../../src/run/cell-process.js";
import { MARK, type InitMessage } from "../../src/run/protocol.js";
import type { Spec } from "../../src/spec/types.js";
import { validateSpec } from "../../src/spec/validate.js";
import { packageRoot } from "../../src/paths.js";
import { seededRng } from "../../src/stats/rng.js";
import { builtinLibrary, TINY, tinySpec } from "../helpers.js";
import { hasSetpriv, procStat, running, until } from "./processes.js";

/**
 * The native timing child (src/run/native-child.c), linked into every native
 * build and started as `binary child` by a CellProcess: it speaks the lab's
 * child protocol as the wasm child does, and its checksums are the wasm
 * module's `run(base, count, reps)` for the same stream. No timing asserts.
 * Children are pinned to CPU 0: they measure nothing here, and the last CPU
 * (the lab's default) is left to whatever measures on this machine.
 */
const HAS_CC = spawnSync("cc", ["--version"]).status === 0;
if (!HAS_CC) console.log("test/run/native-child: skipped: no C compiler `cc` on PATH (apt-get install gcc)");

const CPU = 0;
const STRATEGIES = ["table", "chain"];
const TIMEOUTS: InitTimeouts = { loadMs: 10_000, calibrateMs: 30_000 };

interface Build {
  binary: string;
  wasm: Uint8Array;
}

const command = (binary: string): ChildCommand => ({ binary, args: ["child"], env: {}, selfHosted: true });

async function build(spec: Spec, name: string, dir: string): Promise<Build> {
  const strategy = strategies[name]!;
  const lowered = lowerC(spec, strategy.plan(spec));
  if (!lowered.ok) throw new Error(lowered.reason);
  const out = await compileNative(lowered.units, { dir, name });
  if (!out.ok) throw new Error(out.note);
  return { binary: out.binary, wasm: emitStrategy(spec, strategy, { library: await builtinLibrary() }).bytes };
}

/** The wasm module's stream_base, and its run(base, count, reps) with `stream` placed at `base`. */
function wasm(bytes: Uint8Array): { base: number; run: (stream: Int32Array, base: number, reps: number) => bigint } {
  const exports = instantiate(bytes);
  const memory = exports["memory"] as WebAssembly.Memory;
  const run = exports["run"] as (b: number, c: number, r: number) => bigint;
  return {
    base: (exports["stream_base"] as WebAssembly.Global).value as number,
    run: (stream, base, reps) => {
      const need = base + stream.byteLength - memory.buffer.byteLength;
      if (need > 0) memory.grow(Math.ceil(need / 65536));
      new Int32Array(memory.buffer, base, stream.length).set(stream);
      return run(base, stream.length, reps);
    },
  };
}

/** Handler ids mostly, then out-of-range and negative numbers (the fallback's paths). */
function streamOf(spec: Spec, length: number, seed: number): Int32Array {
  const rng = seededRng(seed);
  const maxId = Math.max(...spec.handlers.map((h) => h.id));
  return Int32Array.from({ length }, () => {
    const r = rng.float();
    return r < 0.8 ? rng.pick(spec.handlers).id : r < 0.9 ? rng.int(0, maxId + 70) : rng.int(-(2 ** 31), 2 ** 31 - 1);
  });
}

const init = (cell: string, stream: Int32Array, base: number, over: Partial<InitMessage> = {}): InitMessage => ({
  type: "init",
  cell,
  module: new Uint8Array(0),
  stream,
  base,
  targetSampleMs: 1,
  maxWarmupMs: 20,
  maxSampleMs: 1000,
  ...over,
});

const failure = async (p: Promise<unknown>): Promise<CellFailure> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof CellFailure) return e;
    throw e;
  }
  throw new Error("expected a CellFailure");
};

/** A runner stand-in: starts the child under a guard, prints its pid, inits a cell whose warm-up never ends (2^50 reps). */
const PARENT = `
const { CellProcess } = await import(process.env.CELL_PROCESS);
const proc = new CellProcess({ binary: process.env.BINARY, args: ["child"], env: {}, selfHosted: true }, 0, undefined, process.env.GUARD);
process.stdout.write(proc.pid + "\\n");
const init = { type: "init", cell: "hang", module: new Uint8Array(0), stream: Int32Array.of(0, 2, 3), base: 1024, reps: 2 ** 50, targetSampleMs: 1, maxWarmupMs: 10, maxSampleMs: 100 };
await proc.init(init, { loadMs: 600000, calibrateMs: 600000 });
`;

describe.skipIf(!HAS_CC)("the native timing child", () => {
  const spec = tinySpec();
  const builds = new Map<string, Build>();
  const procs: CellProcess[] = [];
  const start = (binary: string) => {
    const p = new CellProcess(command(binary), CPU);
    procs.push(p);
    return p;
  };

  const heavy = validateSpec({ ...TINY, handlers: TINY.handlers.map((h) => ({ ...h, body: { kind: "alu", ops: 1_000_000 } })) });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "native-child-test-"));
    const heavyDir = join(dir, "heavy");
    mkdirSync(heavyDir);
    const built = await Promise.all([
      ...STRATEGIES.map((name) => build(spec, name, dir)),
      build(heavy, "table", mkdirSync(join(dir, "heavy"), { recursive: true })!),
    ]);
    STRATEGIES.forEach((name, i) => builds.set(name, built[i]!));
    builds.set("heavy", built[STRATEGIES.length]!);
  }, 60_000);
  afterAll(() => {
    for (const p of procs) p.kill();
  });

  for (const name of STRATEGIES)
    it(`${name}: ready with every field, samples whose checksum is the wasm run's for the same stream, base and reps`, async () => {
      const { binary, wasm: bytes } = builds.get(name)!;
      const module = wasm(bytes);
      const stream = streamOf(spec, 4096, 3);
      const proc = start(binary);
      const ready = await proc.init(init(`${name}|tiny`, stream, module.base), TIMEOUTS);
      expect(Object.keys(ready)).toEqual([
        "type",
        "reps",
        "dispatches",
        "warmupSamples",
        "warmupMs",
        "warmNsPerDispatch",
        "checksum",
        "execArgv",
        "maxRssMB",
        "guard",
      ]);
      expect(Number.isInteger(ready.reps) && ready.reps >= 1).toBe(true);
      expect(ready.dispatches).toBe(ready.reps * stream.length);
      expect(ready.warmupSamples).toBeGreaterThanOrEqual(1);
      expect(ready.warmupMs).toBeGreaterThanOrEqual(0);
      expect(ready.warmNsPerDispatch).toBeGreaterThan(0);
      expect(ready.checksum).toBe(module.run(stream, module.base, ready.reps).toString());
      expect(ready.execArgv).toEqual([]);
      expect(ready.maxRssMB).toBeGreaterThan(0);
      expect(ready.guard).toBe(proc.guard);
      for (const round of [0, 1, 2]) {
        const s = await proc.sample(`${name}|tiny`, round, 10_000);
        expect(s).toMatchObject({ type: "sample", round, checksum: ready.checksum });
        expect(Number.isInteger(s.ns) && s.ns > 0).toBe(true);
        expect(s.maxRssMB).toBeGreaterThan(0);
      }
    });

  it("hosts a second cell (its own stream and base, a name with quotes, backslashes and non-ASCII); an unknown cell is an error reply, not fatal", async () => {
    const { binary, wasm: bytes } = builds.get("chain")!;
    const module = wasm(bytes);
    const first = streamOf(spec, 1000, 5);
    const second = streamOf(spec, 3000, 6);
    const odd = 'chain|"quoted"\\path|é|\u2028';
    const proc = start(binary);
    const a = await proc.init(init("chain|first", first, module.base), TIMEOUTS);
    const b = await proc.init(init(odd, second, module.base + 4096), TIMEOUTS);
    expect(a.checksum).toBe(module.run(first, module.base, a.reps).toString());
    expect(b.checksum).toBe(module.run(second, module.base + 4096, b.reps).toString());
    expect(a.checksum).not.toBe(b.checksum);
    expect((await proc.sample(odd, 1, 10_000)).checksum).toBe(b.checksum);
    expect((await proc.sample("chain|first", 1, 10_000)).checksum).toBe(a.checksum);

    const unknown = await failure(proc.sample('no "such" cell', 2, 10_000));
    expect(unknown.fatal).toBe(false);
    expect(unknown.reason).toBe('sample failed: Error: no cell no "such" cell in this process');
    expect((await proc.sample(odd, 2, 10_000)).checksum).toBe(b.checksum);
  });

  it("reps given: no calibration, the same reps back, and the wasm checksum for them", async () => {
    const { binary, wasm: bytes } = builds.get("table")!;
    const module = wasm(bytes);
    const stream = streamOf(spec, 2048, 7);
    const proc = start(binary);
    const ready = await proc.init(init("table|given", stream, module.base, { reps: 7 }), TIMEOUTS);
    expect(ready.reps).toBe(7);
    expect(ready.dispatches).toBe(7 * stream.length);
    expect(ready.checksum).toBe(module.run(stream, module.base, 7).toString());
    expect((await proc.sample("table|given", 0, 10_000)).checksum).toBe(ready.checksum);
  });

  it("a heavy cell (alu:1000000) is refused at once, in the wasm child's words; the process lives on", async () => {
    const { binary } = builds.get("heavy")!;
    const proc = start(binary);
    const stream = new Int32Array(1000);
    const refused = await failure(proc.init(init("heavy", stream, 1024, { maxSampleMs: 100 }), TIMEOUTS));
    expect(refused.fatal).toBe(false);
    expect(refused.reason).toMatch(
      /^init failed: one pass over its 1000-number stream takes about [\d.]+ m?s \([\d.]+ m?s per dispatch\); this time budget allows 100\.0 ms per sample: use lighter bodies or a larger --time-budget$/,
    );
    // reps given: a later process times the batch its first accepted, unrefused.
    const ready = await proc.init(init("light", Int32Array.of(0, 1), 1024, { reps: 1 }), TIMEOUTS);
    expect(ready.reps).toBe(1);
  });

  it("a malformed line and an unknown cell are error replies; stdin closing ends it with status 0", () => {
    const { binary } = builds.get("table")!;
    const input = ['{"type":"sample","cell":"x","round":1}', "not json", '{"type":"init","cell":"y"}', ""].join("\n");
    const out = spawnSync(binary, ["child"], { input, encoding: "utf8", env: {} });
    expect(out.status).toBe(0);
    const lines = out.stdout.split("\n").filter((l) => l !== "");
    expect(lines.every((l) => l.startsWith(MARK))).toBe(true);
    const replies = lines.map((l) => JSON.parse(l.slice(MARK.length)) as { type: string; phase: string; message: string });
    expect(replies.map((r) => [r.type, r.phase])).toEqual([
      ["error", "sample"],
      ["error", "init"],
      ["error", "init"],
    ]);
    expect(replies[0]!.message).toBe("Error: no cell x in this process");
    expect(replies[1]!.message).toMatch(/^Error: malformed request/);
    expect(replies[2]!.message).toMatch(/^Error: malformed request: no "targetSampleMs"$/);
  });

  it("exits at once when its parent is not the runner its guard names", () => {
    const { binary } = builds.get("table")!;
    const out = spawnSync(binary, ["child"], { input: "", env: { DISPATCH_LAB_GUARD: "watchdog:1" } });
    expect(out.status).toBe(1);
  });

  it.skipIf(process.platform !== "linux").each([
    ["pdeathsig", !hasSetpriv],
    ["watchdog", false],
  ] as const)("guard %s: a SIGKILL of the parent during a batch that never returns ends the child", async (guard, skip) => {
    if (skip) return;
    const { binary } = builds.get("table")!;
    const env = {
      ...process.env,
      CELL_PROCESS: pathToFileURL(join(packageRoot, "dist", "src", "run", "cell-process.js")).href,
      BINARY: binary,
      GUARD: guard,
    };
    const parent = spawn(process.execPath, ["--input-type=module", "-e", PARENT], { stdio: ["ignore", "pipe", "inherit"], env });
    const pid = await new Promise<number>((resolve) => parent.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))));
    try {
      // A fifth of a second of CPU: the child is inside the endless warm-up, deaf to its stdin.
      expect(await until(() => (procStat(pid)?.ticks ?? 0) >= 20, 30_000)).toBe(true);
      parent.kill("SIGKILL");
      expect(await until(() => !running(pid), 3000)).toBe(true);
    } finally {
      parent.kill("SIGKILL");
      if (running(pid)) process.kill(pid, "SIGKILL");
    }
  });
});
