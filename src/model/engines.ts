/**
 * Engines: the runtime a cell's wasm runs in, a dimension of every cell like
 * the tier. A user names one as `ENGINE[@VERSION][:VARIANT]`: `node` is the
 * node running the lab; `node@24` the newest installed Node 24, `node@24.22.3`
 * that exact one; `deno`, `bun` likewise. `native[:VARIANT]` is the same plans
 * compiled to machine code by a C compiler (src/emit/native), a variant per
 * set of compiler flags; a wasm engine has no variants.
 */
import { LabError } from "../errors.js";
import { nameList } from "../names.js";
import { didYouMean, nearest } from "../suggest.js";

export const ENGINE_KINDS = ["node", "deno", "bun"] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

/** The engine of native builds: the plans lowered to C and compiled (`--cc`), timed by a native child. */
export const NATIVE = "native";

/**
 * How a native build is compiled (src/emit/native/variants.ts has the flags
 * per compiler): `o2` the plain build (`native`), `nojt` without jump tables
 * (how Xen is built), `retpoline` indirect branches through thunks, `ibt`
 * with endbr64 landing pads, `rethunk` returns through a thunk (SRSO).
 */
export const NATIVE_VARIANTS = ["o2", "nojt", "retpoline", "ibt", "rethunk"] as const;
export type NativeVariant = (typeof NATIVE_VARIANTS)[number];

/** A native engine as named: `native` (o2) or `native:VARIANT`. */
export interface NativeRef {
  name: string;
  kind: typeof NATIVE;
  variant: NativeVariant;
}

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

/**
 * A native build's machine-code audit, per strategy (src/emit/native/machine-audit.ts):
 * the dispatcher's counts (indirect calls and jumps, compares, branches, ...),
 * the thunks it goes through, and each claim it broke (then its cells failed).
 */
export interface NativeAuditRecord {
  dispatch: Record<string, number>;
  thunks: string[];
  violations: string[];
}

/** What a run records of each engine it measured in (engines/resolve.ts finds them). */
export interface EngineRecord {
  kind: EngineKind | typeof NATIVE;
  /** The engine's own version: `24.22.3`, `2.9.6`, `1.4.5`; a native engine's: its compiler's (`12.2.0`). */
  version: string;
  /** What compiles the wasm: `V8 13.6.233.17-node.63`, `JavaScriptCore <WebKit revision>`; native: the compiler's version line. */
  vm: string;
  inlining: Inlining;
  /** Where its binary came from: the node running the lab, --engine-path, `engines install`, or built by the lab (native). */
  source: "running" | "path" | "installed" | "built";
  /** A native engine's build: the compiler as asked (`cc`, `clang`, a path), the variant, and every flag of every unit and the link. */
  native?: { compiler: string; variant: NativeVariant; flags: string[]; audits?: Record<string, NativeAuditRecord> };
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
const MEASURED_SYNTAX = `${SYNTAX}; or native[:VARIANT], VARIANT one of ${NATIVE_VARIANTS.join(", ")}`;

/** `native`, `native:retpoline`; `native:o2` is `native`. */
function parseNative(text: string, option: string): NativeRef {
  const [head, variant = "o2"] = text.split(":", 2) as [string, string | undefined];
  if (head !== NATIVE)
    throw new LabError("usage", [{ path: option, message: `"${text}": a native engine has no version (its compiler is --cc)` }], `engines: ${MEASURED_SYNTAX}`);
  if (!(NATIVE_VARIANTS as readonly string[]).includes(variant))
    throw new LabError(
      "usage",
      [{ path: option, message: `"${text}": unknown native variant "${variant}"` }],
      `${didYouMean([nearest(variant, [...NATIVE_VARIANTS])])}native variants: ${NATIVE_VARIANTS.join(", ")}`,
    );
  return { name: variant === "o2" ? NATIVE : `${NATIVE}:${variant}`, kind: NATIVE, variant: variant as NativeVariant };
}

const isNative = (text: string) => text === NATIVE || text.startsWith(`${NATIVE}:`) || text.startsWith(`${NATIVE}@`);

function parseOne(text: string, option: string): EngineRef {
  const [head, variant] = text.split(":", 2) as [string, string | undefined];
  const at = head.indexOf("@");
  const kind = at < 0 ? head : head.slice(0, at);
  const version = at < 0 ? null : head.slice(at + 1);
  if (!(ENGINE_KINDS as readonly string[]).includes(kind)) {
    const native = kind === NATIVE;
    throw new LabError(
      "usage",
      [
        {
          path: option,
          message: native ? `"${text}": native builds are measured by run and sweep (--engines ${NATIVE}[:VARIANT]), not here` : `unknown engine "${kind}"`,
        },
      ],
      `${native ? "" : didYouMean([nearest(kind, [...ENGINE_KINDS, NATIVE])])}engines: ${SYNTAX}`,
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

/** The engines a run or sweep measures: the wasm engines and the native builds, and every name in --engines order. */
export interface MeasuredEngines {
  wasm: EngineRef[];
  native: NativeRef[];
  names: string[];
}

/** --engines of run and sweep: wasm engines as parseEngines, and `native[:VARIANT]`; `native` and `native:o2` are one engine. */
export function parseMeasuredEngines(list: string | readonly string[] | undefined, option = "--engines"): MeasuredEngines {
  const names = nameList(list ?? DEFAULT_ENGINE, { option, what: "engine", example: "node,node@24,native,native:retpoline" });
  const refs = names.map((n): EngineRef | NativeRef => (isNative(n) ? parseNative(n, option) : parseOne(n, option)));
  const twice = refs.find((r, i) => refs.findIndex((o) => o.name === r.name) < i);
  if (twice) throw new LabError("usage", [{ path: option, message: `${twice.name} given twice` }], "name each engine once");
  return {
    wasm: refs.filter((r): r is EngineRef => r.kind !== NATIVE),
    native: refs.filter((r): r is NativeRef => r.kind === NATIVE),
    names: refs.map((r) => r.name),
  };
}

/** Whether an engine name (as results record it) is a native build. */
export const isNativeEngine = (name: string): boolean => name === NATIVE || name.startsWith(`${NATIVE}:`);

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
  /** The binary is the child itself (a native build, src/run/native-child.c): no entry script follows `args`. */
  selfHosted?: boolean;
}
