/**
 * The record a run keeps in the dataset (model/results.ts `RunRecord`): built
 * from its inputs with its cells planned, given its modules once emitted,
 * and finished (statistics, completeness, the session's end) when its
 * measurement ends.
 */
import type { WorkerModule } from "./emit-in-worker.js";
import type { RunInputs } from "./run-inputs.js";
import type { Pinning } from "../model/cells.js";
import type { Fingerprint } from "../model/fingerprint.js";
import type { CellRecord, RunRecord, Session, Skipped } from "../model/results.js";
import { childCommand, supportsFeature } from "../engines/command.js";
import { selectStrategies } from "../emit/strategies/index.js";
import type { EngineRecord } from "../model/engines.js";
import { enginesOf } from "../model/results.js";
import { NATIVE_TIER, type CellTier } from "../model/tiers.js";
import { nativeCellFlags, nativeRecord, skippedNative } from "./native.js";
import { toolVersions } from "../paths.js";
import { summarizeRun } from "../results/answers.js";
import { cellId } from "../model/cells.js";

/** What planning needs of a run's inputs: its engines, native builds and spec (RunInputs). */
type Planned = Pick<RunInputs, "config" | "engines" | "natives" | "spec">;

/**
 * The strategies an engine cannot run, with why: a wasm feature it lacks
 * (table-ref's call_ref on Node 20), or for a native engine no compiler, a
 * variant the compiler or the CPU lacks, a spec C cannot express. Their
 * cells are not planned, and the run says so.
 */
export function skippedCells(p: Planned): Skipped[] {
  const needs = selectStrategies(p.config.strategies.join(",")).flatMap((s) => (s.needs ? [{ strategy: s.name, feature: s.needs }] : []));
  const wasm = p.engines.flatMap((engine) =>
    needs.flatMap(({ strategy, feature }) => {
      const ok = supportsFeature(engine, feature);
      return ok === true ? [] : [{ strategy, engine: engine.ref.name, reason: `needs ${feature}: ${ok}` }];
    }),
  );
  return [...wasm, ...skippedNative(p.config, p.spec, p.natives)];
}

/** The engines' cells in --engines order: a wasm engine's at every tier with its flags, a native one's once, at the native tier. */
type EngineTier = { engine: string; tier: CellTier; flags: (strategy: string) => string[] };

function engineTiers(p: Planned): EngineTier[] {
  const inlining = p.config.inlining ?? "off";
  const wasm = new Map(p.engines.map((e) => [e.ref.name, e]));
  const native = new Map(p.natives.map((n) => [n.ref.name, n]));
  return enginesOf(p.config).flatMap((name): EngineTier[] => {
    const n = native.get(name);
    if (n) return [{ engine: name, tier: NATIVE_TIER, flags: (strategy) => nativeCellFlags(n, strategy, p.spec) }];
    const engine = wasm.get(name)!;
    return p.config.tiers.map((tier) => {
      const { flags } = childCommand(engine, tier, inlining);
      return { engine: name, tier, flags: () => flags };
    });
  });
}

/**
 * Every cell of the config, engine by engine, but those skippedCells names;
 * a cell that already has all its samples (resume) is kept as it is.
 */
export function planCells(p: Planned, previous: RunRecord | undefined): CellRecord[] {
  const { config } = p;
  const old = new Map(previous?.cells.map((c) => [c.id, c]));
  const skipped = new Set(skippedCells(p).map((s) => `${s.strategy}\u0000${s.engine}`));
  return engineTiers(p).flatMap(({ engine, tier, flags }) =>
    config.workloads.flatMap((workload) =>
      config.strategies
        .filter((strategy) => !skipped.has(`${strategy}\u0000${engine}`))
        .map((strategy): CellRecord => {
          const id = cellId({ strategy, workload, tier, engine });
          const prior = old.get(id);
          if (prior && prior.status === "ok" && config.samples !== null && prior.samples.length >= config.samples) return prior;
          // Any other cell (re)starts in a new process; a failed one gets a fresh start; measured samples are kept,
          // and so is the batch the first process calibrated: every sample of a cell times the same dispatches.
          const batch = prior?.ready && prior.status !== "failed" ? { ready: prior.ready } : {};
          return {
            id,
            strategy,
            workload,
            tier,
            engine,
            flags: flags(strategy),
            status: "pending",
            ...batch,
            samples: prior?.samples ?? [],
            seconds: prior?.seconds ?? 0,
          };
        }),
    ),
  );
}

/** A session that starts measuring at `startedAt` (ms since epoch). */
export const newSession = (startedAt: number, pinning: Pinning): Session => ({ startedAt: new Date(startedAt).toISOString(), finishedAt: null, pinning });

/** What a run records of its modules (`run` fills it in once the emit child replies). */
export const moduleRecords = (modules: readonly WorkerModule[]): RunRecord["modules"] =>
  Object.fromEntries(modules.map((m) => [m.strategy, { bytes: m.bytes.length, audit: m.audit }]));

export function newRun(p: RunInputs, modules: readonly WorkerModule[], cells: CellRecord[], sessions: Session[], fingerprint: Fingerprint): RunRecord {
  return {
    complete: false,
    sessions,
    tool: toolVersions(),
    fingerprint,
    config: p.config,
    spec: { name: p.spec.name, hash: p.hash, args: p.spec.args, fallback: p.spec.fallback.toString(), handlers: p.spec.handlers },
    modules: moduleRecords(modules),
    workloads: Object.fromEntries(
      [...p.workloads].map(([name, w]) => [name, { description: w.description, length: w.stream.length, mix: w.mix, notes: w.notes ?? [] }]),
    ),
    cells,
    summaries: [],
    skipped: skippedCells(p),
    engines: Object.fromEntries([
      ...p.engines.map((e): [string, EngineRecord] => [
        e.ref.name,
        { kind: e.kind, version: e.version, vm: e.vm, inlining: p.config.inlining ?? "off", source: e.source },
      ]),
      ...p.natives.filter((n) => !n.skip).map((n): [string, EngineRecord] => [n.ref.name, nativeRecord(n, p.config)]),
    ]),
  };
}

/** Statistics, whether every cell has its samples, and the session's end and timed seconds. */
export function finishRun(run: RunRecord, interrupted: boolean): void {
  summarizeRun(run);
  const { cells, config } = run;
  run.complete = !interrupted && cells.every((c) => c.status === "ok" && (config.samples === null || c.samples.length >= config.samples));
  const session = run.sessions.length - 1;
  const sampledNs = cells.reduce((sum, c) => c.samples.reduce((t, x) => (x.session === session ? t + x.ns : t), sum), 0);
  run.sessions[session]!.sampledS = sampledNs / 1e9;
  run.sessions[session]!.finishedAt = new Date().toISOString();
}

export const failedCells = (runs: readonly RunRecord[]): number => runs.reduce((n, r) => n + r.cells.filter((c) => c.status === "failed").length, 0);
