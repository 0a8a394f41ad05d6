/**
 * The library entry: it only re-exports. The stages are composed in lab/
 * (emit, check, run, sweep, gate), for the CLI and for users who embed the
 * lab (no process.exit, no console output).
 */
export { emit, type EmitRequest, type EmitResult } from "./lab/emit.js";
export { check, type CheckRequest, type CheckReport, type EngineCheck } from "./lab/check.js";

export type { Spec, SpecInput, Handler, ParamType } from "./spec/types.js";
export type { EmittedModule } from "./emit/emit.js";
export type { ModuleAudit } from "./model/cells.js";
export type { StrategyCheck, Mismatch } from "./check/check.js";
export { LabError, ExitCode } from "./errors.js";
export { strategies, defaultStrategyNames } from "./emit/strategies/index.js";
export { loadSpec, specHash } from "./spec/load.js";
export { validateSpec } from "./spec/validate.js";
export { run, type RunRequest, type RunOutcome, type RunProgress } from "./lab/run.js";
export { sweep, type SweepRequest, type SweepOutcome, type SweepProgress } from "./lab/sweep.js";
export { readResults, readResultsAt } from "./results/read.js";
export { runAnswers } from "./results/answers.js";
export { installEngine } from "./engines/install.js";
export { installedEngines } from "./engines/installed.js";
export type { EngineRecord, Inlining } from "./model/engines.js";
export { compare, gate, type GateRequest, type GateOutcome, type DatasetInput } from "./lab/gate.js";
export { mergeDatasets } from "./results/merge.js";
export { customSmallerIsBetter, bencherBmf } from "./results/exporters/dashboards.js";
export type { Comparison, CellChange, CompareOptions, Verdict } from "./gate/compare.js";
export type { GateResult, Outcome } from "./gate/decide.js";
export type { AssertionResult } from "./gate/assert.js";
export type { Dataset, RunRecord, CellSummary, CellRecord, RunConfig } from "./model/results.js";
export type { SweepAnalysis, SweepKind, SweepPoint, SweepRecord } from "./model/sweep.js";
