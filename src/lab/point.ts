/**
 * The pieces `run` and `sweep` share: one measured run (a spec, its
 * strategies x workloads x tiers) from config to cells, runner inputs and
 * results, and the dataset writer that refreshes statistics as rounds come in.
 */
import { join } from "node:path";
import type { WorkerModule } from "./emit-in-worker.js";
import { LabError } from "../errors.js";
import { writeFileAtomic } from "../io.js";
import { summarizeRun } from "../results/answers.js";
import type { CellRecord, Dataset, Results, RunConfig, Session } from "../model/results.js";
import { writeResults } from "../results/write.js";
import { withCustomSection } from "../run/cell-bytes.js";
import type { Fingerprint } from "../model/fingerprint.js";
import type { CellInput, RunnerHooks, RunnerOptions } from "../run/runner.js";
import { defaultCpu } from "../run/pin.js";
import { parseTiers, TIERS } from "../model/tiers.js";
import { toolVersions } from "../paths.js";
import { loadSpec, specHash } from "../spec/load.js";
import type { Spec } from "../spec/types.js";
import type { PointSettings } from "../sweep/kind.js";
import { buildWorkload, DEFAULT_STREAM_LENGTH, type Workload } from "../workload/index.js";

export interface RunProgress {
  cellStarted?(done: number, total: number, cell: CellRecord): void;
  round?(done: number, planned: number): void;
}

/** The runner's progress hooks for a caller's RunProgress (cells counted from 1). */
export const progressHooks = (p: RunProgress | undefined): Pick<RunnerHooks, "onCellStarted" | "onRound"> => ({
  onCellStarted: (cell, done, total) => p?.cellStarted?.(done + 1, total, cell as CellRecord),
  onRound: (done, planned) => p?.round?.(done, planned),
});

/** A run's inputs, every one checked before a process starts or a file is written. */
export interface Point {
  config: RunConfig;
  spec: Spec;
  hash: string;
  workloads: Map<string, Workload>;
}

/** The measurement settings a run or sweep request gives, with defaults filled in. */
export interface SettingsRequest {
  tiers?: string;
  /** Samples per cell; undefined: as many as the time budget allows. */
  samples?: number;
  processes?: number;
  timeBudgetS?: number;
  seed?: number;
  cpu?: number;
  bodies?: string;
  targetSampleMs?: number;
  streamLength?: number;
}

/** A setting that must be a number in (0, max] (an integer when `integer`), or a usage error at its option. */
function positive(value: number, option: string, max: number, integer: boolean, fix: string): number {
  if (!(integer ? Number.isInteger(value) : Number.isFinite(value)) || value <= 0 || value > max)
    throw new LabError("usage", [{ path: option, message: `${value} is not ${integer ? "an integer" : "a number"} above 0 and at most ${max}` }], fix);
  return value;
}

/**
 * The settings with defaults filled in, checked for library callers as for
 * the CLI: no sample, process or second to measure in is a usage error, not
 * a run that measures nothing.
 */
export function settingsOf(req: SettingsRequest, defaults: { processes: number; timeBudgetS: number }): PointSettings {
  return {
    tiers: parseTiers(req.tiers),
    samples: req.samples === undefined ? null : positive(req.samples, "--samples", 1_000_000, true, "give at least 1 sample per cell, or leave --samples out to take as many as the time budget allows"),
    processes: positive(req.processes ?? defaults.processes, "--processes", 100, true, `give at least 1 process per cell (default ${defaults.processes})`),
    timeBudgetS: positive(req.timeBudgetS ?? defaults.timeBudgetS, "--time-budget", 7 * 24 * 3600, false, `give the seconds the whole run may take (default ${defaults.timeBudgetS})`),
    seed: req.seed ?? 1,
    targetSampleMs: positive(req.targetSampleMs ?? 10, "targetSampleMs", 60_000, false, "give the milliseconds one sample should take (default 10)"),
    streamLength: req.streamLength ?? DEFAULT_STREAM_LENGTH,
    cpu: req.cpu ?? defaultCpu(),
    bodies: req.bodies ?? null,
  };
}

export function preparePoint(config: RunConfig): Point {
  const spec = loadSpec(config.spec);
  const workloads = new Map(config.workloads.map((w) => [w, buildWorkload(w, spec, { seed: config.seed, length: config.streamLength })]));
  return { config, spec, hash: specHash(spec), workloads };
}

const cellId = (strategy: string, workload: string, tier: string) => `${strategy}|${workload}|${tier}`;

/** Every cell of the config; a cell that already has all its samples (resume) is kept as it is. */
export function planCells(config: RunConfig, previous: Results | undefined): CellRecord[] {
  const old = new Map(previous?.cells.map((c) => [c.id, c]));
  return config.tiers.flatMap((tier) =>
    config.workloads.flatMap((workload) =>
      config.strategies.map((strategy): CellRecord => {
        const id = cellId(strategy, workload, tier);
        const prior = old.get(id);
        if (prior && prior.status === "ok" && config.samples !== null && prior.samples.length >= config.samples) return prior;
        // Any other cell (re)starts in a new process; a failed one gets a fresh start; measured samples are kept.
        return { id, strategy, workload, tier, flags: [...TIERS[tier]], status: "pending", samples: prior?.samples ?? [], seconds: prior?.seconds ?? 0 };
      }),
    ),
  );
}

/** What a run records of its modules (`run` fills it in once the emit child replies). */
export const moduleRecords = (modules: readonly WorkerModule[]): Results["modules"] => Object.fromEntries(modules.map((m) => [m.strategy, { bytes: m.bytes.length, audit: m.audit }]));

export function newRun(p: Point, modules: readonly WorkerModule[], cells: CellRecord[], sessions: Session[], fingerprint: Fingerprint): Results {
  return {
    complete: false,
    sessions,
    tool: toolVersions(),
    fingerprint,
    config: p.config,
    spec: { name: p.spec.name, hash: p.hash, args: p.spec.args, fallback: p.spec.fallback.toString(), handlers: p.spec.handlers },
    modules: moduleRecords(modules),
    workloads: Object.fromEntries([...p.workloads].map(([name, w]) => [name, { description: w.description, length: w.stream.length, mix: w.mix, notes: w.notes ?? [] }])),
    cells,
    summaries: [],
    answers: [],
  };
}

/**
 * What the runner gets per cell: module bytes made unique to the cell and
 * session (V8 shares code and feedback between equal bytes), its stream and
 * flags, and its process group (`grouped`: one process per strategy and
 * tier, else one per cell).
 */
export function cellInputs(p: Point, run: Results, modules: readonly WorkerModule[], grouped: boolean): CellInput[] {
  const bytes = new Map(modules.map((m) => [m.strategy, m.bytes]));
  const session = run.sessions.length - 1;
  return run.cells.map((c) => ({
    id: c.id,
    group: grouped ? `${c.strategy}|${c.tier}` : c.id,
    module: withCustomSection(bytes.get(c.strategy)!, "dispatch-lab.cell", `${p.spec.name}|${c.id}|session ${session}`),
    stream: p.workloads.get(c.workload)!.stream,
    execArgv: c.flags,
  }));
}

/**
 * Time kept back at the end of a run for its statistics: 3 s, or 30 ms per
 * cell when more (a position sweep's run holds hundreds of cells, each
 * bootstrapped).
 */
const reserveMs = (config: RunConfig) => Math.max(3000, 30 * config.strategies.length * config.workloads.length * config.tiers.length);

export function runnerOptions(config: RunConfig, deadline: number, session: number, stop: (() => boolean) | undefined): RunnerOptions {
  return {
    cpu: config.cpu,
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


export function finishRun(run: Results, interrupted: boolean): void {
  summarizeRun(run);
  const { cells, config } = run;
  run.complete = !interrupted && cells.every((c) => c.status === "ok" && (config.samples === null || c.samples.length >= config.samples));
  run.sessions.at(-1)!.finishedAt = new Date().toISOString();
}

/**
 * Writes the dataset after every round. Statistics (bootstrap) cost ~1 s
 * for the default run: `write(active)` refreshes the active run's at most
 * every 5 s; `write(undefined)` writes the dataset as it stands (a sweep's
 * statistics come once per point, from finishRun).
 */
export function datasetWriter(dataset: Dataset, out: string): { write(active: Results | undefined): void; files(): string[] } {
  let files: string[] = [];
  let summarizedAt = 0;
  return {
    write(active) {
      if (active && Date.now() - summarizedAt > 5000) {
        summarizeRun(active);
        summarizedAt = Date.now();
      }
      files = writeResults(out, dataset);
    },
    files: () => files,
  };
}

/**
 * report.html next to the CSVs, once, at the end. Charts (Observable Plot,
 * linkedom) load only here, so neither the measuring loop nor a library user
 * who only emits pays for them.
 */
export async function writeReport(dataset: Dataset, out: string): Promise<string> {
  const { renderHtml } = await import("../report/html.js");
  const path = join(out, "report.html");
  writeFileAtomic(path, renderHtml([dataset]));
  return path;
}
