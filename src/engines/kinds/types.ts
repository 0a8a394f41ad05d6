import type { ChildCommand, EngineFeature, EngineKind, Inlining } from "../../model/engines.js";
import type { Tier } from "../../model/tiers.js";

/** An engine as a driver needs it: its binary and versions. */
export interface EngineBinary {
  path: string;
  version: string;
  /** `V8 13.6.233.17-node.63`, `JavaScriptCore <revision>`. */
  vm: string;
}

/**
 * `trace`: the engine prints each inlining decision (V8's
 * --trace-wasm-inlining), and `inlined` matches a line that reports an
 * inlined call. `options`: it has no such trace (JavaScriptCore); its list
 * of the options in effect (`env`) is read instead, and `confirms` matches
 * the line that says inlining is off.
 */
export interface InliningCheck {
  method: "trace" | "options";
  flags: readonly string[];
  env: Readonly<Record<string, string>>;
  inlined: RegExp;
  confirms?: RegExp;
}

/** What the lab knows of one kind of engine: where its binary comes from, how to ask its versions, how to start a child. */
export interface EngineDriver {
  kind: EngineKind;
  /** The npm package that ships the binary for a platform and CPU architecture (as Node names them), or null where none does. */
  npmPackage(platform: string, arch: string): string | null;
  /** The binary's path inside the unpacked package (the folder npm pack's tarball calls `package/`). */
  binaryInPackage: string;
  /** Arguments after the binary that print its versions as one JSON object on stdout. */
  probeArgs: readonly string[];
  /** The engine's own version and its VM's from the probe's JSON; null when it is not this kind. */
  readProbe(versions: Record<string, unknown>): { version: string; vm: string } | null;
  /**
   * How a child starts at a tier and inlining mode (the entry script goes
   * after `args`), and the flags to record (V8 flags, or JSC options as
   * NAME=VALUE). Never null: every engine has every tier, documented per driver.
   */
  command(engine: EngineBinary, tier: Tier, inlining: Inlining, extraFlags?: readonly string[]): { command: ChildCommand; flags: string[] };
  /** Whether its wasm has a feature (typed function references: call_ref, for table-ref); else why not. */
  supports(engine: EngineBinary, feature: EngineFeature): true | string;
  /** How to read what the engine inlined (run/trace-inlining.ts). */
  inliningCheck(engine: EngineBinary): InliningCheck;
}
