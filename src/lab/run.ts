/**
 * `run`: the lab's main job, composed from the stages: spec -> modules ->
 * workloads -> cells -> runner (child processes) -> statistics -> results
 * files. Results are rewritten atomically after every round; `resume`
 * continues an interrupted run from its results.json.
 */
import { join } from "node:path";
import { emitInWorker, type WorkerModule } from "./emit-in-worker.js";
import { selectStrategies } from "../emit/strategies/index.js";
import { LabError } from "../errors.js";
import { answers } from "../report/answers.js";
import { writeFileAtomic } from "../io.js";
import { summarizeCells } from "../results/analyze.js";
import { readResults } from "../results/read.js";
import { RESULTS_SCHEMA, type CellRecord, type Results, type RunConfig, type Session } from "../results/schema.js";
import { writeResults } from "../results/write.js";
import { withCustomSection } from "../run/cell-bytes.js";
import { collectFingerprint } from "../run/fingerprint.js";
import { checkCpu, defaultCpu, pin } from "../run/pin.js";
import { runCells, type CellInput, type RunnerOptions } from "../run/runner.js";
import { parseTiers, TIERS } from "../run/tiers.js";
import { toolVersions } from "../paths.js";
import { loadSpec, specHash } from "../spec/load.js";
import type { Spec } from "../spec/types.js";
import { buildWorkload, DEFAULT_STREAM_LENGTH, DEFAULT_WORKLOADS, type Workload } from "../workload/index.js";

export interface RunRequest {
  spec?: string;
  strategies?: string;
  workloads?: string;
  tiers?: string;
  /** Samples per cell; undefined: as many as the time budget allows. */
  samples?: number;
  /** Processes per cell (segments of the run), default 3. */
  processes?: number;
  timeBudgetS?: number;
  seed?: number;
  out: string;
  resume?: boolean;
  cpu?: number;
  reference?: string;
  bodies?: string;
  targetSampleMs?: number;
  streamLength?: number;
  progress?: RunProgress;
  stop?: () => boolean;
}

export interface RunProgress {
  cellStarted?(done: number, total: number, cell: CellRecord): void;
  round?(done: number, planned: number): void;
}

export interface RunOutcome {
  results: Results;
  files: string[];
  failedCells: number;
}

export const DEFAULT_TIME_BUDGET_S = 75;
export const CONTROL = "direct";
export const DEFAULT_PROCESSES = 3;

function newConfig(req: RunRequest): RunConfig {
  const strategies = selectStrategies(req.strategies).map((s) => s.name);
  const reference = req.reference ?? "table";
  if (!strategies.includes(reference))
    throw new LabError("usage", [{ path: "--reference", message: `"${reference}" is not among the strategies run (${strategies.join(", ")})` }], "add it to --strategies or pick another --reference");
  return {
    spec: req.spec ?? "xen:pv64",
    strategies,
    workloads: req.workloads ? req.workloads.split(",").map((w) => w.trim()).filter(Boolean) : [...DEFAULT_WORKLOADS],
    tiers: parseTiers(req.tiers),
    reference,
    control: CONTROL,
    samples: req.samples ?? null,
    processes: req.processes ?? DEFAULT_PROCESSES,
    timeBudgetS: req.timeBudgetS ?? DEFAULT_TIME_BUDGET_S,
    seed: req.seed ?? 1,
    targetSampleMs: req.targetSampleMs ?? 10,
    streamLength: req.streamLength ?? DEFAULT_STREAM_LENGTH,
    cpu: req.cpu ?? defaultCpu(),
    bodies: req.bodies ?? null,
  };
}

/** With --resume the stored config is the run's; only the budget and the CPU may change. */
function resumedConfig(previous: Results, req: RunRequest): RunConfig {
  const given = (["spec", "strategies", "workloads", "tiers", "samples", "processes", "seed", "reference", "bodies"] as const).filter((k) => req[k] !== undefined);
  if (given.length) throw new LabError("usage", given.map((k) => ({ path: `--${k}`, message: "cannot change on --resume: the run continues with its stored config" })), "drop these options, or start a new run in another --out folder");
  return { ...previous.config, cpu: req.cpu ?? previous.config.cpu, timeBudgetS: req.timeBudgetS ?? previous.config.timeBudgetS };
}

const cellId = (strategy: string, workload: string, tier: string) => `${strategy}|${workload}|${tier}`;

function planCells(config: RunConfig, previous: Results | undefined): CellRecord[] {
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

function buildWorkloads(config: RunConfig, spec: Spec): Map<string, Workload> {
  return new Map(config.workloads.map((w) => [w, buildWorkload(w, spec, { seed: config.seed, length: config.streamLength })]));
}

interface Prepared {
  config: RunConfig;
  previous: Results | undefined;
  spec: Spec;
  hash: string;
  workloads: Map<string, Workload>;
}

/** Every input checked, before any process starts or file is written. */
function prepare(req: RunRequest): Prepared {
  const previous = req.resume ? readResults(join(req.out, "results.json")) : undefined;
  if (previous?.complete) throw new LabError("usage", [{ path: join(req.out, "results.json"), message: "this run is already complete" }], "start a new run in another --out folder");
  const config = previous ? resumedConfig(previous, req) : newConfig(req);
  checkCpu(config.cpu);
  const spec = loadSpec(config.spec);
  const hash = specHash(spec);
  if (previous && previous.spec.hash !== hash)
    throw new LabError("results-invalid", [{ path: config.spec, message: `the spec changed since the run began (hash ${hash.slice(0, 12)} != ${previous.spec.hash.slice(0, 12)})` }], "restore the spec, or start a new run");
  return { config, previous, spec, hash, workloads: buildWorkloads(config, spec) };
}

function initialResults(p: Prepared, modules: Map<string, WorkerModule>, cells: CellRecord[], session: Session): Results {
  return {
    schema: RESULTS_SCHEMA,
    complete: false,
    sessions: [...(p.previous?.sessions ?? []), session],
    tool: toolVersions(),
    fingerprint: p.previous?.fingerprint ?? collectFingerprint(),
    config: p.config,
    spec: { name: p.spec.name, hash: p.hash, args: p.spec.args, fallback: p.spec.fallback.toString(), handlers: p.spec.handlers },
    modules: Object.fromEntries([...modules].map(([name, m]) => [name, { bytes: m.bytes.length, audit: m.audit }])),
    workloads: Object.fromEntries([...p.workloads].map(([name, w]) => [name, { description: w.description, length: w.stream.length, mix: w.mix, notes: w.notes ?? [] }])),
    cells,
    summaries: [],
    answers: [],
  };
}

/**
 * Write the results after every round. Statistics (bootstrap) cost ~1 s for
 * the default run: they are refreshed every 5 s and at the end.
 */
function persister(results: Results, out: string, interrupted: () => boolean): { persist(final: boolean): void; files(): string[] } {
  let files: string[] = [];
  let summarizedAt = 0;
  const { config, cells } = results;
  return {
    persist(final) {
      if (final || Date.now() - summarizedAt > 5000) {
        results.summaries = summarizeCells(cells, config);
        results.answers = answers(results.summaries, config);
        summarizedAt = Date.now();
      }
      if (final) {
        results.complete = !interrupted() && cells.every((c) => c.status === "ok" && (config.samples === null || c.samples.length >= config.samples));
        results.sessions.at(-1)!.finishedAt = new Date().toISOString();
      }
      files = writeResults(out, results);
    },
    files: () => files,
  };
}

export async function run(req: RunRequest): Promise<RunOutcome> {
  const started = Date.now();
  const p = prepare(req);
  const { config } = p;
  const pinning = pin(process.pid, config.cpu); // children inherit it; each is pinned and checked again
  const modules = new Map((await emitInWorker(p.spec, config.strategies, config.bodies)).map((m) => [m.strategy, m]));
  const cells = planCells(config, p.previous);
  const session = p.previous ? p.previous.sessions.length : 0;
  const inputs: CellInput[] = cells.map((c) => ({
    id: c.id,
    module: withCustomSection(modules.get(c.strategy)!.bytes, "dispatch-lab.cell", `${c.id}|session ${session}`),
    stream: p.workloads.get(c.workload)!.stream,
    execArgv: c.flags,
  }));
  const results = initialResults(p, modules, cells, { startedAt: new Date(started).toISOString(), finishedAt: null, pinning });
  const writer = persister(results, req.out, () => !!req.stop?.());
  const options: RunnerOptions = {
    cpu: config.cpu,
    targetSampleMs: config.targetSampleMs,
    maxWarmupMs: 500,
    deadline: started + config.timeBudgetS * 1000,
    reserveMs: 3000,
    samples: config.samples ?? undefined,
    processes: config.processes,
    seed: config.seed,
    session,
    initTimeoutMs: 60_000,
    ...(req.stop ? { stop: req.stop } : {}),
  };
  await runCells(inputs, cells, options, {
    onCellStarted: (cell, i, n) => req.progress?.cellStarted?.(i + 1, n, cell as CellRecord),
    onRound: (done, planned) => req.progress?.round?.(done, planned),
    persist: (_cells, final) => writer.persist(final),
  });
  return { results, files: [...writer.files(), await writeReport(results, req.out)], failedCells: cells.filter((c) => c.status === "failed").length };
}

/**
 * report.html next to the CSVs, once, at the end. Charts (Observable Plot,
 * linkedom) load only here, so neither the measuring loop nor a library user
 * who only emits pays for them.
 */
async function writeReport(results: Results, out: string): Promise<string> {
  const { renderHtml } = await import("../report/html.js");
  const path = join(out, "report.html");
  writeFileAtomic(path, renderHtml([results]));
  return path;
}
