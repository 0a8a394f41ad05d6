/**
 * `compare` and `gate` for the library and the CLI: results in (paths or
 * datasets), verdicts out; no output, no process.exit. `confirm` re-measures
 * the suspect cells (regressed or inconclusive) in a fresh run of the
 * current config before the gate decides: a regression must show twice.
 * `metric: "instructions" | "mispredicts"` gates on deterministic counts
 * (gate/counts.ts): exact, so never confirmed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LabError } from "../errors.js";
import { evaluateAssertion, parseAssertion } from "../gate/assert.js";
import { compareDatasets, type CellChange, type CompareOptions, type Comparison } from "../gate/compare.js";
import { COUNT_THRESHOLDS, type GateMetric, isCountMetric } from "../gate/counts.js";
import { decide, OUTCOME_EXIT, type GateResult } from "../gate/decide.js";
import { readResultsAt } from "../results/read.js";
import type { Dataset, RunRecord } from "../model/results.js";
import { loadSpec, specHash } from "../spec/load.js";
import { run } from "./run.js";

export type DatasetInput = string | Dataset;

const load = (d: DatasetInput): Dataset => (typeof d === "string" ? readResultsAt(d) : d);

export function compare(base: DatasetInput, current: DatasetInput, options: Partial<CompareOptions> = {}): Comparison {
  return compareDatasets(load(base), load(current), options);
}

export interface GateRequest {
  /** Results to compare against (omit to gate on assertions alone). */
  baseline?: DatasetInput;
  current: DatasetInput;
  /** Largest tolerated regression, a fraction of the call (default 0.05); ns only. */
  maxRegression?: number;
  /** What the baseline comparison is on: timed ns (default), or deterministic counts per dispatch (`run --measure counts`). */
  metric?: GateMetric;
  /** With a counts metric: the largest tolerated change, absolute, in counts per dispatch (default 0.5 instructions, 0.05 mispredicts). */
  countThreshold?: number;
  /** What cells are measured against in their rounds (default "control": net ns). */
  basis?: CompareOptions["basis"];
  /** Within-run assertions, e.g. "xen <= 1.05 * table @ xen:pv-guest-build". */
  asserts?: string[];
  /** Compare across machine ids, by within-run ratios to the control. */
  crossMachine?: boolean;
  /** Compare one engine's cells with another's (each side measured one), by within-run ratios to the control. */
  crossEngine?: boolean;
  /** Re-measure suspect cells before deciding. */
  confirm?: boolean;
  /** Fail (a regression) when the current results lack a cell the baseline measured. */
  requireAll?: boolean;
  /** Seconds for each confirmation run (default 40). */
  confirmBudgetS?: number;
  cpu?: number;
  seed?: number;
}

export interface GateOutcome extends GateResult {
  exitCode: number;
  /** Cells re-measured by `confirm`, as "spec strategy @ workload". */
  confirmed: string[];
}

export async function gate(req: GateRequest): Promise<GateOutcome> {
  if (!req.baseline && !req.asserts?.length)
    throw new LabError(
      "usage",
      [{ path: "gate", message: "nothing to gate on: no --baseline and no --assert" }],
      "pass --baseline RESULTS, or one or more --assert EXPR",
    );
  checkMetric(req);
  const assertions = (req.asserts ?? []).map(parseAssertion); // syntax errors before any work
  const current = load(req.current);
  const options: Partial<CompareOptions> = {
    ...(isCountMetric(req.metric) ? {} : { threshold: req.maxRegression ?? 0.05 }),
    basis: req.basis ?? "control",
    crossMachine: !!req.crossMachine,
    crossEngine: !!req.crossEngine,
    seed: req.seed ?? 1,
    ...(isCountMetric(req.metric) ? { metric: req.metric, ...(req.countThreshold !== undefined ? { countThreshold: req.countThreshold } : {}) } : {}),
  };
  const base = req.baseline ? load(req.baseline) : undefined;
  let comparison = base ? compareDatasets(base, current, options) : null;
  let confirmed: string[] = [];
  if (base && comparison && req.confirm) ({ comparison, confirmed } = await confirmSuspects(base, current, comparison, options, req));
  const result = decide(
    comparison,
    assertions.flatMap((a) => evaluateAssertion(a, current, req.seed)),
    { requireAll: !!req.requireAll },
  );
  return { ...result, exitCode: OUTCOME_EXIT[result.outcome], confirmed };
}

/** The options that go with a metric, and only with it: a usage error names the one that does not. */
function checkMetric(req: GateRequest): void {
  const usage = (path: string, message: string, fix: string) => new LabError("usage", [{ path, message }], fix);
  if (!isCountMetric(req.metric)) {
    if (req.countThreshold !== undefined)
      throw usage(
        "--count-threshold",
        "a threshold in counts per dispatch, but the metric is ns",
        "give --metric instructions or --metric mispredicts with it; ns use --max-regression",
      );
    return;
  }
  const m = req.metric;
  if (!req.baseline)
    throw usage("--metric", `--metric ${m} compares against a baseline, and there is none`, "give --baseline RESULTS (--assert always reads timed samples)");
  if (req.maxRegression !== undefined)
    throw usage(
      "--max-regression",
      `a fraction of a cell's ns, but the metric is ${m}`,
      `give the threshold in ${m} per dispatch with --count-threshold N (default ${COUNT_THRESHOLDS[m]})`,
    );
  if (req.confirm) throw usage("--confirm", `counts (--metric ${m}) are exact: a fresh run counts the same, there is nothing to confirm`, "drop --confirm");
}

const suspect = (c: CellChange) => c.verdict === "regressed" || c.verdict === "inconclusive";

/**
 * One new run per current run with suspects: their strategies and workloads,
 * with the reference and the control, from the stored config (its spec must
 * load here and hash the same). The new run's verdicts replace the suspects'.
 */
async function confirmSuspects(
  base: Dataset,
  current: Dataset,
  comparison: Comparison,
  options: Partial<CompareOptions>,
  req: GateRequest,
): Promise<{ comparison: Comparison; confirmed: string[] }> {
  const suspects = comparison.cells.filter(suspect);
  if (suspects.length === 0) return { comparison, confirmed: [] };
  const dir = mkdtempSync(join(tmpdir(), "dispatch-lab-confirm-"));
  try {
    const reruns: RunRecord[] = [];
    for (const r of current.runs) {
      const mine = suspects.filter((c) => c.specHash === r.spec.hash && c.machines.current === r.fingerprint.machineId);
      if (mine.length) reruns.push(await remeasure(r, mine, join(dir, String(reruns.length)), req));
    }
    const again = compareDatasets(base, { ...current, kind: "merge", runs: reruns }, options);
    const key = (c: CellChange) => `${c.specHash} ${c.strategy} ${c.workload} ${c.tier} ${c.engine} ${c.machines.base}`;
    const redone = new Map(again.cells.map((c) => [key(c), c]));
    const cells = comparison.cells.map((c) => (suspect(c) ? (redone.get(key(c)) ?? c) : c));
    return { comparison: { ...comparison, cells }, confirmed: suspects.map((c) => `${c.spec} ${c.strategy} @ ${c.workload}`) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function remeasure(r: RunRecord, cells: CellChange[], out: string, req: GateRequest): Promise<RunRecord> {
  const spec = loadSpec(r.config.spec);
  if (specHash(spec) !== r.spec.hash)
    throw new LabError(
      "results-invalid",
      [{ path: r.config.spec, message: "the spec loads here with another hash than the current results' (it changed since they were measured)" }],
      "run --confirm where the results were made, or without --confirm",
    );
  const strategies = [...new Set([...cells.map((c) => c.strategy), r.config.reference, r.config.control])];
  const workloads = [...new Set(cells.map((c) => c.workload))];
  const tiers = [...new Set(cells.map((c) => c.tier))];
  const engines = [...new Set(cells.map((c) => c.engine))];
  const outcome = await run({
    spec: r.config.spec,
    strategies: strategies.join(","),
    workloads: workloads.join(","),
    tiers: tiers.join(","),
    engines: engines.join(","),
    inlining: r.config.inlining ?? "engine", // a run before --inlining ran at the engine's defaults
    reference: r.config.reference,
    processes: r.config.processes,
    timeBudgetS: req.confirmBudgetS ?? 40,
    seed: r.config.seed + 1,
    out,
    ...(r.config.bodies ? { bodies: r.config.bodies } : {}),
    ...(req.cpu !== undefined ? { cpu: req.cpu } : {}),
  });
  return outcome.results;
}
