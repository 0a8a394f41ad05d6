/**
 * `measure`: one planned run measured, the stage `run` and every point of a
 * sweep share. Its cells get their inputs (module bytes made unique to the
 * cell and session, streams, flags), the runner measures them in child
 * processes, and the dataset is rewritten after every round; between rounds
 * the machine's load is sampled, and at the end the run gets its statistics,
 * its completeness and its session's load record.
 */
import type { DatasetWriter } from "./dataset-writer.js";
import type { WorkerModule } from "./emit-in-worker.js";
import type { RunInputs } from "./run-inputs.js";
import { finishRun } from "./run-record.js";
import { type CellRecord, cellsOf, type RunConfig, type RunRecord } from "../model/results.js";
import { withCustomSection } from "../run/cell-bytes.js";
import { loadMonitor } from "../run/load.js";
import { statisticsReserveMs } from "../run/round-plan.js";
import { stagingCpu } from "../run/pin.js";
import { runCells, type CellInput, type RunnerHooks, type RunnerOptions } from "../run/runner.js";
import { childCommand } from "../engines/command.js";
import { engineOf } from "../model/cells.js";
import { NATIVE_TIER } from "../model/tiers.js";
import type { NativeBuilds } from "./native.js";

export interface RunProgress {
  cellStarted?(done: number, total: number, cell: CellRecord): void;
  round?(done: number, planned: number): void;
  /** `--measure counts`: processes counted under valgrind, of how many. */
  counted?(done: number, total: number): void;
}

/** A run ready to measure: its inputs, its record (cells planned; its last session is this one) and its modules. */
export interface Measurement {
  inputs: RunInputs;
  run: RunRecord;
  modules: readonly WorkerModule[];
  /** When the run's rounds must be done, statistics included (ms since epoch). */
  deadline: number;
  /** The native engines' builds (lab/native.ts), when the run measures any. */
  natives?: NativeBuilds | undefined;
}

export interface MeasureContext {
  writer: DatasetWriter;
  /** One process per strategy and tier (a sweep point's many cells), else one per cell. */
  grouped: boolean;
  /** Refresh the run's statistics as rounds come in (`run`), else only at its end (a sweep's points). */
  liveStatistics: boolean;
  progress?: RunProgress | undefined;
  /** Polled between samples: true stops the measurement (Ctrl-C); the run is kept, not complete. */
  stop?: (() => boolean) | undefined;
}

/** The runner's progress hooks for a caller's RunProgress (cells counted from 1). */
const progressHooks = (p: RunProgress | undefined): Pick<RunnerHooks, "onCellStarted" | "onRound"> => ({
  onCellStarted: (cell, done, total) => p?.cellStarted?.(done + 1, total, cell as CellRecord),
  onRound: (done, planned) => p?.round?.(done, planned),
});

/**
 * What the runner gets per cell: module bytes made unique to the cell and
 * session (V8 shares code and feedback between equal bytes), its stream and
 * flags, and its process group (`grouped`: one process per strategy and
 * tier, else one per cell).
 */
export function cellInputs({ inputs, run, modules, natives }: Measurement, grouped: boolean, session: number): CellInput[] {
  const bytes = new Map(modules.map((m) => [m.strategy, m.bytes]));
  const engines = new Map(inputs.engines.map((e) => [e.ref.name, e]));
  return run.cells.map((c): CellInput => {
    const common = { id: c.id, group: grouped ? `${c.strategy}|${c.tier}|${engineOf(c)}` : c.id, stream: inputs.workloads.get(c.workload)!.stream };
    if (c.tier === NATIVE_TIER) return { ...common, ...nativeInput(c, natives) };
    return {
      ...common,
      module: withCustomSection(bytes.get(c.strategy)!, "dispatch-lab.cell", `${inputs.spec.name}|${c.id}|session ${session}`),
      command: childCommand(engines.get(engineOf(c))!, c.tier, inputs.config.inlining ?? "off").command,
    };
  });
}

/**
 * A native cell's child: its build's binary, given the wasm modules' stream
 * address. A build that failed its compile, audit or check fails the cell
 * here, with the reason: the runner never starts a failed cell.
 */
function nativeInput(c: CellRecord, natives: NativeBuilds | undefined): Pick<CellInput, "module" | "command" | "base"> {
  const build = natives?.builds.get(engineOf(c))?.get(c.strategy) ?? { ok: false, reason: "no native build (a dispatch-lab bug)" };
  if (build.ok) return { module: new Uint8Array(0), command: build.command, base: natives!.base };
  c.status = "failed";
  c.error = build.reason;
  return { module: new Uint8Array(0), command: { binary: "", args: [], env: {} } };
}

/** Time kept back at the end of a run for its statistics (round-plan.ts). */
const reserveMs = (config: RunConfig) => statisticsReserveMs(cellsOf(config));

function runnerOptions(config: RunConfig, deadline: number, session: number, stop: (() => boolean) | undefined): RunnerOptions {
  const staging = stagingCpu(config.cpu);
  return {
    cpu: config.cpu,
    ...(staging === undefined ? {} : { stagingCpu: staging }),
    targetSampleMs: config.targetSampleMs,
    maxWarmupMs: 500,
    deadline,
    reserveMs: reserveMs(config),
    samples: config.samples ?? undefined,
    processes: config.processes,
    seed: config.seed,
    session,
    initTimeoutMs: 60_000,
    ...(stop ? { stop } : {}),
  };
}

export async function measure(m: Measurement, ctx: MeasureContext): Promise<void> {
  const { run } = m;
  const session = run.sessions.length - 1;
  const load = loadMonitor(run.config.cpu, stagingCpu(run.config.cpu) !== undefined);
  await runCells(cellInputs(m, ctx.grouped, session), run.cells, runnerOptions(run.config, m.deadline, session, ctx.stop), {
    ...progressHooks(ctx.progress),
    persist: (_cells, final) => {
      if (final) {
        run.sessions[session]!.load = load.finish();
        finishRun(run, !!ctx.stop?.());
      } else load.tick(); // the parent is awake between rounds anyway: sampling then takes no measuring time
      ctx.writer.write(final || !ctx.liveStatistics ? undefined : run); // finishRun has just summarised
    },
  });
}
