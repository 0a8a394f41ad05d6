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
import type { CellRecord, RunRecord, RunConfig, Session, Skipped } from "../model/results.js";
import { childCommand, supportsFeature } from "../engines/command.js";
import { selectStrategies } from "../emit/strategies/index.js";
import type { ResolvedEngine } from "../engines/resolve.js";
import { toolVersions } from "../paths.js";
import { summarizeRun } from "../results/answers.js";
import { cellId } from "../model/cells.js";

/**
 * The strategies an engine cannot run (a wasm feature it lacks: table-ref's
 * call_ref on Node 20), with why: their cells are not planned, and the run
 * says so.
 */
export function skippedCells(config: RunConfig, engines: readonly ResolvedEngine[]): Skipped[] {
  const needs = selectStrategies(config.strategies.join(",")).flatMap((s) => (s.needs ? [{ strategy: s.name, feature: s.needs }] : []));
  return engines.flatMap((engine) =>
    needs.flatMap(({ strategy, feature }) => {
      const ok = supportsFeature(engine, feature);
      return ok === true ? [] : [{ strategy, engine: engine.ref.name, reason: `needs ${feature}: ${ok}` }];
    }),
  );
}

/**
 * Every cell of the config, engine by engine, but those skippedCells names;
 * a cell that already has all its samples (resume) is kept as it is.
 */
export function planCells(config: RunConfig, engines: readonly ResolvedEngine[], previous: RunRecord | undefined): CellRecord[] {
  const old = new Map(previous?.cells.map((c) => [c.id, c]));
  const inlining = config.inlining ?? "off";
  const skipped = new Set(skippedCells(config, engines).map((s) => `${s.strategy}\u0000${s.engine}`));
  return engines.flatMap((engine) =>
    config.tiers.flatMap((tier) =>
      config.workloads.flatMap((workload) =>
        config.strategies
          .filter((strategy) => !skipped.has(`${strategy}\u0000${engine.ref.name}`))
          .map((strategy): CellRecord => {
            const id = cellId({ strategy, workload, tier, engine: engine.ref.name });
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
              engine: engine.ref.name,
              flags: childCommand(engine, tier, inlining).flags,
              status: "pending",
              ...batch,
              samples: prior?.samples ?? [],
              seconds: prior?.seconds ?? 0,
            };
          }),
      ),
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
    skipped: skippedCells(p.config, p.engines),
    engines: Object.fromEntries(
      p.engines.map((e) => [e.ref.name, { kind: e.kind, version: e.version, vm: e.vm, inlining: p.config.inlining ?? "off", source: e.source }]),
    ),
  };
}

/** Statistics, whether every cell has its samples, and the session's end. */
export function finishRun(run: RunRecord, interrupted: boolean): void {
  summarizeRun(run);
  const { cells, config } = run;
  run.complete = !interrupted && cells.every((c) => c.status === "ok" && (config.samples === null || c.samples.length >= config.samples));
  run.sessions.at(-1)!.finishedAt = new Date().toISOString();
}

export const failedCells = (runs: readonly RunRecord[]): number => runs.reduce((n, r) => n + r.cells.filter((c) => c.status === "failed").length, 0);
