/**
 * Valgrind's cachegrind, as the counts (model/counts.ts) use it: the probe
 * for valgrind, the exact arguments every counted process runs under, and
 * the parser of cachegrind's out file (pure): its `events:` line (what each
 * column is), its `summary:` line (the whole process's totals) and, for the
 * generated code alone, the records of code without a name.
 */
import { spawnSync } from "node:child_process";
import { COUNT_EVENTS, type EventCounts } from "../model/counts.js";

/**
 * The arguments that shape the counts: cachegrind with its branch simulator
 * and no cache simulator (the events are then Ir Bc Bcm Bi Bim), quiet (only
 * the program's own stderr and valgrind's errors reach stderr). What a
 * CellCounts records of valgrind, beside its version.
 */
export const CACHEGRIND_FLAGS: readonly string[] = ["--tool=cachegrind", "--branch-sim=yes", "--cache-sim=no", "--quiet"];

/** Every argument of a counted process before its binary: the flags, then where cachegrind writes its totals. */
export const CACHEGRIND_ARGS = (outFile: string): string[] => [...CACHEGRIND_FLAGS, `--cachegrind-out-file=${outFile}`];

/** `valgrind-3.19.0`: the first line of `valgrind --version`; null when there is no valgrind to run. */
export function valgrindVersion(valgrind = "valgrind"): string | null {
  const probe = spawnSync(valgrind, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 30_000 });
  if (probe.error || probe.status !== 0) return null;
  const line = probe.stdout.split("\n")[0]!.trim();
  return line === "" ? null : line;
}

/**
 * Which code's events a count takes. `all`: the whole process, the
 * `summary:` line. `jit`: only code valgrind knows no file or function for
 * (`fl=???`, `fn=???`): what a JIT generated (a wasm engine's compiled
 * modules), and PLT stubs. A wasm engine's process is multi-threaded (V8's
 * and libuv's threads), and its named code (libc's malloc and futexes,
 * libuv's loop, V8's platform) varies by hundreds to thousands of
 * instructions from one process to the next with how the threads happened
 * to meet (now and then by 100,000, when they race for malloc's arenas);
 * its generated code varies by a few PLT stubs only. Every pass of `run`
 * over a stream is generated code, so the difference of two processes
 * loses nothing of a dispatch by leaving the rest out.
 */
export type CountScope = "all" | "jit";

/** The words after `name:` on the out file's line that starts with it; undefined when there is none. */
function field(lines: readonly string[], name: string): string[] | undefined {
  const line = lines.find((l) => l.startsWith(`${name}:`));
  return line
    ?.slice(name.length + 1)
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "");
}

/** A count as the out file writes it. */
function count(word: string, event: string): number {
  if (!/^\d+$/.test(word)) throw new Error(`the cachegrind out file has "${word}" for ${event}: not a count`);
  return Number(word);
}

/** Per event (in the events line's order), the sum of the records of unnamed code: `fl=???` then `fn=???`, each record `LINE COUNT...` (trailing zeros may be left out). */
function unnamedTotals(lines: readonly string[], events: readonly string[]): number[] {
  const totals = events.map(() => 0);
  let file = "";
  let fn = "";
  for (const line of lines) {
    if (line.startsWith("fl=")) file = line.slice(3).trim();
    else if (line.startsWith("fn=")) fn = line.slice(3).trim();
    else if (file === "???" && fn === "???" && /^\d/.test(line)) {
      const words = line.trim().split(/\s+/).slice(1);
      if (words.length > events.length) throw new Error(`the cachegrind out file has ${words.length} counts for ${events.length} events in "${line.trim()}"`);
      words.forEach((w, i) => (totals[i]! += count(w, events[i]!)));
    }
  }
  return totals;
}

/**
 * A cachegrind out file's totals of COUNT_EVENTS, for the whole process
 * (`all`: its `summary:` line) or its generated code alone (`jit`), each
 * event in the column the `events:` line gives it (any order; other events
 * are ignored). A missing line or event throws, naming what is missing.
 */
export function parseCachegrind(text: string, scope: CountScope = "all"): EventCounts {
  const lines = text.split("\n");
  const events = field(lines, "events");
  const summary = field(lines, "summary");
  const missing = [...(events ? [] : ["`events:` line"]), ...(summary ? [] : ["`summary:` line"])];
  if (missing.length) throw new Error(`not a cachegrind out file: no ${missing.join(" and no ")}`);
  const absent = COUNT_EVENTS.filter((e) => !events!.includes(e));
  if (absent.length)
    throw new Error(
      `the cachegrind out file has no ${absent.join(", ")} event${absent.length === 1 ? "" : "s"} (events: ${events!.join(" ")}): run with --branch-sim=yes`,
    );
  if (summary!.length !== events!.length)
    throw new Error(`the cachegrind out file's summary has ${summary!.length} numbers for ${events!.length} events (${events!.join(" ")})`);
  const totals = scope === "all" ? summary!.map((w, i) => count(w, events![i]!)) : unnamedTotals(lines, events!);
  return Object.fromEntries(COUNT_EVENTS.map((e) => [e, totals[events!.indexOf(e)]!])) as EventCounts;
}
