/**
 * A run's native builds (`--engines native[:VARIANT]`): every strategy's
 * plan lowered to C (emit/native/lower-c.ts), compiled per variant, its
 * dispatcher audited on the machine code, and its dispatch held to the
 * reference, case by case, before anything is timed. A build that fails
 * its audit or its check fails its cells (with the reason); an engine the
 * machine cannot build (no compiler, a flag the compiler or the CPU
 * architecture lacks) or a spec C cannot express is skipped, with why.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkCases } from "../check/cases.js";
import { instantiate } from "../check/check.js";
import { checkNative } from "../check/native.js";
import { compileNative } from "../emit/native/compile.js";
import { nativeDispatch } from "../emit/native/invoke.js";
import { lowerC, unsupportedBodies } from "../emit/native/lower-c.js";
import { auditMachineCode } from "../emit/native/machine-audit.js";
import { strategyShapeFlags } from "../emit/native/shape-flags.js";
import { compilerFamily, variantUnits } from "../emit/native/variants.js";
import type { NativeEngine } from "../emit/native/resolve.js";
import { selectStrategies } from "../emit/strategies/index.js";
import type { Strategy } from "../emit/strategy.js";
import type { ChildCommand, EngineRecord, NativeAuditRecord } from "../model/engines.js";
import type { RunConfig, RunRecord, Skipped } from "../model/results.js";
import type { Spec } from "../spec/types.js";
import type { WorkerModule } from "./emit-in-worker.js";
import type { RunInputs } from "./run-inputs.js";

/** What a native cell runs: its build's child, or why its build failed (the cell fails with it); with its audit once it had one. */
export type NativeBuild = ({ ok: true; command: ChildCommand } | { ok: false; reason: string }) & { audit?: NativeAuditRecord };

export interface NativeBuilds {
  /** By engine name, then strategy. */
  builds: Map<string, Map<string, NativeBuild>>;
  /** The address the wasm modules give the stream (their stream_base): native harnesses take their arguments from it too. */
  base: number;
  /** Removes the build folder. */
  dispose(): void;
}

/** Cases of the differential check per build: the boundary numbers and this many random ones. */
const CHECK_RANDOM = 300;

/** Why a strategy has no native build whatever the engine (a wasm-only knob), or undefined. */
function notLowered(s: Strategy): string | undefined {
  if (s.pad) return `${s.name} pads the wasm harness (a measurement knob of the wasm modules); the C harness has no pads`;
  return undefined;
}

/** The native engines' cells that are not planned, and why (model/results.ts Skipped). */
export function skippedNative(config: Pick<RunConfig, "strategies" | "bodies">, spec: Spec, natives: readonly NativeEngine[]): Skipped[] {
  const bodies = unsupportedBodies(spec, config.bodies ?? undefined);
  return natives.flatMap((n) =>
    selectStrategies(config.strategies.join(",")).flatMap((s) => {
      const reason = n.skip ?? bodies ?? notLowered(s);
      return reason ? [{ strategy: s.name, engine: n.ref.name, reason }] : [];
    }),
  );
}

/** What the run records of a native engine that builds (its compiler exactly, and every flag). */
export const nativeRecord = (n: NativeEngine, config: Pick<RunConfig, "inlining">): EngineRecord => ({
  kind: "native",
  version: n.version,
  vm: n.versionLine,
  inlining: config.inlining ?? "off",
  source: "built",
  native: { compiler: n.compiler, variant: n.ref.variant, flags: n.flags },
});

/** The flags of a strategy's build beyond the engine's: what keeps its plan's shape in machine code (shape-flags.ts). */
const shapeOf = (n: NativeEngine, s: Strategy, spec: Spec): string[] => strategyShapeFlags(n.versionLine, s, spec, n.ref.variant);

/** The flags a native cell records: every flag of its build (the engine's, then its strategy's shape flags). */
export const nativeCellFlags = (n: NativeEngine, strategy: string, spec: Spec): string[] => [...n.flags, ...shapeOf(n, selectStrategies(strategy)[0]!, spec)];

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The wasm module's stream address (every strategy of a spec has the same one: past the bodies' static memory). */
function streamBase(modules: readonly WorkerModule[]): number {
  const control = modules.find((m) => m.audit.strategy === "direct") ?? modules[0]!;
  return (instantiate(control.bytes)["stream_base"] as WebAssembly.Global).value as number;
}

/** One strategy's build in one engine: lowered, compiled, audited, checked. */
async function buildOne(
  inputs: RunInputs,
  n: NativeEngine,
  s: Strategy,
  dir: string,
  reference: Uint8Array,
  wasm: Uint8Array | undefined,
): Promise<NativeBuild> {
  const { spec } = inputs;
  const lowered = lowerC(spec, s.plan(spec), { bodiesFile: inputs.config.bodies ?? undefined });
  if (!lowered.ok) return { ok: false, reason: lowered.reason };
  try {
    const units = { ...lowered.units, ...variantUnits(n.ref.variant, compilerFamily(n.versionLine), process.arch) };
    const built = await compileNative(units, { cc: n.compiler, flags: n.flags, extraFlags: shapeOf(n, s, spec), dir, name: s.name });
    if (!built.ok) return { ok: false, reason: built.note };
    const audited = await auditMachineCode(built.objects["dispatch.c"]!, s, spec, n.ref.variant);
    if (!audited.ok) return { ok: false, reason: `machine-code audit: ${audited.note}` };
    const audit: NativeAuditRecord = { dispatch: audited.dispatch, thunks: audited.thunks, violations: audited.violations };
    if (audit.violations.length) return { ok: false, reason: `machine-code audit: ${audit.violations.join("; ")}`, audit };
    const cases = checkCases(spec, { random: CHECK_RANDOM, seed: inputs.config.seed });
    if (s.hazard && wasm) {
      // A hazard reproduces a bug: its native build must misroute exactly as its wasm module does.
      const dispatch = instantiate(wasm)["dispatch"] as (...a: (number | bigint)[]) => bigint;
      const got = await nativeDispatch(built.binary, cases);
      const differs = cases.findIndex((c, i) => got[i] !== dispatch(c.op, ...c.args));
      if (differs >= 0) return { ok: false, reason: `differential check: dispatch(${cases[differs]!.op}) is not what the wasm ${s.name} returns`, audit };
    } else {
      const check = await checkNative(spec, { strategy: s.name, control: !!s.control, binary: built.binary }, cases, reference);
      if (check.failure) return { ok: false, reason: `differential check: ${check.failure}`, audit };
      if (check.mismatches) {
        const e = check.examples[0]!;
        return {
          ok: false,
          reason: `differential check: ${check.mismatches} of ${check.cases} cases differ from the reference, e.g. dispatch(${e.op}) = ${e.got}, expected ${e.expected}${e.routedTo ? ` (went to ${e.routedTo})` : ""}`,
          audit,
        };
      }
    }
    return { ok: true, command: { binary: built.binary, args: ["child"], env: {}, selfHosted: true }, audit };
  } catch (e) {
    return { ok: false, reason: reasonOf(e) };
  }
}

/**
 * Build every native engine's strategies (those not skipped) into a fresh
 * temporary folder, one subfolder per engine; the run records each engine.
 */
export async function buildNatives(inputs: RunInputs, modules: readonly WorkerModule[], run: RunRecord): Promise<NativeBuilds> {
  const root = mkdtempSync(join(tmpdir(), "dispatch-lab-native-"));
  const dispose = () => rmSync(root, { recursive: true, force: true });
  const builds = new Map<string, Map<string, NativeBuild>>();
  try {
    const skipped = new Set((run.skipped ?? []).map((k) => `${k.strategy}\u0000${k.engine}`));
    const bytes = new Map(modules.map((m) => [m.strategy, m.bytes]));
    const reference = bytes.get("table") ?? modules[0]!.bytes;
    const jobs: Promise<void>[] = [];
    for (const n of inputs.natives) {
      const byStrategy = new Map<string, NativeBuild>();
      builds.set(n.ref.name, byStrategy);
      if (n.skip) continue;
      const dir = mkdtempSync(join(root, `${n.ref.variant}-`));
      for (const s of selectStrategies(inputs.config.strategies.join(","))) {
        if (skipped.has(`${s.name}\u0000${n.ref.name}`)) continue;
        jobs.push(buildOne(inputs, n, s, dir, reference, bytes.get(s.name)).then((b) => void byStrategy.set(s.name, b)));
      }
    }
    await Promise.all(jobs);
    // Each build's audit into the run's record of its engine, in the strategies' order.
    for (const [engine, byStrategy] of builds) {
      const native = run.engines?.[engine]?.native;
      const audits = Object.fromEntries(
        inputs.config.strategies.flatMap((s) => {
          const audit = byStrategy.get(s)?.audit;
          return audit ? [[s, audit] as const] : [];
        }),
      );
      if (native && Object.keys(audits).length) native.audits = audits;
    }
    return { builds, base: streamBase(modules), dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}
