/**
 * `run`: the lab's main job, composed from the stages: claim --out (a lock;
 * no run silently replaced), prepare every input, emit the modules in a
 * child, measure (lab/measure.ts), report. results.json is written before
 * the first process starts and rewritten atomically after every round;
 * `resume` continues an interrupted run from its results.json when nothing
 * it depends on changed (lab/resume.ts).
 */
import { datasetWriter, newDataset, writeReport } from "./dataset-writer.js";
import { emitInWorker } from "./emit-in-worker.js";
import { hashInputs } from "./inputs.js";
import { proveInlining } from "./inlining.js";
import { checkCountable } from "./counts.js";
import { measureAsConfigured } from "./measure-as-configured.js";
import type { RunProgress } from "./measure.js";
import { claimOutFolder, type OutFolder } from "./out-folder.js";
import { checkUnchanged, previousRun, resumedConfig } from "./resume.js";
import { failedCells, moduleRecords, newRun, newSession, planCells } from "./run-record.js";
import { prepareRunInputs, type RunInputs } from "./run-inputs.js";
import { parseEnginePaths } from "../engines/resolve.js";
import { settingsOf, type SettingsRequest } from "./settings.js";
import { DEFAULT_PROCESSES, DEFAULT_TIME_BUDGET_S } from "../model/settings.js";
import { selectStrategies } from "../emit/strategies/index.js";
import { LabError } from "../errors.js";
import { CONTROL, type Dataset, type RunRecord, type RunConfig } from "../model/results.js";
import { collectFingerprint } from "../run/fingerprint.js";
import { checkCpu, pin, stagingCpu, unpinSelf } from "../run/pin.js";
import { loadSpec } from "../spec/load.js";
import type { Spec } from "../spec/types.js";
import { defaultWorkloads, workloadList } from "../workload/index.js";

/** Settings: samples per cell (default: as many as the budget allows), processes per cell (segments, default 3), ... */
export interface RunRequest extends SettingsRequest {
  spec?: string;
  strategies?: string;
  workloads?: string;
  out: string;
  resume?: boolean;
  /** Replace the run --out holds: its files are deleted once this run's inputs are checked. */
  force?: boolean;
  reference?: string;
  /** false: neither read nor write the module cache (`--no-cache`); default true. */
  cache?: boolean;
  progress?: RunProgress;
  stop?: () => boolean;
  /** A line for the user that is not a result (a stale lock taken over). */
  note?: (line: string) => void;
}

export type { RunProgress };

export interface RunOutcome {
  /** The run (also the dataset's only run). */
  results: RunRecord;
  dataset: Dataset;
  files: string[];
  failedCells: number;
}

/**
 * A new run's config from a request. The control is measured in every run,
 * listed or not (last, unless listed): without it there are no net costs
 * and no cell two runs can be gated on. The default workloads depend on
 * the spec (workload/index.ts: defaultWorkloads).
 */
export function newConfig(req: RunRequest, load: (spec: string) => Spec = loadSpec): RunConfig {
  const listed = selectStrategies(req.strategies).map((s) => s.name);
  const strategies = listed.includes(CONTROL) ? listed : [...listed, CONTROL];
  const reference = req.reference ?? "table";
  if (!strategies.includes(reference))
    throw new LabError(
      "usage",
      [{ path: "--reference", message: `"${reference}" is not among the strategies run (${strategies.join(", ")})` }],
      "add it to --strategies or pick another --reference",
    );
  const spec = req.spec ?? "xen:pv64";
  return {
    spec,
    strategies,
    workloads: req.workloads === undefined ? defaultWorkloads(load(spec)) : workloadList(req.workloads),
    reference,
    control: CONTROL,
    ...settingsOf(req, { processes: DEFAULT_PROCESSES, timeBudgetS: DEFAULT_TIME_BUDGET_S }),
  };
}

/** Every input checked, before any process starts or file is written. */
function prepare(req: RunRequest): { inputs: RunInputs; previous: RunRecord | undefined } {
  const previous = req.resume ? previousRun(req.out) : undefined;
  const loaded = new Map<string, Spec>(); // the defaults and the inputs need the same spec: load it once
  const load = (spec: string) => loaded.get(spec) ?? loaded.set(spec, loadSpec(spec)).get(spec)!;
  const config = previous ? resumedConfig(previous, req) : newConfig(req, load);
  checkCpu(config.cpu);
  checkCountable(config);
  const inputs = prepareRunInputs(config, load, parseEnginePaths(req.enginePaths));
  const hashes = hashInputs(config); // a trace may be hundreds of MiB: read once, to compare and to record
  if (previous) checkUnchanged(previous, inputs, hashes);
  config.inputs = hashes; // unchanged on --resume; recorded now for a run from before they were
  return { inputs, previous };
}

export async function run(req: RunRequest): Promise<RunOutcome> {
  if (req.resume && req.force)
    throw new LabError(
      "usage",
      [{ path: "--force", message: "cannot go with --resume: one continues the run in --out, the other replaces it" }],
      "drop one of them",
    );
  const folder = claimOutFolder(req.out, req.resume ? "resume" : req.force ? "force" : "new", req.note ?? (() => undefined));
  try {
    return await runIn(req, folder);
  } finally {
    folder.release();
    unpinSelf(); // the run pinned this process; a library user's next work gets every CPU back
  }
}

/**
 * This session's record: the resumed run's cells and sessions carried on,
 * or a new run's; the runner pinned first, to the staging CPU (pin.ts
 * stagingCpu: off the measuring one; children inherit it).
 */
function beginSession(inputs: RunInputs, previous: RunRecord | undefined, started: number): RunRecord {
  const { config } = inputs;
  const pinning = pin(process.pid, stagingCpu(config.cpu) ?? config.cpu); // each child is pinned and checked again
  const sessions = [...(previous?.sessions ?? []), newSession(started, pinning)];
  return newRun(inputs, [], planCells(inputs, previous), sessions, previous?.fingerprint ?? collectFingerprint());
}

async function runIn(req: RunRequest, folder: OutFolder): Promise<RunOutcome> {
  const started = Date.now();
  const { inputs, previous } = prepare(req);
  folder.clear();
  const results = beginSession(inputs, previous, started);
  const dataset = newDataset("run", [results], null);
  const writer = datasetWriter(dataset, req.out);
  // A new run's files exist from the first moment: a kill from here on leaves a run --resume continues
  // (a resumed run's file is there already, with its statistics).
  if (!previous) writer.write(undefined);
  const [modules] = await emitInWorker([{ spec: inputs.spec, strategies: inputs.config.strategies, bodies: inputs.config.bodies }], {
    cache: req.cache ?? true,
  });
  results.modules = moduleRecords(modules!);
  await proveInlining(inputs, modules!, results, req.note);
  if (!previous) writer.write(undefined);
  // The budget counts from the run's start, native builds included; counting is not in it.
  await measureAsConfigured(inputs, results, modules!, (now) => started + inputs.config.timeBudgetS * 1000 - now, {
    writer,
    grouped: false,
    liveStatistics: true,
    progress: req.progress,
    stop: req.stop,
  });
  return { results, dataset, files: [...writer.files(), await writeReport(dataset, req.out)], failedCells: failedCells([results]) };
}
