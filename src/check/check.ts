/**
 * The differential check: every module must dispatch each case exactly as a
 * reference that does not use its dispatch: the handler's own `h<id>` export
 * (or the spec's fallback where no handler has that number). The control
 * kernel (`direct`) is held to its own contract: always its one handler.
 */
import type { Spec } from "../spec/types.js";
import { controlHandlerId } from "../emit/strategies/direct.js";
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

/** Where a call went: the handler whose result, for these args, is `got`. */
function routedTo(exports: WebAssembly.Exports, spec: Spec, c: Case, got: bigint): string | undefined {
  if (got === spec.fallback) return "fallback";
  const hit = spec.handlers.find((h) => (exports[`h${h.id}`] as Fn)(...c.args) === got);
  return hit ? `${hit.name} (${hit.id})` : undefined;
}

export function checkModule(spec: Spec, module: CheckableModule, cases: readonly Case[]): StrategyCheck {
  const exports = instantiate(module.bytes);
  const dispatch = exports["dispatch"] as Fn;
  const byId = new Map(spec.handlers.map((h) => [h.id, exports[`h${h.id}`] as Fn]));
  const controlFn = module.control ? byId.get(controlHandlerId(spec)) : undefined;
  const examples: Mismatch[] = [];
  const routes: Record<string, number> = {};
  let mismatches = 0;
  for (const c of cases) {
    const reference = controlFn ?? byId.get(c.op);
    const expected = reference ? reference(...c.args) : spec.fallback;
    const got = dispatch(c.op, ...c.args);
    if (got === expected) continue;
    mismatches++;
    if (mismatches > ROUTED_LIMIT) continue;
    const to = routedTo(exports, spec, c, got);
    routes[to ?? "no handler's result"] = (routes[to ?? "no handler's result"] ?? 0) + 1;
    if (examples.length < MAX_EXAMPLES) examples.push({ op: c.op, args: c.args, expected, got, ...(to ? { routedTo: to } : {}) });
  }
  return { strategy: module.strategy, control: module.control, cases: cases.length, mismatches, examples, routes };
}
