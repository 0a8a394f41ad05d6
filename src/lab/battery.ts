/**
 * `battery`: the Xen question answered on this machine in one command. One
 * `run` per Xen spec (lab/run.ts: each in its own sub-folder of --out, so
 * each is resumable as any run is), then the runs merged into one dataset
 * in --out (results.json, the CSVs, machines.csv) and report.html, whose
 * first screen is the answer per mix (report/battery.ts). What it measures
 * is battery-plan.ts's.
 *
 * --resume: a spec whose run is complete is kept, an interrupted one is
 * continued (run --resume), a missing one is started; the merge and the
 * report are made again at the end.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { batteryPlan, type BatteryFacts, type BatteryPlan } from "./battery-plan.js";
import { claimOutFolder } from "./out-folder.js";
import { run, type RunProgress } from "./run.js";
import { installedEngines } from "../engines/installed.js";
import { LabError } from "../errors.js";
import { writeFileAtomic } from "../io.js";
import type { Dataset } from "../model/results.js";
import { mergeDatasets } from "../results/merge.js";
import { readResults } from "../results/read.js";
import { writeResults } from "../results/write.js";
import { valgrindVersion } from "../run/callgrind.js";
import { loadSpec } from "../spec/load.js";

/** The battery's own record in --out: what it planned, so --resume knows a battery is there. */
export const BATTERY_FILE = "battery.json";

export interface BatteryProgress extends RunProgress {
  point?(done: number, total: number, label: string): void;
  note?(text: string): void;
}

export interface BatteryRequest {
  out: string;
  quick?: boolean;
  resume?: boolean;
  /** Replace the battery in --out (each spec's run is replaced). */
  force?: boolean;
  /** The C compiler of the native engines (default cc). */
  cc?: string;
  /** Only these strategies (the control is measured anyway): a smaller battery, as tests run; default every default strategy. */
  strategies?: string;
  /** Samples per cell (tests: a tiny battery); default: as many as each spec's budget allows. */
  samples?: number;
  /** Seconds per spec's run instead of the plan's (tests). */
  timeBudgetS?: number;
  /** The facts the plan is made from (tests); default: this machine's. */
  facts?: Partial<BatteryFacts>;
  progress?: BatteryProgress;
  stop?: () => boolean;
  note?: (line: string) => void;
}

export interface BatteryOutcome {
  plan: BatteryPlan;
  dataset: Dataset;
  files: string[];
  failedCells: number;
  /** Seconds the whole battery took (this session). */
  wallS: number;
}

/** This machine's facts: its arch, the running node, the installed engines and valgrind. */
export function machineFacts(quick: boolean): BatteryFacts {
  return {
    quick,
    arch: process.arch,
    nodeMajor: Number(process.versions.node.split(".")[0]),
    installed: installedEngines().map((e) => ({ kind: e.kind, version: e.version })),
    valgrind: valgrindVersion() !== null,
  };
}

interface BatteryRecord {
  schema: "dispatch-lab/battery@1";
  quick: boolean;
  plan: BatteryPlan;
}

/** The plan of the battery in `out` (--resume continues that one, whatever --quick says now). */
function storedPlan(out: string): BatteryRecord {
  const path = join(out, BATTERY_FILE);
  if (!existsSync(path))
    throw new LabError("usage", [{ path: "--resume", message: `no battery in ${out}` }], `start one with dispatch-lab battery --out ${out}`);
  try {
    const record = JSON.parse(readFileSync(path, "utf8")) as BatteryRecord;
    if (record.schema !== "dispatch-lab/battery@1" || !Array.isArray(record.plan?.runs)) throw new Error("not a battery record");
    return record;
  } catch (e) {
    throw new LabError("results-invalid", [{ path, message: (e as Error).message }], `start again with dispatch-lab battery --force --out ${out}`);
  }
}

export async function battery(req: BatteryRequest): Promise<BatteryOutcome> {
  if (req.resume && req.force) throw new LabError("usage", [{ path: "--force", message: "cannot go with --resume" }], "drop one of them");
  const started = Date.now();
  const note = req.note ?? (() => undefined);
  // The lock only (claim "force" refuses nothing): a battery's --out holds sub-folders, checked below.
  const folder = claimOutFolder(req.out, "force", note);
  try {
    const record = req.resume ? storedPlan(req.out) : newRecord(req);
    writeFileAtomic(join(req.out, BATTERY_FILE), `${JSON.stringify(record, null, 2)}\n`);
    for (const s of record.plan.skipped) req.progress?.note?.(`skipped: ${s}`);
    const datasets = await runSpecs(req, record.plan);
    const { dataset } = mergeDatasets(
      datasets,
      record.plan.runs.map((r) => r.folder),
    );
    dataset.runs = datasets.flatMap((d) => d.runs); // the same runs (each spec once), in the battery's order: pv64 first
    const files = writeResults(req.out, dataset);
    const { renderBatteryHtml } = await import("../report/battery-html.js");
    const report = join(req.out, "report.html");
    writeFileAtomic(report, renderBatteryHtml(dataset, record.plan.skipped));
    const failedCells = dataset.runs.reduce((n, r) => n + r.summaries.filter((s) => s.status === "failed").length, 0);
    return { plan: record.plan, dataset, files: [...files, report], failedCells, wallS: (Date.now() - started) / 1000 };
  } finally {
    folder.release();
  }
}

function newRecord(req: BatteryRequest): BatteryRecord {
  const quick = !!req.quick;
  const exists = existsSync(join(req.out, BATTERY_FILE)) || existsSync(join(req.out, "results.json"));
  if (exists && !req.force)
    throw new LabError(
      "usage",
      [{ path: req.out, message: "already holds a battery or a run" }],
      "continue an interrupted battery with --resume, replace it with --force, or choose another --out",
    );
  const plan = batteryPlan({ ...machineFacts(quick), ...req.facts }, loadSpec);
  return { schema: "dispatch-lab/battery@1", quick, plan };
}

/** Each spec's run, in order: kept when complete (on --resume), continued when interrupted, else started. */
async function runSpecs(req: BatteryRequest, plan: BatteryPlan): Promise<Dataset[]> {
  const datasets: Dataset[] = [];
  for (const [i, p] of plan.runs.entries()) {
    if (req.stop?.()) break;
    const out = join(req.out, p.folder);
    const held = existsSync(join(out, "results.json")) ? readResults(join(out, "results.json")) : undefined;
    req.progress?.point?.(i + 1, plan.runs.length, `${p.spec}: ${p.workloads.length} workloads x ${p.engines.length} engines`);
    if (req.resume && held?.complete) {
      req.progress?.note?.(`${p.spec}: complete in ${out}, kept`);
      datasets.push(held);
      continue;
    }
    const budget = req.timeBudgetS ?? p.timeBudgetS;
    const hooks = { progress: req.progress, stop: req.stop, note: req.note };
    const outcome =
      req.resume && held
        ? await run({ out, resume: true, timeBudgetS: budget, ...hooks })
        : await run({
            out,
            force: !!req.force && !!held,
            spec: p.spec,
            workloads: p.workloads.join(","),
            engines: p.engines.join(","),
            measure: p.measure,
            processes: p.processes,
            timeBudgetS: budget,
            ...(req.cc !== undefined ? { cc: req.cc } : {}),
            ...(req.samples !== undefined ? { samples: req.samples } : {}),
            ...(req.strategies !== undefined ? { strategies: req.strategies } : {}),
            ...hooks,
          });
    datasets.push(outcome.dataset);
  }
  return datasets;
}
