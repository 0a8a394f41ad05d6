/**
 * The results schema (docs/results.md). Versioned: users merge results
 * across machines and feed CI with them, so a change to the meaning of a
 * field is a new version.
 */
import type { ModuleAudit } from "./cells.js";
import type { Fingerprint } from "./fingerprint.js";
import type { LoadRecord } from "./cells.js";
import type { Pinning } from "./cells.js";
import type { CellRun } from "./cells.js";
import { NATIVE_TIER, type CellTier, type Tier } from "./tiers.js";
import { DEFAULT_ENGINE, isNativeEngine, type EngineRecord, type Inlining } from "./engines.js";
import { engineOf } from "./cells.js";
import type { DifferenceOfMedians, RatioOfMedians } from "../stats/medians.js";
import type { Summary } from "../stats/summary.js";
import type { MixEntry } from "./workload.js";
import type { Handler } from "../spec/types.js";
import type { SweepRecord } from "./sweep.js";
import type { CellCounts, CountsSummary, Measure } from "./counts.js";

export const RESULTS_SCHEMA = "dispatch-lab/results@2";
/** One run per file, without the envelope: still read (as a dataset of that one run). */
export const RESULTS_SCHEMA_V1 = "dispatch-lab/results@1";

/** The control kernel every run measures: the same loop with one direct call; net cost = gross - its gross. */
export const CONTROL = "direct";

export interface RunConfig {
  /** The spec argument as given (a file path or a built-in name). */
  spec: string;
  strategies: string[];
  workloads: string[];
  tiers: Tier[];
  /** The strategy every ratio is taken against. */
  reference: string;
  /** The control kernel subtracted to give net cost. */
  control: string;
  /** Samples per cell asked for; null: as many as the time budget allows. */
  samples: number | null;
  /** Processes per cell: the rounds are cut into this many segments, each in fresh processes. */
  processes: number;
  timeBudgetS: number;
  seed: number;
  targetSampleMs: number;
  streamLength: number;
  cpu: number;
  bodies: string | null;
  /** The engines measured, by name (`node`, `node@24`, `deno`, `bun`); absent in runs written before engines (the lab's node). */
  engines?: string[];
  /** How much the engines may inline (model/engines.ts); absent before it was a setting (the engine's defaults). */
  inlining?: Inlining;
  /** The C compiler of the native engines as asked (`cc`, `gcc`, `clang`, a path); absent when the run has none. */
  cc?: string;
  /** What the run measures (model/counts.ts): timed samples, deterministic counts under valgrind, or both; absent: time only. */
  measure?: Measure[];
  /**
   * sha256 of every file a cell's bytes or stream depend on, by the path as
   * given (the --bodies source, each trace:FILE): --resume refuses a change.
   * Absent in runs written before it was recorded.
   */
  inputs?: Record<string, string>;
}

export interface CellRecord extends CellRun {
  strategy: string;
  workload: string;
  tier: CellTier;
  /** The engine's name as --engines gave it (`node`, `node@24`, `deno`); absent in runs written before engines (the lab's node). */
  engine?: string;
  /** The exact flags of the cell's process: V8 flags, or JavaScriptCore options as NAME=VALUE (Bun). */
  flags: string[];
  /** Its deterministic counts (`--measure counts`), once measured; absent otherwise. */
  counts?: CellCounts;
  /** Why its counts could not be taken (the engine cannot be counted repeatably, valgrind failed), when measured with counts; the cell's timing is unaffected. */
  countsError?: string;
}

export interface CellSummary {
  id: string;
  strategy: string;
  workload: string;
  tier: CellTier;
  /** As its cell's. */
  engine?: string;
  status: CellRun["status"];
  error: string | null;
  /** Statistics of gross ns per dispatch (loop + call + dispatch + handler). */
  gross: Summary | null;
  /** Gross minus the control kernel's (same workload and tier): the dispatch alone. */
  net: DifferenceOfMedians | null;
  /** Gross over the reference strategy's gross (same workload and tier). */
  ratio: RatioOfMedians | null;
  /** Net minus the reference's net, ns per dispatch (what switching from the reference saves or costs). */
  vsReference: DifferenceOfMedians | null;
  /**
   * Null when the cell's intervals can carry a verdict; else why not, e.g.
   * "too few samples: 1 round; the minimum is 6" (stats/rounds.ts MIN_ROUNDS).
   * An inconclusive cell keeps its numbers but is never called faster,
   * slower or fastest, and gates on it are inconclusive.
   */
  inconclusive: string | null;
  /** CI half-width of net (else gross) ns/dispatch x sqrt(seconds measured): precision per unit of time. */
  precisionNsSqrtS: number | null;
  seconds: number;
  /** Its counts per dispatch and net of the control's (same group), when the run measured counts and the cell has them. */
  counts?: CountsSummary;
}

export interface Session {
  startedAt: string;
  finishedAt: string | null;
  pinning: Pinning;
  /** How busy the machine was while this session measured (run/load.ts); absent before it was recorded, or when it stopped before measuring. */
  load?: LoadRecord;
  /** Seconds of timed samples this session took, every cell's together: over finishedAt - startedAt, the share of its wall time spent measuring (sampledShare). */
  sampledS?: number;
}

/**
 * A session's timed seconds against its wall time (startedAt, before the
 * emit, to finishedAt, after the statistics): the share of the run spent
 * measuring. Null before the session finished or recorded its seconds.
 */
export function sampledShare(s: Session): { sampledS: number; wallS: number; share: number } | null {
  if (s.sampledS === undefined || s.finishedAt === null) return null;
  const wallS = (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000;
  return Number.isFinite(wallS) && wallS > 0 ? { sampledS: s.sampledS, wallS, share: s.sampledS / wallS } : null;
}

/** A spec's handler as results.json holds it: JSON has no undefined, so an unprioritised handler has no `priority` key. */
export type HandlerRecord = Omit<Handler, "priority"> & { priority?: number };

/**
 * One run: one machine, one spec, its cells. Its answer sentences are not
 * kept here: they are words about the data, made from the summaries where
 * they are shown (results/answers.ts), and written into results.json beside
 * them for readers without the lab (results/exporters/json.ts).
 */
export interface RunRecord {
  /** False while running or after an interruption: `run --resume` completes it. */
  complete: boolean;
  sessions: Session[];
  tool: Record<string, string>;
  fingerprint: Fingerprint;
  config: RunConfig;
  spec: { name: string; hash: string; args: number; fallback: string; handlers: HandlerRecord[] };
  modules: Record<string, { bytes: number; audit: ModuleAudit }>;
  workloads: Record<string, { description: string; length: number; mix: MixEntry[]; notes: string[] }>;
  cells: CellRecord[];
  summaries: CellSummary[];
  /** Strategies an engine could not run (a wasm feature it lacks), so their cells were not planned; absent before engines. */
  skipped?: Skipped[];
  /** Each engine measured, by name: what it is exactly (absent in runs written before engines). */
  engines?: Record<string, EngineRecord>;
}

/** A strategy not measured in an engine, and why (`needs typed-function-references: V8 11.3 predates ...`). */
export interface Skipped {
  strategy: string;
  engine: string;
  reason: string;
}

/**
 * What results.json holds: one or more runs. `run` writes one; a sweep one
 * per point (with `sweep` saying what the points are); a merge the runs of
 * many machines. Every run carries its own fingerprint, config and spec.
 */
export interface Dataset {
  schema: typeof RESULTS_SCHEMA;
  kind: "run" | "sweep" | "merge";
  /** Every run complete (and, for a sweep, analysed). */
  complete: boolean;
  runs: RunRecord[];
  sweep: SweepRecord | null;
}

/** How many cells a run of this config has: every strategy x workload x tier x wasm engine, and strategy x workload x native engine. */
export const cellsOf = (c: Pick<RunConfig, "strategies" | "workloads" | "tiers" | "engines">): number => {
  const native = enginesOf(c).filter(isNativeEngine).length;
  return c.strategies.length * c.workloads.length * (c.tiers.length * (enginesOf(c).length - native) + native);
};

/**
 * What an engine of a run was, exactly: its record, or, for the lab's node
 * in a run written before engines were recorded, what the fingerprint says
 * of the node that ran the lab; null for an engine the run does not describe.
 */
export function engineIn(run: Pick<RunRecord, "engines" | "fingerprint">, name: string): { kind: string; version: string; vm: string } | null {
  const e = run.engines?.[name];
  if (e) return e;
  const { node, v8 } = run.fingerprint.runtime;
  return name === DEFAULT_ENGINE ? { kind: "node", version: node, vm: `V8 ${v8}` } : null;
}

/** The tiers an engine's cells have: the run's --tiers, or for a native engine its one tier, native. */
export const tiersOf = (config: Pick<RunConfig, "tiers">, engine: string): CellTier[] => (isNativeEngine(engine) ? [NATIVE_TIER] : config.tiers);

/** The tier of `engine`'s cells that stand beside a wasm tier's: that tier, or native for a native engine. */
export const tierIn = (engine: string, tier: CellTier): CellTier => (isNativeEngine(engine) ? NATIVE_TIER : tier);

/**
 * Every (tier, engine) group of a run, tier by tier: each wasm engine at
 * each tier, a native engine once (at the native tier, beside the first).
 */
export const tierEngines = (config: Pick<RunConfig, "tiers" | "engines">): { tier: CellTier; engine: string }[] =>
  config.tiers.flatMap((tier, t) =>
    enginesOf(config).flatMap((engine): { tier: CellTier; engine: string }[] =>
      !isNativeEngine(engine) ? [{ tier, engine }] : t === 0 ? [{ tier: NATIVE_TIER, engine }] : [],
    ),
  );

/** The engines a run measured (runs written before engines measured the lab's own node). */
export const enginesOf = (c: Pick<RunConfig, "engines">): string[] => c.engines ?? [DEFAULT_ENGINE];

/**
 * What a cell's answer is about: its workload, with its tier and engine where
 * the run has several (`uniform (liftoff, node@24)`).
 */
export function groupLabel(c: { workload: string; tier: string; engine?: string | undefined }, config: Pick<RunConfig, "tiers" | "engines">): string {
  // A native cell's engine names it: its tier (native) would say it twice.
  const parts = [...(config.tiers.length > 1 && c.tier !== NATIVE_TIER ? [c.tier] : []), ...(enginesOf(config).length > 1 ? [engineOf(c)] : [])];
  return parts.length ? `${c.workload} (${parts.join(", ")})` : c.workload;
}
