/**
 * Valgrind's callgrind, as the counts (model/counts.ts) use it: the probe for
 * valgrind, the exact arguments every counted process runs under, where its
 * dumps lie, and the parser of one dump (pure).
 *
 * Why callgrind and not cachegrind: callgrind can dump its counts at points
 * of the program's choosing (`--dump-before=getppid`: a dump each time the
 * process enters getppid, which the counted children call between calls and
 * nothing else in them calls), so one process counts many cells, each call
 * over a stream in its own dump. Its branch simulator is cachegrind's own
 * (the same bimodal counters and last-target table: the same Ir Bc Bcm Bi
 * Bim), and dumps zero the counters, so a dump holds exactly what ran since
 * the last one. Cachegrind (valgrind 3.19) can only total a whole process:
 * every cell then took two processes of 7-10 s of engine start-up each.
 */
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { COUNT_EVENTS, type EventCounts } from "../model/counts.js";

/** What a counted child calls between calls over a stream: callgrind dumps on entering it. */
export const MARK_FUNCTION = "getppid";

/**
 * The arguments that shape the counts: callgrind with cachegrind's branch
 * simulator and no cache simulator (the events are then Ir Bc Bcm Bi Bim), a
 * dump on entering MARK_FUNCTION, names written out in full (no compressed
 * ids: a dump parses on its own), quiet (only the program's own stderr and
 * valgrind's errors reach stderr). What a CellCounts records of valgrind,
 * beside its version.
 */
export const CALLGRIND_FLAGS: readonly string[] = [
  "--tool=callgrind",
  "--branch-sim=yes",
  "--cache-sim=no",
  `--dump-before=${MARK_FUNCTION}`,
  "--compress-strings=no",
  "--compress-pos=no",
  "--quiet",
];

/** Every argument of a counted process before its binary: the flags, then where callgrind writes (dump k to `${outFile}.k`). */
export const CALLGRIND_ARGS = (outFile: string): string[] => [...CALLGRIND_FLAGS, `--callgrind-out-file=${outFile}`];

/** The dumps a process wrote, in order: `${outFile}.1`, `.2`, ... up to the first missing one (the part after the last dump, in `outFile` itself, is not one). */
export function dumpFiles(outFile: string): string[] {
  const files: string[] = [];
  for (let k = 1; existsSync(`${outFile}.${k}`); k++) files.push(`${outFile}.${k}`);
  return files;
}

/** `valgrind-3.19.0`: the first line of `valgrind --version`; null when there is no valgrind to run. */
export function valgrindVersion(valgrind = "valgrind"): string | null {
  const probe = spawnSync(valgrind, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 30_000 });
  if (probe.error || probe.status !== 0) return null;
  const line = probe.stdout.split("\n")[0]!.trim();
  return line === "" ? null : line;
}

/**
 * Which code's events a count takes. `all`: the whole process, the dump's
 * `summary:` line (a native build: one thread, the same to the instruction
 * every time). `jit`: only code of no object file (`ob=???`): what a JIT
 * generated, a wasm engine's compiled modules. A wasm engine's process is
 * multi-threaded, and its other threads' code (libc's futexes and malloc,
 * libuv, V8's platform) runs now and then, more or less from one process to
 * the next; a call over a stream is generated code alone.
 */
export type CountScope = "all" | "jit";

/** The words after `name:` on the dump's line that starts with it; undefined when there is none. */
function field(lines: readonly string[], name: string): string[] | undefined {
  const line = lines.find((l) => l.startsWith(`${name}:`));
  return line
    ?.slice(name.length + 1)
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "");
}

/** A count as the dump writes it. */
function count(word: string, event: string): number {
  if (!/^\d+$/.test(word)) throw new Error(`the callgrind dump has "${word}" for ${event}: not a count`);
  return Number(word);
}

/** A cost line: a position (a line number; `+N`, `-N` or `*` when positions are compressed) then counts. */
const COST_LINE = /^[+\-*\d]/;

/**
 * Per event (in the events line's order), the self costs of code of no
 * object (`ob=???`). Each function's block is `ob=`, `fl=`, `fn=` then cost
 * lines; a `calls=` line is followed by one line of the call's inclusive
 * cost, which belongs to the callee (counted in its own block) and is
 * skipped. `cob=`/`cfn=`/`cfi=` name a callee and change nothing.
 */
function unnamedTotals(lines: readonly string[], events: readonly string[]): number[] {
  const totals = events.map(() => 0);
  let object = "";
  let callCost = false;
  for (const line of lines) {
    if (line.startsWith("ob=")) object = line.slice(3).trim();
    else if (line.startsWith("calls=")) callCost = true;
    else if (COST_LINE.test(line)) {
      if (callCost) {
        callCost = false;
        continue;
      }
      if (object !== "???") continue;
      const words = line.trim().split(/\s+/).slice(1);
      if (words.length > events.length) throw new Error(`the callgrind dump has ${words.length} counts for ${events.length} events in "${line.trim()}"`);
      words.forEach((w, i) => (totals[i]! += count(w, events[i]!)));
    }
  }
  return totals;
}

/**
 * One callgrind dump's totals of COUNT_EVENTS, for everything that ran
 * since the last dump (`all`: its `summary:` line) or its generated code
 * alone (`jit`), each event in the column the `events:` line gives it (any
 * order; other events are ignored). A missing line or event throws, naming
 * what is missing.
 */
export function parseCallgrindDump(text: string, scope: CountScope = "all"): EventCounts {
  const lines = text.split("\n");
  const events = field(lines, "events");
  const summary = field(lines, "summary");
  const missing = [...(events ? [] : ["`events:` line"]), ...(summary ? [] : ["`summary:` line"])];
  if (missing.length) throw new Error(`not a callgrind dump: no ${missing.join(" and no ")}`);
  const absent = COUNT_EVENTS.filter((e) => !events!.includes(e));
  if (absent.length)
    throw new Error(
      `the callgrind dump has no ${absent.join(", ")} event${absent.length === 1 ? "" : "s"} (events: ${events!.join(" ")}): run with --branch-sim=yes`,
    );
  if (summary!.length > events!.length)
    throw new Error(`the callgrind dump's summary has ${summary!.length} numbers for ${events!.length} events (${events!.join(" ")})`);
  // Callgrind leaves trailing zeros out of its summary as of its cost lines.
  const totals = scope === "all" ? events!.map((e, i) => (i < summary!.length ? count(summary![i]!, e) : 0)) : unnamedTotals(lines, events!);
  return Object.fromEntries(COUNT_EVENTS.map((e) => [e, totals[events!.indexOf(e)]!])) as EventCounts;
}
