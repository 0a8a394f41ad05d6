/**
 * The differential check of a native build (src/emit/native): its dispatch
 * must return, for every case, what the wasm check expects: the handler's own
 * `h<id>` (taken from an emitted wasm module of the same spec, so the C
 * handlers and bodies are held to the wasm ones too) or the spec's fallback;
 * the control (`direct`) always its one handler. A binary that crashes ends
 * its check with a failure naming why.
 */
import { nativeDispatch } from "../emit/native/invoke.js";
import { controlHandlerId } from "../emit/strategies/direct.js";
import type { Spec } from "../spec/types.js";
import type { Case } from "./cases.js";
import { failedCheck, instantiate, type Mismatch, type StrategyCheck } from "./check.js";

type Fn = (...args: (number | bigint)[]) => bigint;

export interface NativeBuild {
  strategy: string;
  control: boolean;
  /** The compiled binary (compileNative). */
  binary: string;
}

const MAX_EXAMPLES = 5;
/** Finding where a result went costs one call per handler: bound it, as check.ts does. */
const ROUTED_LIMIT = 200;

/** The reference result of every case: h<id> of the wasm module `reference` (any strategy of this spec), or the fallback. */
export function referenceResults(spec: Spec, reference: Uint8Array, cases: readonly Case[], control: boolean): bigint[] {
  const exports = instantiate(reference);
  const byId = new Map(spec.handlers.map((h) => [h.id, exports[`h${h.id}`] as Fn]));
  const only = control ? controlHandlerId(spec) : undefined;
  return cases.map((c) => {
    const fn = byId.get(only ?? c.op);
    return fn ? fn(...c.args) : spec.fallback;
  });
}

/** Where a result went: the handler whose reference result for these args is `got`. */
function routedTo(spec: Spec, exports: WebAssembly.Exports, c: Case, got: bigint): string | undefined {
  if (got === spec.fallback) return "fallback";
  const hit = spec.handlers.find((h) => (exports[`h${h.id}`] as Fn)(...c.args) === got);
  return hit ? `${hit.name} (${hit.id})` : undefined;
}

export async function checkNative(spec: Spec, build: NativeBuild, cases: readonly Case[], reference: Uint8Array): Promise<StrategyCheck> {
  const expected = referenceResults(spec, reference, cases, build.control);
  let got: bigint[];
  try {
    got = await nativeDispatch(build.binary, cases);
  } catch (e) {
    return failedCheck({ strategy: build.strategy, control: build.control, bytes: reference }, cases.length, `native: ${e instanceof Error ? e.message : e}`);
  }
  const exports = instantiate(reference);
  const examples: Mismatch[] = [];
  const routes: Record<string, number> = {};
  let mismatches = 0;
  cases.forEach((c, i) => {
    if (got[i] === expected[i]) return;
    mismatches++;
    if (mismatches > ROUTED_LIMIT) return;
    const to = routedTo(spec, exports, c, got[i]!);
    const key = to ?? "no handler's result";
    routes[key] = (routes[key] ?? 0) + 1;
    if (examples.length < MAX_EXAMPLES) examples.push({ op: c.op, args: c.args, expected: expected[i]!, got: got[i]!, ...(to ? { routedTo: to } : {}) });
  });
  return { strategy: build.strategy, control: build.control, cases: cases.length, mismatches, examples, routes, failure: null };
}
