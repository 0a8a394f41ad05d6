/**
 * What node and deno share: V8. Its wasm inlining flags changed name from
 * one version to the next, and an unknown flag is fatal (node exits 9 "bad
 * option", deno 1), so the flags of each mode are chosen by V8's major
 * (measured with every engine's --trace-wasm-inlining: docs/engines.md).
 */
import type { EngineFeature, Inlining } from "../../model/engines.js";
import { TIERS, type Tier } from "../../model/tiers.js";
import { WASM_MAX_PAGES } from "../../model/cells.js";
import type { InliningCheck } from "./types.js";

/** V8 flags every child of a V8 engine runs with: the wasm memory ceiling (model/cells.ts). */
export const LIMIT_FLAGS: readonly string[] = [`--wasm-max-mem-pages=${WASM_MAX_PAGES}`];

/** `V8 13.6.233.17-node.63` -> 13. */
export const v8Major = (vm: string): number => Number(/^V8 (\d+)\./.exec(vm)?.[1] ?? 0);

/**
 * The flags that stop all wasm inlining. V8 11 (node 20) inlines nothing by
 * default but has three switches that could turn it on; V8 12 (node 22)
 * knows only `--experimental-wasm-inlining` (and refuses `--no-wasm-inlining`);
 * from V8 13 (node 24) direct calls are inlined by default, and from V8 14
 * (node 26, deno) call_indirect too, speculatively, after Liftoff feedback.
 */
export function inliningOffFlags(major: number): string[] {
  if (major < 12) return ["--no-wasm-inlining", "--no-experimental-wasm-inlining", "--no-wasm-speculative-inlining"];
  if (major < 13) return ["--no-experimental-wasm-inlining"];
  return ["--no-wasm-inlining", "--no-wasm-inlining-call-indirect"];
}

/** The V8 flags of a cell: the ceiling, the tier's, then the inlining mode's (and any extra, e.g. a trace). */
export const v8Flags = (vm: string, tier: Tier, inlining: Inlining, extra: readonly string[] = []): string[] => [
  ...LIMIT_FLAGS,
  ...TIERS[tier],
  ...(inlining === "off" ? inliningOffFlags(v8Major(vm)) : []),
  ...extra,
];

/** call_ref as binaryen writes it (the final GC encoding) loads from V8 12 on; V8 11 reads those opcodes as something else. */
export const v8Supports = (vm: string, _feature: EngineFeature): true | string =>
  v8Major(vm) >= 12 ? true : `${vm} predates the final encoding of typed function references`;

/** `--trace-wasm-inlining` lines that report an inlined call, in every V8 from 11 to 15. */
export const V8_INLINED = /: inlining!?\]|inlining direct (tail )?call|Speculatively inlining/;

export const v8InliningCheck = (): InliningCheck => ({ method: "trace", flags: ["--trace-wasm-inlining"], env: {}, inlined: V8_INLINED });
