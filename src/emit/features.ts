/**
 * Engine features a strategy's module may need beyond what every supported
 * engine runs (Node 20's V8 11.3 included), and a probe of the running
 * engine for each. The probe compiles a tiny hand-written module, so it needs
 * no binaryen and costs microseconds; its answer is cached per process
 * (per worker thread).
 */

/**
 * - `typed-function-references`: a typed function table `(table N N (ref null $sig) init)`,
 *   `table.get` and `call_ref` in the final (standardised) encoding. V8 >= 12 (Node 22+,
 *   Deno) and JavaScriptCore (Bun) run it; Node 20 (V8 11.3) rejects it with a CompileError.
 */
import type { EngineFeature } from "../model/engines.js";

export type { EngineFeature } from "../model/engines.js";

/** Where each feature runs: the text a skip note quotes. */
export const FEATURE_ENGINES: Readonly<Record<EngineFeature, string>> = {
  "typed-function-references": "V8 >= 12 (Node 22+, Deno) and Bun; not Node 20 (V8 11.3)",
};

/**
 * (type 0 (func (result i32))) (type 1 (func (param i32) (result i32)))
 * (func 0 (type 0) i32.const 42)
 * (func 1 (export "f") (type 1) local.get 0  table.get 0  call_ref 0)
 * (table 0 1 1 (ref null 0) (ref.func 0))        ;; a typed table with an init expression
 * f(0) must return 42.
 */
// biome-ignore format: one section a line
const TYPED_FUNCREF_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x0a, 0x02, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, // type
  0x03, 0x03, 0x02, 0x00, 0x01, // function
  0x04, 0x0b, 0x01, 0x40, 0x00, 0x63, 0x00, 0x01, 0x01, 0x01, 0xd2, 0x00, 0x0b, // table (ref null 0) 1 1, init ref.func 0
  0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x01, // export "f" = func 1
  0x0a, 0x0f, 0x02, 0x04, 0x00, 0x41, 0x2a, 0x0b, 0x08, 0x00, 0x20, 0x00, 0x25, 0x00, 0x14, 0x00, 0x0b, // code
]);

/** The probe's bytes (tests decode them with the audit's reader). */
export const typedFunctionReferencesProbe = (): Uint8Array => TYPED_FUNCREF_PROBE.slice();

let typedFuncRefs: boolean | undefined;

/**
 * Whether the running engine compiles and runs a typed function table with
 * `table.get` + `call_ref` as binaryen encodes them: WebAssembly.validate on
 * the probe, then one call of it (42 expected).
 */
export function supportsTypedFunctionReferences(): boolean {
  if (typedFuncRefs === undefined) {
    try {
      const bytes = TYPED_FUNCREF_PROBE as BufferSource;
      typedFuncRefs =
        WebAssembly.validate(bytes) && (new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports["f"] as (op: number) => number)(0) === 42;
    } catch {
      typedFuncRefs = false;
    }
  }
  return typedFuncRefs;
}

/** Whether the running engine has `feature`. */
export function engineSupports(feature: EngineFeature): boolean {
  switch (feature) {
    case "typed-function-references":
      return supportsTypedFunctionReferences();
  }
}

/** The running engine in words: `Node 20.20.2 (V8 11.3.244.8-node.33)`, or what it is. */
export function runningEngine(): string {
  const versions = (globalThis as { process?: { versions?: Record<string, string | undefined> } }).process?.versions ?? {};
  if (versions["bun"]) return `Bun ${versions["bun"]}`;
  if (versions["deno"]) return `Deno ${versions["deno"]}`;
  if (versions["node"]) return `Node ${versions["node"]}${versions["v8"] ? ` (V8 ${versions["v8"]})` : ""}`;
  return "this engine";
}

/** Why a module of `strategy` cannot run here: one line for a skipped check. */
export function unsupportedNote(strategy: string, feature: EngineFeature): string {
  return `skipped: ${strategy} needs ${feature}, which ${runningEngine()} lacks; it runs on ${FEATURE_ENGINES[feature]}`;
}
