/**
 * `sweep`: the kind plans its points (runs), every module of every point is
 * emitted in one short-lived child, then the points are measured one after
 * another in a seeded shuffled order, each in its share of the time budget,
 * with one process per strategy (its cells, one module instance each).
 * The dataset (every run so far) is rewritten atomically during each point
 * and after it; the kind's analysis and report.html come at the end.
 */
import { emitInWorker } from "./emit-in-worker.js";
import { cellInputs, datasetWriter, progressHooks, settingsOf, type RunProgress, type SettingsRequest, finishRun, newRun, planCells, preparePoint, runnerOptions, writeReport, type Point } from "./point.js";
import { selectStrategies } from "../emit/strategies/index.js";
import { LabError } from "../errors.js";
import { RESULTS_SCHEMA, type Dataset } from "../model/results.js";
import { claimOutFolder } from "./out-folder.js";
import { collectFingerprint } from "../run/fingerprint.js";
import { loadMonitor } from "../run/load.js";
import { checkCpu, pin } from "../run/pin.js";
import { runCells } from "../run/runner.js";
import { loadSpec } from "../spec/load.js";
import { seededRng } from "../stats/rng.js";
import type { PointSettings, SweepOptions, SweepPlan } from "../sweep/kind.js";
import { SWEEP_KINDS } from "../sweep/kinds/index.js";
import { inconclusiveSentences } from "../sweep/analyze.js";
import { pointShareMs, sweepCost, type SweepCost } from "../sweep/budget.js";
import type { SweepKind } from "../model/sweep.js";

export interface SweepRequest extends SweepOptions, SettingsRequest {
  kind: SweepKind;
  out: string;
  /** Replace the run or sweep --out holds (its files are deleted once this sweep's inputs are checked). */
  force?: boolean;
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
export const DEFAULT_SWEEP_PROCESSES = 2;
/** Kept back at the end for the analysis and the report. */
const FINAL_RESERVE_MS = 5000;

/** Every point's spec, strategies and workloads checked, and the budget against the minimum rounds, before anything runs. */
function prepare(req: SweepRequest): { plan: SweepPlan; points: Point[]; s: PointSettings; cost: SweepCost } {
  const s = settingsOf(req, { processes: DEFAULT_SWEEP_PROCESSES, timeBudgetS: DEFAULT_SWEEP_BUDGET_S });
  checkCpu(s.cpu);
  const plan = SWEEP_KINDS[req.kind].plan(req, s, loadSpec);
  if (plan.points.length === 0) throw new LabError("usage", [{ path: req.kind, message: "the sweep has no points" }], "give at least one size, skew or body size");
  for (const p of plan.points) selectStrategies(p.config.strategies.join(","));
  const points = plan.points.map((p) => preparePoint(p.config));
  const cost = sweepCost(points.map((p) => p.config), points.map((p) => p.spec.handlers.length), FINAL_RESERVE_MS);
  if (s.timeBudgetS < cost.minimumS) throw budgetTooSmall(s, cost, points);
  return { plan, points, s, cost };
}

function budgetTooSmall(s: PointSettings, cost: SweepCost, points: readonly Point[]): LabError {
  const cells = points.reduce((n, p) => n + p.config.strategies.length * p.config.workloads.length * p.config.tiers.length, 0);
  const rounds = cost.points[0]!.rounds;
  return new LabError(
    "usage",
    [{ path: "--time-budget", message: `${s.timeBudgetS} s is too small for this sweep: ${points.length} point${points.length === 1 ? "" : "s"}, ${cells} cells in ${s.processes} processes each, need about ${cost.minimumS} s for ${rounds} rounds per cell (start-up ${(cost.points.reduce((n, p) => n + p.startupMs, 0) / 1000).toFixed(0)} s)` }],
    `use --time-budget ${cost.minimumS} or more, or measure less (fewer --sizes, --strategies or --workloads, --processes 1)`,
  );
}

const estimateNote = (cost: SweepCost, budgetS: number) =>
  `${cost.points.length} points; estimated start-up ${(cost.points.reduce((n, p) => n + p.startupMs, 0) / 1000).toFixed(0)} s and ${cost.minimumS} s for the minimum ${cost.points[0]!.rounds} rounds per cell; budget ${budgetS} s`;

/** The sweep claims its --out as `run` does (lab/out-folder.ts): a lock, and no run or sweep silently replaced. */
export async function sweep(req: SweepRequest): Promise<SweepOutcome> {
  const folder = claimOutFolder(req.out, req.force ? "force" : "new", req.note ?? (() => undefined), false);
  try {
    const prepared = prepare(req);
    folder.clear();
    return await measure(req, prepared);
  } finally {
    folder.release();
  }
}

async function measure(req: SweepRequest, { plan, points, s, cost }: ReturnType<typeof prepare>): Promise<SweepOutcome> {
  const started = Date.now();
  req.progress?.note?.(estimateNote(cost, s.timeBudgetS));
  const pinning = pin(process.pid, s.cpu);
  const modules = await emitInWorker(points.map((p) => ({ spec: p.spec, strategies: p.config.strategies, bodies: s.bodies })));
  const fingerprint = collectFingerprint();
  const session = () => [{ startedAt: new Date().toISOString(), finishedAt: null, pinning }];
  const runs = points.map((p, i) => newRun(p, modules[i]!, planCells(p.config, undefined), session(), fingerprint));
  const order = seededRng(s.seed).shuffle(points.map((_, i) => i));
  const dataset: Dataset = { schema: RESULTS_SCHEMA, kind: "sweep", complete: false, runs, sweep: { kind: req.kind, options: plan.options, points: plan.points.map((p) => p.point), order, analysis: null } };
  const writer = datasetWriter(dataset, req.out);
  const interrupted = () => !!req.stop?.();
  writer.write(undefined);
  for (const [k, i] of order.entries()) {
    if (interrupted()) break;
    const run = runs[i]!;
    run.sessions = session();
    const share = pointShareMs(started + s.timeBudgetS * 1000 - FINAL_RESERVE_MS - Date.now(), order.slice(k).map((j) => cost.points[j]!));
    req.progress?.point?.(k + 1, order.length, plan.points[i]!.point.label);
    const load = loadMonitor(s.cpu);
    await runCells(cellInputs(points[i]!, run, modules[i]!, true), run.cells, runnerOptions(run.config, Date.now() + share, 0, req.stop), {
      ...progressHooks(req.progress),
      persist: (_cells, final) => {
        if (final) {
          run.sessions[0]!.load = load.finish();
          finishRun(run, interrupted());
        } else load.tick();
        writer.write(undefined); // samples every round; statistics once the point is done
      },
    });
  }
  const analysis = SWEEP_KINDS[req.kind].analyze(runs, dataset.sweep!.points, plan.options, s.seed);
  analysis.sentences.push(...inconclusiveSentences(runs, plan.points.map((p) => p.point.label)));
  dataset.sweep!.analysis = analysis;
  dataset.complete = runs.every((r) => r.complete);
  writer.write(undefined);
  return { dataset, files: [...writer.files(), await writeReport(dataset, req.out)], failedCells: runs.reduce((n, r) => n + r.cells.filter((c) => c.status === "failed").length, 0) };
}
