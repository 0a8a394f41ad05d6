/**
 * What a run records of its cells: samples, the state of each cell's
 * process, pinning, the machine's load, and each module's opcode audit. The
 * runner (run/), the emitter (emit/) and the results files (results/) all
 * speak these types; they live here so that none of those depends on another.
 */
import { DEFAULT_ENGINE } from "./engines.js";

/**
 * The most pages any wasm memory of a child may have (`--wasm-max-mem-pages`):
 * 256 MiB, room for the longest stream (64 MiB) and the bodies' static data.
 * A body that grows memory hits it in its first batch instead of taking GBs;
 * the child fails the cell on any growth (run/child.ts).
 */
export const WASM_MAX_PAGES = 4096;

export interface Sample {
  round: number;
  /** Which invocation of the run took it (0, then +1 per --resume). */
  session: number;
  /**
   * Which stretch of rounds: every cell gets a fresh process for each
   * segment, so a segment is also the process that took the sample.
   */
  segment: number;
  ns: number;
  nsPerDispatch: number;
}

export interface CellRun {
  id: string;
  status: "pending" | "ok" | "failed";
  error?: string;
  ready?: CellReady;
  pinning?: Pinning;
  samples: Sample[];
  /** Seconds spent in timed samples. */
  seconds: number;
  /** The child's peak resident set, MB (memory is part of what a run costs). */
  maxRssMB?: number;
  /** Every process the cell ran in, in order (runner.ts); absent in results from before they were recorded. */
  starts?: ProcessStart[];
}

/**
 * One process a cell ran in. A process of a later segment is started on the
 * staging CPU while the segment before samples, then moved to the measuring
 * CPU (runner.ts, round-plan.ts overlapAfter): `promotedAt` says when.
 * Times are ms since the epoch.
 */
export interface ProcessStart {
  segment: number;
  /** When its process was started. */
  startedAt: number;
  /** When the cell was ready in it: compiled, placed, warmed up. */
  readyAt: number;
  /** When it moved to the measuring CPU, for a process started on the staging CPU; absent for one started there. */
  promotedAt?: number;
}

export type OrphanGuard = "pdeathsig" | "watchdog";

export interface CellReady {
  /** Passes over the stream per timed call. */
  reps: number;
  /** Dispatches per timed call: reps x stream length. */
  dispatches: number;
  warmupSamples: number;
  warmupMs: number;
  /** ns per dispatch of the last warm-up samples (for the parent's budget estimate). */
  warmNsPerDispatch: number;
  /** The harness's result for one timed call: identical on every sample, or the work changed. */
  checksum: string;
  /** The V8 flags the child actually runs with. */
  execArgv: string[];
  /** The child's peak resident set so far, MB. */
  maxRssMB: number;
  /** What ends the child if the runner dies (launcher.ts); absent when it was started by hand. */
  guard?: OrphanGuard;
}

export interface Pinning {
  cpu: number;
  pinned: boolean;
  /** Why pinning failed (no taskset, not Linux, ...): results say so. */
  note?: string;
}

export interface LoadSample {
  at: string;
  /** /proc/loadavg: the 1, 5 and 15-minute load averages; null where unreadable (not Linux). */
  loadavg: [number, number, number] | null;
  /** The measuring CPU's ticks since boot from /proc/stat: all states, and steal. */
  ticks: { total: number; steal: number } | null;
  /** Tasks of other processes runnable on the measuring CPU at that moment (this run and its children excluded). */
  others: number;
  /** The first few of them, `comm (pid N)` (the thread's name, its process's id). */
  named: string[];
}

export interface LoadRecord {
  /** The measuring CPU, and how many the machine has. */
  cpu: number;
  cpus: number;
  busy: boolean;
  /** Why it was busy, one sentence each (empty when not busy). */
  warnings: string[];
  /** Steal on the measuring CPU from `before` to `after`, a fraction of its time; null where unreadable. */
  steal: number | null;
  before: LoadSample;
  during: LoadSample[];
  after: LoadSample;
}

/**
 * What a strategy's dispatch function must contain, as opcode counts in the
 * final binary: an exact number, or [min, max]. This is the strategy's claim
 * about itself, stated independently of its plan: `chain` claims no br_table,
 * so a chain that binaryen's optimizer turned into a switch fails the audit.
 */
export type OpcodeClaims = Record<string, number | readonly [number, number]>;

export interface ModuleAudit {
  strategy: string;
  /** Byte size of the dispatch function's body. */
  dispatchBytes: number;
  /** KEY_OPCODES counts in the dispatch function (zeros included). */
  dispatch: Record<string, number>;
  claims: OpcodeClaims;
  violations: string[];
}

/** What names a cell: its strategy, workload, tier and engine (absent: the node running the lab, as in runs before engines). */
type CellName = { strategy: string; workload: string; tier: string; engine?: string | undefined };

/** The engine a cell ran in: runs written before engines were a dimension ran on the lab's own node. */
export const engineOf = (c: { engine?: string | undefined }): string => c.engine ?? DEFAULT_ENGINE;

/**
 * A cell's id in results files: `strategy|workload|tier`, then `|engine` for
 * any engine but the lab's own node (so ids of such runs are as they were).
 */
export const cellId = (c: CellName): string => `${c.strategy}|${c.workload}|${c.tier}${engineOf(c) === DEFAULT_ENGINE ? "" : `|${engineOf(c)}`}`;

/** A key for maps of cells: NUL-joined, since a name cannot hold NUL but a trace path can hold `|`. */
export const cellKey = (c: CellName): string => `${c.strategy}\u0000${c.workload}\u0000${c.tier}\u0000${engineOf(c)}`;
