/**
 * Engines: the runtime a cell's wasm runs in, a dimension of every cell like
 * the tier. A user names one as `ENGINE[@VERSION][:VARIANT]`: `node` is the
 * node running the lab; `node@24` the newest installed Node 24, `node@24.22.3`
 * that exact one; `deno`, `bun` likewise. Variants are reserved for native
 * code (its own issue): a wasm engine has none.
 */
import { LabError } from "../errors.js";
import { nameList } from "../names.js";
import { didYouMean, nearest } from "../suggest.js";

export const ENGINE_KINDS = ["node", "deno", "bun"] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

/** A wasm feature beyond what every engine the lab supports runs (emit/features.ts): a strategy that needs one is skipped elsewhere. */
export type EngineFeature = "typed-function-references";

/** The engine that runs the lab itself, and every cell unless --engines says otherwise. */
export const DEFAULT_ENGINE = "node";

/** An engine as named: `version` null means "the running node" for node, "the newest installed" for the others. */
export interface EngineRef {
  /** As the user wrote it, normalised (`node@24`): the engine's name in cell ids and results. */
  name: string;
  kind: EngineKind;
  /** A major (`24`), a major.minor (`1.4`) or an exact version (`24.22.3`). */
  version: string | null;
}

/**
 * How much the engine may inline into the dispatch. `off`: calls stay calls
 * (Xen's handlers live in other compilation units; wasm then approximates a
 * hardware call), proven by the engine's own trace where it has one.
 * `engine`: the engine's defaults, speculative call_indirect inlining
 * included (what an interpreter or emulator written in wasm really gets).
 */
export const INLINING_MODES = ["off", "engine"] as const;
export type Inlining = (typeof INLINING_MODES)[number];

/** What a run records of each engine it measured in (engines/resolve.ts finds them). */
export interface EngineRecord {
  kind: EngineKind;
  /** The engine's own version: `24.22.3`, `2.9.6`, `1.4.5`. */
  version: string;
  /** What compiles the wasm: `V8 13.6.233.17-node.63`, `JavaScriptCore <WebKit revision>`. */
  vm: string;
  inlining: Inlining;
  /** Where its binary came from: the node running the lab, --engine-path, or `engines install`. */
  source: "running" | "path" | "installed";
  /**
   * What the engine was seen to inline before the run measured (lab/inlining.ts):
   * `trace`, the engine's own trace, `inlinedCalls` the calls it reported
   * inlined (0 with --inlining off, or the run stops); `options`, its list of
   * options in effect (JavaScriptCore has no trace), `optionOff` whether it
   * said inlining is off. Absent in runs before it was checked.
   */
  inliningCheck?: { method: "trace" | "options"; inlinedCalls: number | null; optionOff?: boolean; examples: string[]; unproven?: string };
}

const VERSION = /^\d+(\.\d+){0,2}$/;
const SYNTAX = "ENGINE[@VERSION], ENGINE one of node, deno, bun; e.g. node@24, deno, bun@1.2";

function parseOne(text: string, option: string): EngineRef {
  const [head, variant] = text.split(":", 2) as [string, string | undefined];
  const at = head.indexOf("@");
  const kind = at < 0 ? head : head.slice(0, at);
  const version = at < 0 ? null : head.slice(at + 1);
  if (!(ENGINE_KINDS as readonly string[]).includes(kind)) {
    const native = kind === "native";
    throw new LabError(
      "usage",
      [{ path: option, message: native ? `"${text}": native engines are not built yet` : `unknown engine "${kind}"` }],
      `${native ? "" : didYouMean([nearest(kind, [...ENGINE_KINDS])])}engines: ${SYNTAX}`,
    );
  }
  if (variant !== undefined)
    throw new LabError("usage", [{ path: option, message: `"${text}": ${kind} has no variants (":${variant}")` }], `engines: ${SYNTAX}`);
  if (version !== null && !VERSION.test(version))
    throw new LabError("usage", [{ path: option, message: `"${text}": "${version}" is not a version` }], `a major, major.minor or exact version: ${SYNTAX}`);
  return { name: version === null ? kind : `${kind}@${version}`, kind: kind as EngineKind, version };
}

/** `node,node@24,deno` to engine refs (default: the running node); a bad name, an empty list or one given twice is a usage error. */
export function parseEngines(list: string | readonly string[] | undefined, option = "--engines"): EngineRef[] {
  const names = nameList(list ?? DEFAULT_ENGINE, { option, what: "engine", example: "node,node@24,deno,bun" });
  return names.map((n) => parseOne(n, option));
}

/** `off` or `engine`; anything else is a usage error. */
export function parseInlining(value: string | undefined, option = "--inlining"): Inlining {
  const v = value ?? "off";
  if ((INLINING_MODES as readonly string[]).includes(v)) return v as Inlining;
  throw new LabError(
    "usage",
    [{ path: option, message: `unknown inlining mode "${v}"` }],
    `${didYouMean([nearest(v, [...INLINING_MODES])])}--inlining off (calls stay calls) or engine (the engine's defaults)`,
  );
}

/** Does a version as asked (`24`, `1.4`, `24.22.3`) admit an exact version? */
export const versionMatches = (asked: string, exact: string): boolean => exact === asked || exact.startsWith(`${asked}.`);

/** Exact versions, newest first (numeric per part). */
export const byNewest = (a: string, b: string): number => {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pb[i] ?? 0) - (pa[i] ?? 0);
  return 0;
};

/**
 * How a child process starts under an engine: `binary ...args <entry>`, in
 * the parent's environment plus `env` (Bun takes its JavaScriptCore options
 * from BUN_JSC_* variables; the V8 engines take flags in `args`).
 */
export interface ChildCommand {
  binary: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
}
