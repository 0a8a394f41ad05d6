/**
 * `sweep`: the kind plans its points (runs), every module of every point is
 * emitted in one short-lived child, then the points are measured one after
 * another in a seeded shuffled order, each in its share of the time budget,
 * with one process per strategy (its cells, one module instance each).
 * The dataset (every run so far) is rewritten atomically during each point
 * and after it; the kind's analysis and report.html come at the end.
 */
import { datasetWriter, newDataset, writeReport } from "./dataset-writer.js";
import { emitInWorker, type WorkerModule } from "./emit-in-worker.js";
import type { RunProgress } from "./measure.js";
import { measureAsConfigured } from "./measure-as-configured.js";
import { claimOutFolder } from "./out-folder.js";
import { failedCells, newRun, newSession, planCells } from "./run-record.js";
import { checkCountable } from "./counts.js";
import { proveInlining } from "./inlining.js";
import { prepareRunInputs, type RunInputs } from "./run-inputs.js";
import { parseEnginePaths } from "../engines/resolve.js";
import { settingsOf, type SettingsRequest } from "./settings.js";
import { selectStrategies } from "../emit/strategies/index.js";
import { LabError } from "../errors.js";
import type { Pinning } from "../model/cells.js";
import { measuresOf } from "../model/counts.js";
import { cellsOf, type Dataset, type RunRecord } from "../model/results.js";
import type { MeasureSettings } from "../model/settings.js";
import type { SweepAnalysis, SweepKind } from "../model/sweep.js";
import { collectFingerprint } from "../run/fingerprint.js";
import { checkCpu, pin, stagingCpu, unpinSelf } from "../run/pin.js";
import { loadSpec } from "../spec/load.js";
import { seededRng } from "../stats/rng.js";
import { countsSentences } from "../sweep/counts.js";
import { inconclusiveSentences } from "../sweep/curves.js";
import { pointShareMs, sweepCost, type SweepCost } from "../sweep/budget.js";
import type { SweepOptions, SweepPlan } from "../sweep/kind.js";
import { SWEEP_KINDS } from "../sweep/kinds/index.js";

export interface SweepRequest extends SweepOptions, SettingsRequest {
  kind: SweepKind;
  out: string;
  /** Replace the run or sweep --out holds (its files are deleted once this sweep's inputs are checked). */
  force?: boolean;
  /** false: neither read nor write the module cache (`--no-cache`); default true. */
  cache?: boolean;
  progress?: SweepProgress;
  stop?: () => boolean;
  /** A line for the user that is not a result (a stale lock taken over). */
  note?: (line: string) => void;
}

export interface SweepProgress extends RunProgress {
  point?(done: number, total: number, label: string): void;
  /** A line about the sweep as a whole (its estimated cost, up front). */
  note?(text: string): void;
}

export interface SweepOutcome {
  dataset: Dataset;
  files: string[];
  failedCells: number;
}

/** Each kind's defaults finish within 3 minutes, start-up and report included, on a 2-core VM. */
export const DEFAULT_SWEEP_BUDGET_S = 160;
/** Two processes per cell: CIs see process-to-process variation, and the restarts cost less than a third. */
const DEFAULT_SWEEP_PROCESSES = 2;
/** Kept back at the end for the analysis and the report. */
const FINAL_RESERVE_MS = 5000;

interface Prepared {
  plan: SweepPlan;
  points: RunInputs[];
  s: MeasureSettings;
  cost: SweepCost;
}

/** Every point's spec, strategies and workloads checked, and the budget against the minimum rounds, before anything runs. */
function prepare(req: SweepRequest): Prepared {
  const s = settingsOf(req, { processes: DEFAULT_SWEEP_PROCESSES, timeBudgetS: DEFAULT_SWEEP_BUDGET_S });
  checkCpu(s.cpu);
  checkCountable(s);
  const plan = SWEEP_KINDS[req.kind].plan(req, s, loadSpec);
  if (plan.points.length === 0)
    throw new LabError("usage", [{ path: req.kind, message: "the sweep has no points" }], "give at least one size, skew or body size");
  for (const p of plan.points) selectStrategies(p.config.strategies.join(","));
  const enginePaths = parseEnginePaths(req.enginePaths);
  const points = plan.points.map((p) => prepareRunInputs(p.config, loadSpec, enginePaths));
  const cost = sweepCost(
    points.map((p) => p.config),
    points.map((p) => p.spec.handlers.length),
    FINAL_RESERVE_MS,
  );
  if (s.timeBudgetS < cost.minimumS) throw budgetTooSmall(s, cost, points);
  return { plan, points, s, cost };
}

function budgetTooSmall(s: MeasureSettings, cost: SweepCost, points: readonly RunInputs[]): LabError {
  const cells = points.reduce((n, p) => n + cellsOf(p.config), 0);
  const rounds = cost.points[0]!.rounds;
  return new LabError(
    "usage",
    [
      {
        path: "--time-budget",
        message: `${s.timeBudgetS} s is too small for this sweep: ${points.length} point${points.length === 1 ? "" : "s"}, ${cells} cells in ${s.processes} processes each, need about ${cost.minimumS} s for ${rounds} rounds per cell (start-up ${(cost.startupMs / 1000).toFixed(0)} s)`,
      },
    ],
    `use --time-budget ${cost.minimumS} or more, or measure less (fewer --sizes, --strategies or --workloads, --processes 1)`,
  );
}

const estimateNote = (cost: SweepCost, budgetS: number) =>
  `${cost.points.length} points; estimated start-up ${(cost.startupMs / 1000).toFixed(0)} s and ${cost.minimumS} s for the minimum ${cost.points[0]!.rounds} rounds per cell; budget ${budgetS} s`;

/** The sweep claims its --out as `run` does (lab/out-folder.ts): a lock, and no run or sweep silently replaced. */
export async function sweep(req: SweepRequest): Promise<SweepOutcome> {
  const folder = claimOutFolder(req.out, req.force ? "force" : "new", req.note ?? (() => undefined), false);
  try {
    const prepared = prepare(req);
    folder.clear();
    return await measurePoints(req, prepared);
  } finally {
    folder.release();
    unpinSelf(); // the run pinned this process; a library user's next work gets every CPU back
  }
}

/** Every point's modules, emitted in one child, and its run record (cells planned, a session pinned to the CPU). */
async function emitPoints({ points, s }: Prepared, pinning: Pinning, cache: boolean): Promise<{ modules: WorkerModule[][]; runs: RunRecord[] }> {
  const modules = await emitInWorker(
    points.map((p) => ({ spec: p.spec, strategies: p.config.strategies, bodies: s.bodies })),
    { cache },
  );
  const fingerprint = collectFingerprint();
  return {
    modules,
    runs: points.map((p, i) => newRun(p, modules[i]!, planCells(p, undefined), [newSession(Date.now(), pinning)], fingerprint)),
  };
}

/** The measuring part of a sweep: emit, measure the points in a seeded order (each in its share of the budget left), analyse, report. */
async function measurePoints(req: SweepRequest, prepared: Prepared): Promise<SweepOutcome> {
  const { plan, points, s, cost } = prepared;
  const endsAt = Date.now() + s.timeBudgetS * 1000 - FINAL_RESERVE_MS;
  req.progress?.note?.(estimateNote(cost, s.timeBudgetS));
  const pinning = pin(process.pid, stagingCpu(s.cpu) ?? s.cpu); // the runner off the measuring CPU (pin.ts stagingCpu)
  const { modules, runs } = await emitPoints(prepared, pinning, req.cache ?? true);
  // One probe of the engines (the first point's modules) stands for every point: the engines and flags are the same.
  await proveInlining(points[0]!, modules[0]!, runs[0]!, req.note);
  for (const r of runs.slice(1))
    for (const [name, e] of Object.entries(r.engines ?? {})) {
      const check = runs[0]!.engines?.[name]?.inliningCheck;
      if (check) e.inliningCheck = check;
    }
  const order = seededRng(s.seed).shuffle(points.map((_, i) => i));
  const dataset = newDataset("sweep", runs, { kind: req.kind, options: plan.options, points: plan.points.map((p) => p.point), order, analysis: null });
  const writer = datasetWriter(dataset, req.out);
  writer.write(undefined);
  for (const [k, i] of order.entries()) {
    if (req.stop?.()) break;
    runs[i]!.sessions = [newSession(Date.now(), pinning)];
    const left = order.slice(k).map((j) => cost.points[j]!);
    const shareMs = pointShareMs(endsAt - Date.now(), left);
    req.progress?.point?.(k + 1, order.length, plan.points[i]!.point.label);
    // A point's native builds (its own spec) and its counting are not in its share of the budget: its timing is.
    await measureAsConfigured(points[i]!, runs[i]!, modules[i]!, () => shareMs, {
      writer,
      grouped: true,
      liveStatistics: false,
      progress: req.progress,
      stop: req.stop,
    });
  }
  dataset.sweep!.analysis = analyse(req.kind, prepared, runs);
  writer.write(undefined);
  return { dataset, files: [...writer.files(), await writeReport(dataset, req.out)], failedCells: failedCells(runs) };
}

/**
 * The kind's curves and fits, a sentence per point whose cells are
 * inconclusive, and the counts' lines where the sweep counted. A sweep that
 * counted without timing has no ns to fit: the kind's sentences (all "too
 * few measured points") give way to the counts'.
 */
function analyse(kind: SweepKind, { plan, s }: Prepared, runs: readonly RunRecord[]): SweepAnalysis {
  const points = plan.points.map((p) => p.point);
  const analysis = SWEEP_KINDS[kind].analyze(runs, points, plan.options, s.seed);
  const labels = points.map((p) => p.label);
  if (!measuresOf(s).includes("time")) analysis.sentences = [];
  analysis.sentences.push(...inconclusiveSentences(runs, labels), ...countsSentences(runs, points));
  return analysis;
}
