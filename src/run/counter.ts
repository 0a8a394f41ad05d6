/**
 * Deterministic counts (model/counts.ts): every cell's instructions,
 * branches and simulated mispredicts per dispatch, from processes run under
 * valgrind's callgrind as counts-plan.ts plans them (the cells of one
 * command shared among as many processes as run at once; each call over a
 * stream in a dump of its own, and one pass the difference of two). A wasm
 * engine runs count-child.ts with V8's --predictable flags (no concurrent
 * compilation or GC, fixed seeds), and only its generated code is counted
 * (its other threads make the rest vary: callgrind.ts CountScope); a native
 * build runs its own `counts` mode (native-child.c), counted whole. Counts
 * need no pinning and no quiet machine: the processes run in parallel, on
 * every CPU by default.
 *
 * Valgrind missing is a usage error (nothing is counted); one process's
 * trouble (an exit code, a signal, a timeout, an unreadable dump, too many
 * or too few dumps, checksums that disagree) fails the cells that need it,
 * with the reason.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { LabError } from "../errors.js";
import type { CellCounts } from "../model/counts.js";
import type { ChildCommand } from "../model/engines.js";
import { packageRoot } from "../paths.js";
import { CALLGRIND_ARGS, CALLGRIND_FLAGS, dumpFiles, parseCallgrindDump, valgrindVersion, type CountScope } from "./callgrind.js";
import { cellOutcomes, planCounts, type CountProcess, type ProcessResult } from "./counts-plan.js";
import { defaultGuard, launch } from "./launcher.js";
import type { CellInput } from "./runner.js";

/** The compiled count child (count-child.ts); tests and the CLI both run it from dist/. */
export const COUNT_CHILD_ENTRY = join(packageRoot, "dist", "src", "run", "count-child.js");

/** V8 flags of every counted wasm process: no concurrent compilation or GC, fixed seeds (the same work every run). */
export const V8_COUNT_FLAGS: readonly string[] = ["--predictable", "--random-seed=1", "--hash-seed=1"];

/**
 * A cell to count: what the runner gets for it (cells of one group share the
 * first one's command). A wasm engine's command is its child command (the
 * count child becomes its entry, V8_COUNT_FLAGS are added); a native cell's
 * is its build's (selfHosted: `binary counts ...`), with `base`.
 */
export type CountInput = Pick<CellInput, "id" | "group" | "module" | "stream" | "command" | "base">;

export interface CountOptions {
  /** Processes at once (default: every CPU of the machine, whatever this process's affinity). */
  parallel?: number;
  /** How long one process may run before it is killed and its cells fail (default: defaultCountTimeoutMs of its cells). */
  timeoutMs?: number;
  /** The valgrind to run (default `valgrind` on PATH). */
  valgrind?: string;
  /** The count child a wasm engine runs (default COUNT_CHILD_ENTRY). */
  entry?: string;
  /** After each process: how many are done, of how many. */
  onProcessDone?(done: number, total: number): void;
}

export type CountOutcome = { counts: CellCounts } | { error: string };

/** One process's time limit: engine start-up under valgrind (7-15 s) with room, and each cell's placement and four passes (about 0.5 s for 64 Ki dispatches). */
export const defaultCountTimeoutMs = (cells: number): number => 120_000 + 10_000 * cells;

/** The lines of stderr a failure's reason quotes. */
const REASON_LINES = 3;

/**
 * What of a process a count takes (callgrind.ts CountScope): a wasm
 * engine's generated code alone (its threads make the rest vary from one
 * process to the next), a native build's whole process (one thread: the
 * same to the instruction every time).
 */
export const countScope = (command: ChildCommand): CountScope => (command.selfHosted ? "all" : "jit");

/** The engine's own arguments in a counted process (before its entry and job), as CellCounts.flags records them after valgrind's. */
export const engineCountArgs = (command: ChildCommand): string[] => (command.selfHosted ? [] : [...command.args, ...V8_COUNT_FLAGS]);

/** Where a count's files lie: one stream file per cell (and a module file for a wasm cell), a job and callgrind's dumps per process. */
interface Files {
  dir: string;
  stream: Map<string, string>;
  module: Map<string, string>;
}

/** Names of one width: processes differ in their arguments' digits only, never in their lengths. */
const numbered = (prefix: string, i: number, ext: string) => `${prefix}${String(i).padStart(6, "0")}.${ext}`;

function writeCells(inputs: readonly CountInput[], dir: string): Files {
  const files: Files = { dir, stream: new Map(), module: new Map() };
  inputs.forEach((input, i) => {
    const stream = join(dir, numbered("stream-", i, "i32"));
    writeFileSync(stream, new Uint8Array(input.stream.buffer, input.stream.byteOffset, input.stream.byteLength));
    files.stream.set(input.id, stream);
    if (!input.command.selfHosted) {
      const module = join(dir, numbered("module-", i, "wasm"));
      writeFileSync(module, input.module);
      files.module.set(input.id, module);
    }
  });
  return files;
}

/** The arguments after the binary of process `index`: a native build's `counts FILE:BASE ...`, or the engine's flags, the count child and its job file (written here). */
function processArgs(p: CountProcess, index: number, command: ChildCommand, byId: Map<string, CountInput>, files: Files, entry: string): string[] {
  if (command.selfHosted) return ["counts", ...p.cells.map((id) => `${files.stream.get(id)}:${byId.get(id)!.base ?? 0}`)];
  const job = join(files.dir, numbered("job-", index, "json"));
  const cells = p.cells.map((id) => ({ module: files.module.get(id)!, stream: files.stream.get(id)! }));
  writeFileSync(job, JSON.stringify({ cells }));
  return [...engineCountArgs(command), entry, job];
}

/** What valgrind says of this machine's caches on every run (even with --cache-sim=no): never a reason. */
const CACHE_NOTE = /^--\d+-- warning: L\d cache found, using its data for the LL simulation\.$/;

/** The first lines of a process's stderr, for a reason. */
const firstLines = (stderr: string): string =>
  stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !CACHE_NOTE.test(l))
    .slice(0, REASON_LINES)
    .join(" | ");

/** Cells whose commands have equal keys share processes: the same binary, arguments and environment. */
const commandKey = (c: ChildCommand): string => JSON.stringify([c.binary, c.args, c.env, c.selfHosted ?? false]);

/** Every CPU of the machine (not the parent's affinity: a run pins itself to its measuring CPU, and its children inherit that). */
const machineCpus = (): number => Math.max(1, cpus().length);

/**
 * A command on every CPU of the machine: `taskset` wraps valgrind (it cannot
 * run inside it) on Linux, where the run's own pinning would otherwise hold
 * every counted process to the measuring CPU, one at a time.
 */
function unpinned([binary, ...args]: string[]): Pick<ChildCommand, "binary" | "args"> {
  if (process.platform !== "linux") return { binary: binary!, args };
  return { binary: "taskset", args: ["-c", `0-${machineCpus() - 1}`, binary!, ...args] };
}

/** Run one process under callgrind: its dumps' totals and the checksums it printed, or why it failed. */
function runProcess(valgrind: string, outFile: string, command: ChildCommand, args: string[], timeoutMs: number): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const vg: ChildCommand = { ...unpinned([valgrind, ...CALLGRIND_ARGS(outFile), command.binary, ...args]), env: command.env, selfHosted: true };
    const child = launch(vg, "", defaultGuard());
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let settled = false;
    const done = (r: ProcessResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdin!.on("error", () => {});
    child.stdin!.end();
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < 16_384) stderr += d;
    });
    child.on("error", (e) => done({ error: `cannot start ${valgrind}: ${e.message}` }));
    child.on("close", (code, signal) => {
      const why = firstLines(stderr);
      const tail = why ? `: ${why}` : "";
      if (timedOut) return done({ error: `its process under valgrind timed out after ${timeoutMs / 1000} s${tail}` });
      if (signal) return done({ error: `its process under valgrind was killed by ${signal}${tail}` });
      if (code !== 0) return done({ error: `its process under valgrind exited with code ${code}${tail}` });
      try {
        const dumps = dumpFiles(outFile).map((f) => parseCallgrindDump(readFileSync(f, "utf8"), countScope(command)));
        done({ dumps, checksums: stdout.split("\n").filter((l) => l.trim() !== "") });
      } catch (e) {
        done({ error: `its callgrind dumps cannot be read: ${(e as Error).message}` });
      }
    });
  });
}

/** Run `jobs` at most `parallel` at a time; results in job order. */
async function pool<T>(jobs: readonly (() => Promise<T>)[], parallel: number, onDone: () => void): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
      onDone();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, jobs.length)) }, worker));
  return results;
}

/**
 * Every cell's counts per dispatch, or why it has none, by cell id (in
 * input order). Throws a usage error when valgrind cannot be run; never for
 * one cell's or one process's trouble.
 */
export async function countCells(inputs: readonly CountInput[], options: CountOptions = {}): Promise<Map<string, CountOutcome>> {
  const valgrind = options.valgrind ?? "valgrind";
  const version = valgrindVersion(valgrind);
  if (version === null)
    throw new LabError(
      "usage",
      [{ path: "--measure counts", message: `valgrind ("${valgrind}") cannot be run: counts take every cell under valgrind's callgrind` }],
      "apt-get install valgrind",
    );
  const byId = new Map(inputs.map((i) => [i.id, i]));
  const commands = new Map<string, ChildCommand>();
  for (const i of inputs) if (!commands.has(i.group)) commands.set(i.group, i.command);
  const byKey = new Map([...commands.values()].map((c) => [commandKey(c), c]));
  const cells = inputs.map((i) => ({ id: i.id, command: commandKey(commands.get(i.group)!), length: i.stream.length }));
  const parallel = options.parallel ?? machineCpus();
  const plan = planCounts(cells, parallel);
  const dir = mkdtempSync(join(tmpdir(), "dispatch-lab-counts-"));
  try {
    const files = writeCells(inputs, dir);
    const entry = options.entry ?? COUNT_CHILD_ENTRY;
    const jobs = plan.map((p, index) => () => {
      const command = byKey.get(p.command)!;
      const args = processArgs(p, index, command, byId, files, entry);
      const timeoutMs = options.timeoutMs ?? defaultCountTimeoutMs(p.cells.length);
      return runProcess(valgrind, join(dir, numbered("callgrind-", index, "out")), command, args, timeoutMs);
    });
    let done = 0;
    const results = await pool(jobs, parallel, () => options.onProcessDone?.(++done, plan.length));
    const outcomes = cellOutcomes(cells, plan, results);
    return new Map(
      inputs.map((i): [string, CountOutcome] => {
        const o = outcomes.get(i.id) ?? { error: "it was not planned (a dispatch-lab bug)" };
        if ("error" in o) return [i.id, { error: o.error }];
        const flags = [...CALLGRIND_FLAGS, ...engineCountArgs(commands.get(i.group)!)];
        return [i.id, { counts: { perDispatch: o.perDispatch, dispatches: o.dispatches, valgrind: version, flags } }];
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
