import type { ChildCommand, EngineKind, Inlining } from "../../model/engines.js";
import type { Tier } from "../../model/tiers.js";

/** An engine as a driver needs it: its binary and versions. */
export interface EngineBinary {
  path: string;
  version: string;
  /** `V8 13.6.233.17-node.63`, `JavaScriptCore <revision>`. */
  vm: string;
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
  command(engine: EngineBinary, tier: Tier, inlining: Inlining): { command: ChildCommand; flags: string[] };
  /** Whether its wasm has typed function references (call_ref), needed by table-ref; else the reason. */
  callRef(engine: EngineBinary): true | string;
  /**
   * The engine's own switch that prints every inlining decision on stdout,
   * and the pattern of a line that reports an inlined call; null where the
   * engine has none (JavaScriptCore: its off mode is proven by its option,
   * docs/engines.md).
   */
  inliningTrace(engine: EngineBinary): { flag: string; inlined: RegExp } | null;
}
