/**
 * The library entry: the stages composed, for the CLI and for users who embed
 * the lab (no process.exit, no console output).
 */
import { checkCases } from "./check/cases.js";
import type { StrategyCheck } from "./check/check.js";
import { checkInWorkers, DEFAULT_CHECK_TIMEOUT_S } from "./check/check-in-worker.js";
import type { ModuleAudit } from "./emit/audit.js";
import { loadBodyLibrary, type BodyLibrary } from "./emit/bodies.js";
import { emitModules, type EmittedModule } from "./emit/emit.js";
import { toolVersions } from "./paths.js";
import { selectStrategies } from "./emit/strategies/index.js";
import { loadSpec } from "./spec/load.js";
import type { Spec } from "./spec/types.js";

export type { Spec, HandlerSpec, Handler, ParamType } from "./spec/types.js";
export type { EmittedModule } from "./emit/emit.js";
export type { ModuleAudit } from "./emit/audit.js";
export type { StrategyCheck, Mismatch } from "./check/check.js";
export { LabError, ExitCode } from "./errors.js";
export { strategies, defaultStrategyNames } from "./emit/strategies/index.js";
export { loadSpec, specHash } from "./spec/load.js";
export { validateSpec } from "./spec/validate.js";
export { run, type RunRequest, type RunOutcome, type RunProgress } from "./lab/run.js";
export { sweep, type SweepRequest, type SweepOutcome, type SweepProgress } from "./lab/sweep.js";
export { readResults, readResultsAt } from "./results/read.js";
export { compare, gate, type GateRequest, type GateOutcome, type DatasetInput } from "./lab/gate.js";
export { mergeDatasets } from "./results/merge.js";
export { customSmallerIsBetter, bencherBmf } from "./results/exporters/dashboards.js";
export type { Comparison, CellChange, CompareOptions, Verdict } from "./gate/compare.js";
export type { GateResult, Outcome } from "./gate/gate.js";
export type { AssertionResult } from "./gate/assert.js";
export type { Dataset, Results, CellSummary, CellRecord, RunConfig } from "./results/schema.js";
export type { SweepAnalysis, SweepKind, SweepPoint, SweepRecord } from "./sweep/types.js";

export interface EmitRequest {
  /** A spec (validated), a file path, or a built-in name such as "xen:pv64". */
  spec: string | Spec;
  /** "a,b", "all", or undefined for every strategy but hazard variants. */
  strategies?: string | undefined;
  /** An AssemblyScript file of extra body kinds. */
  bodies?: string | undefined;
  withText?: boolean;
}

export interface EmitResult {
  spec: Spec;
  specHash: string;
  library: BodyLibrary;
  modules: EmittedModule[];
  toolVersions: Record<string, string>;
}

export async function emit(request: EmitRequest): Promise<EmitResult> {
  const spec = typeof request.spec === "string" ? loadSpec(request.spec) : request.spec;
  const chosen = selectStrategies(request.strategies);
  const library = await loadBodyLibrary(request.bodies);
  const modules = emitModules(spec, chosen, { library, withText: request.withText ?? false });
  // emitModules hashed the spec once for every module's self-description: reuse it.
  return { spec, specHash: modules[0]!.specHash, library, modules, toolVersions: toolVersions() };
}

export interface CheckRequest extends Omit<EmitRequest, "withText"> {
  /** Random cases on top of every id and the boundary numbers (default 1000). */
  random?: number;
  seed?: number;
  /** Seconds each strategy's check may take before it fails as timed out (a body that loops; default 10). */
  timeoutS?: number;
}

export interface CheckReport {
  spec: string;
  specHash: string;
  handlers: number;
  args: number;
  random: number;
  seed: number;
  results: (StrategyCheck & { audit: ModuleAudit })[];
  toolVersions: Record<string, string>;
}

export async function check(request: CheckRequest): Promise<CheckReport> {
  const emitted = await emit(request);
  const random = request.random ?? 1000;
  const seed = request.seed ?? 1;
  const cases = checkCases(emitted.spec, { random, seed });
  const modules = emitted.modules.map((m) => ({ strategy: m.strategy, control: m.control, bytes: m.bytes }));
  const checks = await checkInWorkers(emitted.spec, modules, cases, (request.timeoutS ?? DEFAULT_CHECK_TIMEOUT_S) * 1000);
  const results = emitted.modules.map((m, i) => ({ ...checks[i]!, audit: m.audit }));
  return {
    spec: emitted.spec.name,
    specHash: emitted.specHash,
    handlers: emitted.spec.handlers.length,
    args: emitted.spec.args,
    random,
    seed,
    results,
    toolVersions: emitted.toolVersions,
  };
}
