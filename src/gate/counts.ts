/**
 * The gate on deterministic counts (`--metric instructions|mispredicts`,
 * pure): what a cell's dispatch costs in instructions, or in the simulated
 * mispredicts of cachegrind's branch predictor, per dispatch (model/counts.ts).
 *
 * Counts are exact: the same binaries, inputs and flags count the same on
 * every run, so there is no CI, no rank test and no "inconclusive" from
 * samples. A change is current - base in counts per dispatch; it regressed
 * when above +threshold, improved when below -threshold, and an A/A
 * comparison is exactly 0. The quantity is the cell net of its group's
 * control (same workload, tier, engine; the loop and the call cancel), or,
 * where either side lacks the control's counts, gross on both sides.
 *
 * What makes counts differ without the code under test changing is refused
 * (incomparable, exit 4), never gated: another valgrind (its model), another
 * engine build (the code it emits: the exact version, the VM or compiler
 * line, a native build's flags), other flags for the cell or valgrind.
 * Machines do not matter: the machine counted is valgrind's simulation.
 */
import { isNativeEngine } from "../model/engines.js";
import { type CellCounts, type EventCounts, mispredicts, subtractCounts } from "../model/counts.js";
import { engineIn, type CellRecord, type Dataset, type RunRecord } from "../model/results.js";
import { engineOf } from "../model/cells.js";

/** What `gate`/`compare --metric` compares: timed ns (the default), or counts per dispatch under valgrind. */
export const GATE_METRICS = ["ns", "instructions", "mispredicts"] as const;
export type GateMetric = (typeof GATE_METRICS)[number];
export type CountMetric = Exclude<GateMetric, "ns">;

export const isCountMetric = (m: GateMetric | undefined): m is CountMetric => m === "instructions" || m === "mispredicts";

/**
 * Default thresholds, absolute, per dispatch. Half an instruction: a real
 * change to a dispatch adds or removes whole instructions on some path, so
 * anything at or above 0.5 per dispatch on average is code that changed for
 * a large share of the stream. A twentieth of a mispredict: at the 15-20
 * cycles a real mispredict costs, about a cycle per dispatch, the order of a
 * few instructions; finer shifts of cachegrind's simple predictor (bimodal
 * counters, a last-target table) say little about a real CPU's.
 */
export const COUNT_THRESHOLDS: Readonly<Record<CountMetric, number>> = { instructions: 0.5, mispredicts: 0.05 };

/** Each count metric's unit, as every output names it. */
export const COUNT_UNITS: Readonly<Record<CountMetric, string>> = {
  instructions: "instructions per dispatch (simulated, valgrind)",
  mispredicts: "mispredicts per dispatch (simulated, valgrind: conditional + indirect)",
};

/** The metric's value of a per-dispatch count. */
export const countValue = (c: EventCounts, metric: CountMetric): number => (metric === "instructions" ? c.Ir : mispredicts(c));

/** A cell's counted value: gross, and net of its group's control when that was counted too. */
export interface CountedValue {
  gross: number;
  net: number | null;
  counts: CellCounts;
}

/** The cell's value per dispatch, gross and net of the control of its run, workload, tier and engine (null without the control's counts). */
export function countedValue(run: RunRecord, cell: CellRecord & { counts: CellCounts }, metric: CountMetric): CountedValue {
  const control = run.cells.find(
    (c) => c.strategy === run.config.control && c.workload === cell.workload && c.tier === cell.tier && engineOf(c) === engineOf(cell) && c.counts,
  );
  const gross = countValue(cell.counts.perDispatch, metric);
  const net = control?.counts ? countValue(subtractCounts(cell.counts.perDispatch, control.counts.perDispatch), metric) : null;
  return { gross, net, counts: cell.counts };
}

/** regressed above +threshold, improved below -threshold, else unchanged: exact, so never inconclusive. */
export const countVerdict = (change: number, threshold: number): "regressed" | "improved" | "unchanged" =>
  change > threshold ? "regressed" : change < -threshold ? "improved" : "unchanged";

const list = (xs: readonly string[]) => (xs.length ? xs.join(" ") : "(none)");

/** What a cell's engine was, for counts: everything that decides the code it ran (the exact version, the VM or compiler line, a native build's flags). */
function engineIdentity(run: RunRecord, cell: CellRecord): { label: string; parts: string[] } {
  const name = engineOf(cell);
  const e = engineIn(run, name);
  if (!e) return { label: `${name} (not described by its run)`, parts: [name] };
  const native = isNativeEngine(name) ? run.engines?.[name]?.native : undefined;
  return {
    label: `${e.kind} ${e.version} (${e.vm}${native ? `; flags ${list(native.flags)}` : ""})`,
    parts: [e.kind, e.version, e.vm, ...(native ? [native.compiler, native.variant, list(native.flags)] : [])],
  };
}

/**
 * Why two cells' counts cannot be compared, in words that do not name the
 * cell (cells with one reason are listed together); null when they can be.
 */
export function countsMismatch(base: { run: RunRecord; cell: CellRecord & { counts: CellCounts } }, current: typeof base): string | null {
  const [b, c] = [base.cell.counts, current.cell.counts];
  if (b.valgrind !== c.valgrind)
    return `valgrind mismatch: the baseline was counted with ${b.valgrind}, the current results with ${c.valgrind}: counts from different valgrinds are never compared (its simulation changes between versions): count both with one valgrind`;
  const [be, ce] = [engineIdentity(base.run, base.cell), engineIdentity(current.run, current.cell)];
  if (be.parts.join("\u0000") !== ce.parts.join("\u0000"))
    return `engine mismatch: the baseline was counted in ${be.label}, the current results in ${ce.label}: counts of another engine build are never compared (it emits other code): count the baseline again in the same engine`;
  if (list(b.flags) !== list(c.flags) || list(base.cell.flags) !== list(current.cell.flags))
    return `flags mismatch: the baseline was counted with ${list([...base.cell.flags, ...b.flags])}, the current results with ${list([...current.cell.flags, ...c.flags])}: counts under other flags are never compared: count both with the same flags`;
  return null;
}

/** Whether a dataset counted anything (a cell with counts or a counting error). */
export const hasCounts = (d: Dataset): boolean => d.runs.some((r) => r.cells.some((c) => c.counts !== undefined || c.countsError !== undefined));

/** Why a comparison on counts cannot start: a side without counts (null when both have them). */
export function missingCounts(base: Dataset, current: Dataset, metric: CountMetric): string | null {
  const lacking = [...(hasCounts(base) ? [] : ["the baseline"]), ...(hasCounts(current) ? [] : ["the current results"])];
  if (!lacking.length) return null;
  return `no counts: ${lacking.join(" and ")} ${lacking.length > 1 ? "have" : "has"} no deterministic counts to compare ${metric} on: measure them with \`run --measure counts\` (or --measure time,counts), or gate on --metric ns`;
}
