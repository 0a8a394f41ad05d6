/** `check` for the library and the CLI: every strategy's module against each handler's own export, each in a worker with a time limit. */
import { checkCases } from "../check/cases.js";
import type { StrategyCheck } from "../check/check.js";
import { checkInWorkers, DEFAULT_CHECK_TIMEOUT_S } from "../check/check-in-worker.js";
import type { ModuleAudit } from "../model/cells.js";
import { emit, type EmitRequest } from "./emit.js";

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
