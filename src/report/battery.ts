/**
 * The battery's answer (pure): per Xen spec and mix, Xen's generated chain
 * (`xen`) against the table, natively per build variant and in each wasm
 * engine, on the CPU the fingerprint names; and the same numbers as one row
 * per machine for docs/battery.md (battery-doc.ts). A ratio is the whole
 * call's (gross) median over the table's, with its 95% CI; an inconclusive
 * or missing cell says so instead of a number.
 */
import { engineOf } from "../model/cells.js";
import { isNativeEngine } from "../model/engines.js";
import type { Fingerprint } from "../model/fingerprint.js";
import { enginesOf, tierIn, type CellSummary, type RunRecord } from "../model/results.js";
import { compilerShort, nativeVariant } from "../results/answers.js";

/** The strategy the battery is about: Xen 4.17's generated priority chain. */
export const XEN_SHAPE = "xen";

const fmt = (x: number) => x.toFixed(2);

/** The mitigations an indirect call's cost depends on, shortened to their first clause. */
const KEY_MITIGATIONS: readonly [string, readonly string[]][] = [
  ["spectre_v2", ["spectre_v2"]],
  ["retbleed", ["retbleed"]],
  ["srso", ["spec_rstack_overflow", "srso"]],
];

/** "GenuineIntel, family 6 model 106, microcode 0xd0003e7, spectre_v2: Mitigation: Enhanced IBRS; ...". */
export function cpuDetail(fp: Fingerprint): string {
  const { cpu } = fp;
  const id = [cpu.family !== null ? `family ${cpu.family}` : "", cpu.modelNumber !== null ? `model ${cpu.modelNumber}` : ""].filter(Boolean).join(" ");
  const mitigations = KEY_MITIGATIONS.flatMap(([label, files]) => {
    const file = files.find((f) => fp.mitigations[f] !== undefined);
    return file ? [`${label}: ${fp.mitigations[file]!.split(/[;,]/)[0]!.trim()}`] : [];
  });
  return [
    cpu.vendor ?? "unknown vendor",
    id,
    cpu.microcode !== null ? `microcode ${cpu.microcode}` : "",
    mitigations.length ? mitigations.join("; ") : `no mitigations recorded (${fp.os.platform} ${fp.os.arch})`,
  ]
    .filter(Boolean)
    .join(", ");
}

/** The CPU as one line: its model name, then cpuDetail. */
export const cpuLine = (fp: Fingerprint): string => `${fp.cpu.model ?? "unknown CPU"} (${cpuDetail(fp)})`;

/** A cell of `run`: strategy x workload x engine (the run's first tier for wasm engines). */
function cell(run: RunRecord, strategy: string, workload: string, engine: string): CellSummary | undefined {
  const tier = tierIn(engine, run.config.tiers[0] ?? "turbofan");
  return run.summaries.find((s) => s.strategy === strategy && s.workload === workload && s.tier === tier && engineOf(s) === engine);
}

/** "0.89x [0.85, 0.93]", or why there is no ratio. */
export function ratioOf(s: CellSummary | undefined, skipped?: string): string {
  if (!s) return skipped ? `skipped (${skipped})` : "not measured";
  if (s.status === "failed") return "failed";
  if (!s.ratio) return "no ratio";
  const value = `${fmt(s.ratio.ratio)}x [${fmt(s.ratio.ciLow)}, ${fmt(s.ratio.ciHigh)}]`;
  return s.inconclusive ? `${fmt(s.ratio.ratio)}x (inconclusive)` : value;
}

/** The strategy with the lowest gross median in a workload and engine (the control left out); null when none was measured. */
export function lowest(run: RunRecord, workload: string, engine: string): string | null {
  const cells = run.config.strategies
    .filter((s) => s !== run.config.control)
    .map((s) => cell(run, s, workload, engine))
    .filter((s): s is CellSummary => !!s?.gross && s.status === "ok");
  return cells.sort((a, b) => a.gross!.median - b.gross!.median)[0]?.strategy ?? null;
}

/** "Node 24", "Bun 1.4", "Deno 2.9": a wasm engine as the answer names it. */
export function wasmLabel(run: RunRecord, engine: string): string {
  const record = run.engines?.[engine];
  const version = record?.version ?? (engine === "node" ? run.fingerprint.runtime.node : "");
  const kind = record?.kind ?? engine.split("@")[0]!;
  const name = kind.charAt(0).toUpperCase() + kind.slice(1);
  return kind === "node" ? `${name} ${version.split(".")[0]}` : `${name} ${version.split(".").slice(0, 2).join(".")}`;
}

/** The reason a cell of this engine was skipped (a native variant the compiler or arch lacks), if any. */
const skipOf = (run: RunRecord, strategy: string, engine: string) => run.skipped?.find((k) => k.strategy === strategy && k.engine === engine)?.reason;

/** One mix's answer on one run: natively per variant, then each wasm engine. */
export function mixAnswer(run: RunRecord, workload: string): string {
  const engines = enginesOf(run.config);
  const natives = engines.filter(isNativeEngine);
  const wasm = engines.filter((e) => !isNativeEngine(e));
  const parts: string[] = [];
  const built = natives.filter((e) => cell(run, XEN_SHAPE, workload, e));
  if (natives.length && !built.length) parts.push(`natively not measured (${skipOf(run, XEN_SHAPE, natives[0]!) ?? "no native cell"})`);
  if (built.length) {
    const [base, ...rest] = natives;
    const text = (e: string) => ratioOf(cell(run, XEN_SHAPE, workload, e), skipOf(run, XEN_SHAPE, e));
    const variants = rest.map((e) => `${text(e)} with ${nativeVariant(e, run.engines?.[e])}`);
    parts.push(
      `Xen's generated chain is ${text(base!)} the table natively (${compilerShort(run.engines?.[base!])} -O2${base === "native" ? "" : `, ${nativeVariant(base!, run.engines?.[base!])}`})${variants.length ? `, ${variants.join(", ")}` : ""}`,
    );
  }
  const says = wasm.map((e) => `on ${wasmLabel(run, e)} ${ratioOf(cell(run, XEN_SHAPE, workload, e))}`);
  if (says.length) parts.push(`${built.length ? "wasm says" : "in wasm Xen's generated chain is, x the table,"} ${says.join(", ")}`);
  const wins = [built[0], wasm[0]]
    .filter((e): e is string => !!e)
    .map((e) => `${isNativeEngine(e) ? "natively" : `on ${wasmLabel(run, e)}`} ${lowest(run, workload, e) ?? "none"}`);
  return `${workload} (${run.spec.name}): ${parts.join("; ")}; lowest median: ${wins.join(", ")}.`;
}

/**
 * The battery's first screen: per machine, "on this CPU (...)", then one
 * sentence per spec and mix (mixAnswer).
 */
export function batteryAnswers(runs: readonly RunRecord[]): string[] {
  const machines = [...new Set(runs.map((r) => r.fingerprint.machineId))];
  return machines.flatMap((id) => {
    const of = runs.filter((r) => r.fingerprint.machineId === id);
    return [`On this CPU, ${cpuLine(of[0]!.fingerprint)}:`, ...of.flatMap((r) => r.config.workloads.map((w) => mixAnswer(r, w)))];
  });
}

/** One machine's row of a mix's table: per engine column, Xen's ratio to the table and the lowest strategy. */
export function machineCells(run: RunRecord, workload: string, columns: readonly string[]): string[] {
  return columns.map((e) => {
    if (!enginesOf(run.config).includes(e)) return "–";
    const s = cell(run, XEN_SHAPE, workload, e);
    const win = lowest(run, workload, e);
    return `${ratioOf(s, skipOf(run, XEN_SHAPE, e))}${win ? `; ${win}` : ""}`;
  });
}
