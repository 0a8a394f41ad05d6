/**
 * `check` for the library and the CLI: every strategy's module against each
 * handler's own export, each with a time limit, under every engine asked
 * for. The running node checks in worker threads (check-in-worker.ts); any
 * other engine in a child process of its own (check-in-process.ts).
 */
import { checkCases } from "../check/cases.js";
import type { StrategyCheck } from "../check/check.js";
import { checkInWorkers, DEFAULT_CHECK_TIMEOUT_S } from "../check/check-in-worker.js";
import { parseEnginePaths, resolveEngines, type ResolvedEngine } from "../engines/resolve.js";
import type { ModuleAudit } from "../model/cells.js";
import { parseEngines, type EngineKind } from "../model/engines.js";
import { checkInProcess } from "./check-in-process.js";
import { emit, type EmitRequest } from "./emit.js";

export interface CheckRequest extends Omit<EmitRequest, "withText"> {
  /** Random cases on top of every id and the boundary numbers (default 1000). */
  random?: number;
  seed?: number;
  /** Seconds each strategy's check may take before it fails as timed out (a body that loops; default 10). */
  timeoutS?: number;
  /** `node,node@24,deno,bun`: the engines to check in, in this order (default: node, the one running the lab). */
  engines?: string;
  /** `node@24=/path/to/node,deno=/usr/bin/deno`: binaries instead of installed engines. */
  enginePaths?: string;
}

export type CheckResult = StrategyCheck & { audit: ModuleAudit };

/** One engine's check: which engine, exactly, and every strategy's result in it. */
export interface EngineCheck {
  /** As named in --engines: `node`, `node@24`, `bun`. */
  engine: string;
  kind: EngineKind;
  /** The engine's own version: `24.22.3`. */
  version: string;
  /** What compiles the wasm: `V8 13.6.233.17-node.63`, `JavaScriptCore <revision>`. */
  vm: string;
  /** The lab's own node (checked in worker threads), --engine-path, or an installed engine. */
  source: ResolvedEngine["source"];
  results: CheckResult[];
}

export interface CheckReport {
  spec: string;
  specHash: string;
  handlers: number;
  args: number;
  random: number;
  seed: number;
  /** The first engine's results (`engines[0].results`): the running node's unless --engines says otherwise. */
  results: CheckResult[];
  /** Every engine's results, in --engines order. */
  engines: EngineCheck[];
  toolVersions: Record<string, string>;
}

export async function check(request: CheckRequest): Promise<CheckReport> {
  // Before anything is built: an engine that is not installed is a usage error naming its install command.
  const engines = resolveEngines(parseEngines(request.engines), parseEnginePaths(request.enginePaths));
  const emitted = await emit(request);
  const random = request.random ?? 1000;
  const seed = request.seed ?? 1;
  const cases = checkCases(emitted.spec, { random, seed });
  const modules = emitted.modules.map((m) => ({ strategy: m.strategy, control: m.control, bytes: m.bytes }));
  const timeoutMs = (request.timeoutS ?? DEFAULT_CHECK_TIMEOUT_S) * 1000;
  const checked: EngineCheck[] = [];
  // One engine after another: each check's time limit is then its own, not shared with another engine's.
  for (const engine of engines) {
    const checks =
      engine.source === "running"
        ? await checkInWorkers(emitted.spec, modules, cases, timeoutMs)
        : await checkInProcess(engine, emitted.spec, modules, cases, timeoutMs);
    checked.push({
      engine: engine.ref.name,
      kind: engine.kind,
      version: engine.version,
      vm: engine.vm,
      source: engine.source,
      results: emitted.modules.map((m, i) => ({ ...checks[i]!, audit: m.audit })),
    });
  }
  return {
    spec: emitted.spec.name,
    specHash: emitted.specHash,
    handlers: emitted.spec.handlers.length,
    args: emitted.spec.args,
    random,
    seed,
    results: checked[0]!.results,
    engines: checked,
    toolVersions: emitted.toolVersions,
  };
}
