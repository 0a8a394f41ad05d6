/**
 * `run`: the lab's main job, composed from the stages: spec -> modules ->
 * workloads -> cells -> runner (child processes) -> statistics -> results
 * files. The run claims its --out folder first (a lock; no run silently
 * replaced), writes results.json before the first process starts, and
 * rewrites it atomically after every round; `resume` continues an
 * interrupted run from its results.json when nothing it depends on changed.
 */
import { join } from "node:path";
import { emitInWorker } from "./emit-in-worker.js";
import { checkInputsUnchanged, hashInputs } from "./inputs.js";
import { cellInputs, datasetWriter, progressHooks, settingsOf, type RunProgress, type SettingsRequest, finishRun, moduleRecords, newRun, planCells, preparePoint, runnerOptions, writeReport, type Point } from "./point.js";
import { selectStrategies } from "../emit/strategies/index.js";
import { LabError } from "../errors.js";
import { readResults } from "../results/read.js";
import { claimOutFolder, type OutFolder } from "./out-folder.js";
import { CONTROL, RESULTS_SCHEMA, type Dataset, type Results, type RunConfig, type Session } from "../model/results.js";
import { collectFingerprint } from "../run/fingerprint.js";
import { loadMonitor } from "../run/load.js";
import { checkCpu, pin } from "../run/pin.js";
import { runCells } from "../run/runner.js";
import { loadSpec } from "../spec/load.js";
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
  progress?: RunProgress;
  stop?: () => boolean;
  /** A line for the user that is not a result (a stale lock taken over). */
  note?: (line: string) => void;
}

export type { RunProgress };

export interface RunOutcome {
  /** The run (also the dataset's only run). */
  results: Results;
  dataset: Dataset;
  files: string[];
  failedCells: number;
}

export const DEFAULT_TIME_BUDGET_S = 75;
export const DEFAULT_PROCESSES = 3;

/**
 * A new run's config from a request. The control is measured in every run,
 * listed or not (last, unless listed): without it there are no net costs
 * and no cell two runs can be gated on. The default workloads depend on
 * the spec (workload/index.ts: defaultWorkloads).
 */
export function newConfig(req: RunRequest): RunConfig {
  const listed = selectStrategies(req.strategies).map((s) => s.name);
  const strategies = listed.includes(CONTROL) ? listed : [...listed, CONTROL];
  const reference = req.reference ?? "table";
  if (!strategies.includes(reference))
    throw new LabError("usage", [{ path: "--reference", message: `"${reference}" is not among the strategies run (${strategies.join(", ")})` }], "add it to --strategies or pick another --reference");
  const spec = req.spec ?? "xen:pv64";
  return {
    spec,
    strategies,
    workloads: req.workloads === undefined ? defaultWorkloads(loadSpec(spec)) : workloadList(req.workloads),
    reference,
    control: CONTROL,
    ...settingsOf(req, { processes: DEFAULT_PROCESSES, timeBudgetS: DEFAULT_TIME_BUDGET_S }),
  };
}

/** With --resume the stored config is the run's; only the budget and the CPU may change. */
function resumedConfig(previous: Results, req: RunRequest): RunConfig {
  const given = (["spec", "strategies", "workloads", "tiers", "samples", "processes", "seed", "reference", "bodies"] as const).filter((k) => req[k] !== undefined);
  if (given.length) throw new LabError("usage", given.map((k) => ({ path: `--${k}`, message: "cannot change on --resume: the run continues with its stored config" })), "drop these options, or start a new run in another --out folder");
  return { ...previous.config, cpu: req.cpu ?? previous.config.cpu, timeBudgetS: req.timeBudgetS ?? previous.config.timeBudgetS };
}

/** The run a --resume continues: a results.json of one run, not complete. */
function previousRun(out: string): Results {
  const path = join(out, "results.json");
  const dataset = readResults(path);
  if (dataset.kind !== "run" || dataset.runs.length !== 1) throw new LabError("usage", [{ path, message: `a ${dataset.kind} of ${dataset.runs.length} runs, not one run` }], "--resume continues a `run`; start a new run in another --out folder");
  if (dataset.complete) throw new LabError("usage", [{ path, message: "this run is already complete" }], "start a new run in another --out folder, or replace this one with --force");
  return dataset.runs[0]!;
}

/** Every input checked, before any process starts or file is written. */
function prepare(req: RunRequest): { point: Point; previous: Results | undefined } {
  const previous = req.resume ? previousRun(req.out) : undefined;
  const config = previous ? resumedConfig(previous, req) : newConfig(req);
  checkCpu(config.cpu);
  const point = preparePoint(config);
  if (previous && previous.spec.hash !== point.hash)
    throw new LabError("results-invalid", [{ path: config.spec, message: `the spec changed since the run began (hash ${point.hash.slice(0, 12)} != ${previous.spec.hash.slice(0, 12)})` }], "restore the spec, or start a new run");
  if (previous) checkInputsUnchanged(previous.config.inputs, config);
  config.inputs = hashInputs(config); // unchanged on --resume; recorded now for a run from before they were
  return { point, previous };
}

export async function run(req: RunRequest): Promise<RunOutcome> {
  if (req.resume && req.force) throw new LabError("usage", [{ path: "--force", message: "cannot go with --resume: one continues the run in --out, the other replaces it" }], "drop one of them");
  const folder = claimOutFolder(req.out, req.resume ? "resume" : req.force ? "force" : "new", req.note ?? (() => undefined));
  try {
    return await measure(req, folder);
  } finally {
    folder.release();
  }
}

async function measure(req: RunRequest, folder: OutFolder): Promise<RunOutcome> {
  const started = Date.now();
  const { point, previous } = prepare(req);
  const { config } = point;
  folder.clear();
  const pinning = pin(process.pid, config.cpu); // children inherit it; each is pinned and checked again
  const session: Session = { startedAt: new Date(started).toISOString(), finishedAt: null, pinning };
  const results = newRun(point, [], planCells(config, previous), [...(previous?.sessions ?? []), session], previous?.fingerprint ?? collectFingerprint());
  const dataset: Dataset = { schema: RESULTS_SCHEMA, kind: "run", complete: false, runs: [results], sweep: null };
  const writer = datasetWriter(dataset, req.out);
  // A new run's files exist from the first moment: a kill from here on leaves a run --resume continues
  // (a resumed run's file is there already, with its statistics).
  if (!previous) writer.write(undefined);
  const [modules] = await emitInWorker([{ spec: point.spec, strategies: config.strategies, bodies: config.bodies }]);
  results.modules = moduleRecords(modules!);
  if (!previous) writer.write(undefined);
  const interrupted = () => !!req.stop?.();
  const load = loadMonitor(config.cpu);
  await runCells(cellInputs(point, results, modules!, false), results.cells, runnerOptions(config, started + config.timeBudgetS * 1000, results.sessions.length - 1, req.stop), {
    ...progressHooks(req.progress),
    persist: (_cells, final) => {
      if (final) {
        session.load = load.finish();
        finishRun(results, interrupted());
        dataset.complete = results.complete;
      } else load.tick(); // the parent is awake between rounds anyway: sampling then takes no measuring time
      writer.write(final ? undefined : results); // finishRun has just summarised
    },
  });
  return { results, dataset, files: [...writer.files(), await writeReport(dataset, req.out)], failedCells: results.cells.filter((c) => c.status === "failed").length };
}
