/**
 * The differential check: every module must dispatch each case exactly as a
 * reference that does not use its dispatch: the handler's own `h<id>` export
 * (or the spec's fallback where no handler has that number). The control
 * kernel (`direct`) is held to its own contract: always its one handler.
 * A call that traps, or memory that grows (bodies never allocate), ends a
 * module's check with a failure naming the case. A module that needs an
 * engine feature the running engine lacks (table-ref on Node 20) is not run:
 * its check is skipped with a note saying why.
 */
import type { Spec } from "../spec/types.js";
import { engineSupports, FEATURE_ENGINES, unsupportedNote, type EngineFeature } from "../emit/features.js";
import { controlHandlerId } from "../emit/strategies/direct.js";
import { strategyNeeds } from "../emit/strategies/index.js";
import type { Case } from "./cases.js";

type Fn = (...args: (number | bigint)[]) => bigint;

export interface Mismatch {
  op: number;
  args: bigint[];
  expected: bigint;
  got: bigint;
  /** Which handler's result `got` is (a misroute), "fallback", or undefined when it is no handler's. */
  routedTo?: string;
}

export interface StrategyCheck {
  strategy: string;
  control: boolean;
  cases: number;
  mismatches: number;
  /** The first few mismatches, with where each call went. */
  examples: Mismatch[];
  /** Where mismatched calls went ("iret (23)": 12, ...), over the first ROUTED_LIMIT mismatches. */
  routes: Record<string, number>;
  /** Why the check stopped before its last case (a trap, memory growth, a timeout), or null when it ran them all. */
  failure: string | null;
  /**
   * Present when the check did not run: the module needs an engine feature
   * this engine lacks (`skipped: table-ref needs typed-function-references, which Node 20.20.2 ... lacks`).
   * `cases` is then 0 and `failure` null.
   */
  skipped?: string;
}

export interface CheckableModule {
  strategy: string;
  control: boolean;
  bytes: Uint8Array;
}

const MAX_EXAMPLES = 5;
/** Finding where a call went costs one call per handler: bound it for a badly broken module. */
const ROUTED_LIMIT = 200;

export function instantiate(bytes: Uint8Array): WebAssembly.Exports {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), {}).exports;
}

/** A call that trapped, named: `dispatch trapped: RuntimeError: unreachable`. */
class Trap extends Error {}

function call(name: string, fn: Fn, args: (number | bigint)[]): bigint {
  try {
    return fn(...args);
  } catch (e) {
    throw new Trap(`${name} trapped: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

/** Where a call went: the handler whose result, for these args, is `got` (a handler that traps is not it). */
function routedTo(exports: WebAssembly.Exports, spec: Spec, c: Case, got: bigint): string | undefined {
  if (got === spec.fallback) return "fallback";
  const returns = (id: number) => {
    try {
      return (exports[`h${id}`] as Fn)(...c.args) === got;
    } catch {
      return false;
    }
  };
  const hit = spec.handlers.find((h) => returns(h.id));
  return hit ? `${hit.name} (${hit.id})` : undefined;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** A module whose check could not run to its end: no mismatch counted, the reason kept. */
export const failedCheck = (module: CheckableModule, cases: number, failure: string): StrategyCheck => ({
  strategy: module.strategy,
  control: module.control,
  cases,
  mismatches: 0,
  examples: [],
  routes: {},
  failure,
});

/** A check that did not run, and why (`skipped: ...`). */
export const skippedCheck = (module: CheckableModule, note: string): StrategyCheck => ({
  strategy: module.strategy,
  control: module.control,
  cases: 0,
  mismatches: 0,
  examples: [],
  routes: {},
  failure: null,
  skipped: note,
});

/** A skipped check when the module needs a feature this engine lacks; undefined when it can run here. */
export function skipUnsupported(module: CheckableModule): StrategyCheck | undefined {
  const need = strategyNeeds(module.strategy);
  if (need === undefined || engineSupports(need)) return undefined;
  return skippedCheck(module, unsupportedNote(module.strategy, need));
}

/**
 * A skipped check when the module needs a feature another engine lacks, as
 * that engine's driver says (`supports`: true, or why not), without starting
 * it; undefined when it can run there. `engine` names it: `Node 20.20.2 (V8 11.3.244.8-node.38)`.
 */
export function skipUnsupportedOn(module: CheckableModule, engine: string, supports: (feature: EngineFeature) => true | string): StrategyCheck | undefined {
  const need = strategyNeeds(module.strategy);
  const answer = need === undefined ? true : supports(need);
  if (need === undefined || answer === true) return undefined;
  return skippedCheck(module, `skipped: ${module.strategy} needs ${need}, which ${engine} lacks (${answer}); it runs on ${FEATURE_ENGINES[need]}`);
}

export function checkModule(spec: Spec, module: CheckableModule, cases: readonly Case[]): StrategyCheck {
  const skipped = skipUnsupported(module);
  if (skipped) return skipped;
  const exports = instantiate(module.bytes);
  const dispatch = exports["dispatch"] as Fn;
  const memory = exports["memory"] as WebAssembly.Memory;
  const bytes = memory.buffer.byteLength;
  const byId = new Map(spec.handlers.map((h) => [h.id, exports[`h${h.id}`] as Fn]));
  const control = module.control ? controlHandlerId(spec) : undefined;
  const examples: Mismatch[] = [];
  const routes: Record<string, number> = {};
  let mismatches = 0;
  for (const c of cases) {
    const id = control ?? c.op;
    const reference = byId.get(id);
    let expected: bigint;
    let got: bigint;
    try {
      expected = reference ? call(`h${id}`, reference, c.args) : spec.fallback;
      got = call("dispatch", dispatch, [c.op, ...c.args]);
    } catch (e) {
      if (!(e instanceof Trap)) throw e;
      return { ...failedCheck(module, cases.length, `op ${c.op} args (${c.args.join(", ")}): ${e.message}`), mismatches, examples, routes };
    }
    if (memory.buffer.byteLength !== bytes) {
      const grew = `op ${c.op}: its wasm memory grew from ${mib(bytes)} to ${mib(memory.buffer.byteLength)}: a body must not allocate or grow memory`;
      return { ...failedCheck(module, cases.length, grew), mismatches, examples, routes };
    }
    if (got === expected) continue;
    mismatches++;
    if (mismatches > ROUTED_LIMIT) continue;
    const to = routedTo(exports, spec, c, got);
    routes[to ?? "no handler's result"] = (routes[to ?? "no handler's result"] ?? 0) + 1;
    if (examples.length < MAX_EXAMPLES) examples.push({ op: c.op, args: c.args, expected, got, ...(to ? { routedTo: to } : {}) });
  }
  return { strategy: module.strategy, control: module.control, cases: cases.length, mismatches, examples, routes, failure: null };
}
