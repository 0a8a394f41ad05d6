/**
 * Base vs current, cell by cell (pure). The quantity compared is measured
 * per round inside each run, so drift that hit a whole round cancels:
 *
 * - same machine: net ns per dispatch, cell - control in the same round;
 * - across machines or engines (only when asked): the ratio cell / control
 *   in the same round. Absolute ns of two machines, or of node 20 and bun,
 *   are not comparable; how a strategy relates to the same process's control
 *   kernel is. An engine is its kind and major version (`node 24`, `bun 1`):
 *   a patch release is the same engine, another major is not.
 * - `basis: "reference"`: the ratio cell / reference strategy in the same
 *   round; the reference itself is the yardstick and is not compared. On a
 *   machine with slow states lasting a whole run (every strategy 20%
 *   slower, the control not; measured on the development VM), this ratio
 *   barely moves while net ns does: it gates a strategy against its peers,
 *   not against the machine's moods.
 *
 * The change is median(current) - median(base) with a bootstrap CI (each
 * run resampled on its own, by its time blocks, as its own intervals are),
 * expressed relative to the base cell's whole call (its gross ns, or its
 * ratio): a 10% regression is the call getting 10% slower while the control
 * says the machine did not. Verdicts follow criterion's rule: a regression
 * only when the whole CI lies beyond the threshold and a rank test
 * (Mann-Whitney U) says the two runs differ.
 *
 * `metric: "instructions" | "mispredicts"` compares deterministic counts
 * per dispatch instead (gate/counts.ts): exact, against an absolute
 * threshold in counts per dispatch, across machines, and only between the
 * same valgrind, engine build and flags.
 */
import { alignByRound, timeBlocks } from "../results/summarize.js";
import { tooFewRounds } from "../stats/rounds.js";
import { engineIn, type CellRecord, type Dataset, type RunRecord } from "../model/results.js";
import { engineOf } from "../model/cells.js";
import { DEFAULT_ENGINE } from "../model/engines.js";
import { LabError } from "../errors.js";
import type { CellTier } from "../model/tiers.js";
import { independentBootstrapMediansCI } from "../stats/bootstrap.js";
import type { Estimate } from "../stats/medians.js";
import { mannWhitneyU } from "../stats/rank.js";
import { median } from "simple-statistics";
import type { CellCounts } from "../model/counts.js";
import { isNativeEngine } from "../model/engines.js";
import {
  COUNT_THRESHOLDS,
  COUNT_UNITS,
  type CountMetric,
  countedValue,
  countsMismatch,
  countVerdict,
  type GateMetric,
  isCountMetric,
  missingCounts,
} from "./counts.js";

export type Verdict = "regressed" | "improved" | "unchanged" | "inconclusive";

export interface CompareOptions {
  /** The largest change tolerated, as a fraction of the base cell's call (0.05 = 5%). */
  threshold: number;
  /** What a cell is measured against in its own rounds: the control kernel (net ns; a ratio across machines) or the run's reference strategy (a ratio). */
  basis: "control" | "reference";
  /** Significance level of the rank test. */
  alpha: number;
  /** Compare runs from different machines, by their within-run ratios. */
  crossMachine: boolean;
  /** Compare cells of different engines (each side measured one), by their within-run ratios. */
  crossEngine: boolean;
  seed: number;
  /** What is compared: timed ns (absent or "ns": everything above), or deterministic counts per dispatch (gate/counts.ts). */
  metric?: GateMetric;
  /** With a counts metric: the change that counts, absolute, in counts per dispatch (default COUNT_THRESHOLDS); `threshold` is then unused. */
  countThreshold?: number;
}

export const COMPARE_DEFAULTS: CompareOptions = { threshold: 0.05, basis: "control", alpha: 0.05, crossMachine: false, crossEngine: false, seed: 1 };

/** The quantity a cell was compared on: ns (net, or a ratio), or counts per dispatch, net of the control or (without the control's counts) gross. */
export type Metric = "net-ns" | "ratio-to-control" | "ratio-to-reference" | "net-instructions" | "gross-instructions" | "net-mispredicts" | "gross-mispredicts";

export interface CellChange {
  spec: string;
  specHash: string;
  strategy: string;
  workload: string;
  tier: CellTier;
  /** The current cell's engine, as its run named it (`node`, `node@24`). */
  engine: string;
  /** The engine each side ran the cell in (`node 20.20.2`); they differ only with crossEngine. */
  engines: { base: string; current: string };
  machines: { base: string; current: string };
  metric: Metric;
  /** Counts: median is the exact value, call the base's gross value, rounds 0 (counts have none). */
  base: { median: number; call: number; rounds: number };
  current: { median: number; rounds: number };
  /** current - base, in the metric's unit (ns, a ratio, counts per dispatch), 95% CI (counts: exact, the CI is the value). */
  change: Estimate;
  /** change / the base's call (gross ns, or the ratio): what the threshold applies to (counts: relative to the base's gross count, for reading; NaN when that is 0; the threshold applies to change). */
  relative: Estimate;
  /** Two-sided Mann-Whitney U p-value of the per-round values; null for counts (exact: no test). */
  p: number | null;
  verdict: Verdict;
  /** Half-width of the relative CI: a change smaller than this is within this cell's noise (counts: 0). */
  detectable: number;
  /** Counts only: the valgrind that counted both sides, and the dispatches each side's difference covered. */
  counts?: { valgrind: string; dispatches: { base: number; current: number } };
}

export interface Comparison {
  options: CompareOptions;
  cells: CellChange[];
  /** Cells that only one side measured (spec, strategy, workload, tier, machine). */
  unmatched: { base: string[]; current: string[] };
  /** Cells both sides measured that could not be compared, and why (too few rounds, no control in a run): never silently dropped. */
  skipped: { cell: string; reason: string }[];
  /** Why nothing could be compared (spec or machine mismatch); empty when something was. Counts: also pairs of another valgrind, engine build or flags (exit 4 even when other cells compared). */
  incomparable: string[];
  /** Counts only: the metric's unit (`instructions per dispatch (simulated, valgrind)`). */
  unit?: string;
}

interface Series {
  values: number[];
  blocks: number[];
  gross: number;
}

/**
 * Per-round values of a cell against another cell of its run (the control
 * or the reference), with time-block labels; or why there are none.
 */
function series(run: RunRecord, cell: CellRecord, metric: Metric, side: string): Series | string {
  const role = metric === "ratio-to-reference" ? "reference" : "control";
  const against = metric === "ratio-to-reference" ? run.config.reference : run.config.control;
  const other = run.cells.find(
    (c) => c.strategy === against && c.workload === cell.workload && c.tier === cell.tier && engineOf(c) === engineOf(cell) && c.samples.length > 0,
  );
  if (!other)
    return `the ${side} run has no measured ${role} ${against} for this workload and tier (runs made before the control was always measured lack it): rerun it`;
  const [mine, theirs, shared] = alignByRound(cell.samples, other.samples);
  const few = tooFewRounds(shared.length, `shared with the ${role} ${against}`);
  if (few) return `${few} in the ${side} run: measure longer (--time-budget) or with --samples`;
  const values = mine.map((x, i) => (metric === "net-ns" ? x - theirs[i]! : x / theirs[i]!));
  return { values, blocks: timeBlocks(shared), gross: median(mine) };
}

/** Net ns on one machine and engine; a ratio to the control across machines or engines; a ratio to the reference when asked. */
function metricOf(base: { run: RunRecord; cell: CellRecord }, current: { run: RunRecord; cell: CellRecord }, o: CompareOptions): Metric {
  if (o.basis === "reference") return "ratio-to-reference";
  const same = base.run.fingerprint.machineId === current.run.fingerprint.machineId && engineKey(base.run, base.cell) === engineKey(current.run, current.cell);
  return same ? "net-ns" : "ratio-to-control";
}

/** The engine a cell ran in, exactly: kind and version (a run before engines: the lab's node, from its fingerprint). */
function engineVersion(run: RunRecord, cell: CellRecord): { kind: string; version: string } {
  const name = engineOf(cell);
  // An engine the run does not describe (a hand-made file): what its name says.
  return engineIn(run, name) ?? { kind: name.split("@")[0]!, version: name.split("@")[1] ?? "?" };
}

/** What makes two cells' engines the same for comparing ns: kind and major version. */
/**
 * What a cell's engine must match: kind and major (node 24), and for a native
 * build its variant too (native and native:retpoline are other builds by the
 * same compiler, never the same engine).
 */
const engineKey = (run: RunRecord, cell: CellRecord): string => {
  const { kind, version } = engineVersion(run, cell);
  const variant = run.engines?.[engineOf(cell)]?.native?.variant;
  return `${kind}${variant ? `:${variant}` : ""} ${version.split(".")[0]}`;
};

const engineLabel = (run: RunRecord, cell: CellRecord): string => {
  const { kind, version } = engineVersion(run, cell);
  return `${kind} ${version}`;
};

/** What names a change: the current cell's spec, strategy, workload, tier and engine, and each side's engine and machine. */
function changeIdentity(
  base: { run: RunRecord; cell: CellRecord },
  current: { run: RunRecord; cell: CellRecord },
): Pick<CellChange, "spec" | "specHash" | "strategy" | "workload" | "tier" | "engine" | "engines" | "machines"> {
  const { cell } = current;
  return {
    spec: current.run.spec.name,
    specHash: current.run.spec.hash,
    strategy: cell.strategy,
    workload: cell.workload,
    tier: cell.tier,
    engine: engineOf(cell),
    engines: { base: engineLabel(base.run, base.cell), current: engineLabel(current.run, cell) },
    machines: { base: base.run.fingerprint.machineId, current: current.run.fingerprint.machineId },
  };
}

export function verdictOf(relative: Estimate, p: number, o: Pick<CompareOptions, "threshold" | "alpha">): Verdict {
  const significant = p < o.alpha;
  if (relative.ciLow > o.threshold && significant) return "regressed";
  if (relative.ciHigh < -o.threshold && significant) return "improved";
  if (relative.ciLow >= -o.threshold && relative.ciHigh <= o.threshold) return "unchanged";
  return "inconclusive";
}

function compareCell(
  base: { run: RunRecord; cell: CellRecord },
  current: { run: RunRecord; cell: CellRecord },
  o: CompareOptions,
  seed: number,
): CellChange | string {
  const metric = metricOf(base, current, o);
  const b = series(base.run, base.cell, metric, "baseline");
  const c = series(current.run, current.cell, metric, "current");
  if (typeof b === "string") return b;
  if (typeof c === "string") return c;
  const [bm, cm] = [median(b.values), median(c.values)];
  const [lo, hi] = independentBootstrapMediansCI([c.values, b.values], (m) => m[0]! - m[1]!, { seed }, [c.blocks, b.blocks]);
  const call = metric === "net-ns" ? b.gross : bm;
  const change = { value: cm - bm, ciLow: lo, ciHigh: hi };
  const relative = { value: change.value / call, ciLow: lo / call, ciHigh: hi / call };
  const p = mannWhitneyU(c.values, b.values).p;
  return {
    ...changeIdentity(base, current),
    metric,
    base: { median: bm, call, rounds: b.values.length },
    current: { median: cm, rounds: c.values.length },
    change,
    relative,
    p,
    verdict: verdictOf(relative, p, o),
    detectable: (relative.ciHigh - relative.ciLow) / 2,
  };
}

const cellLabel = (run: RunRecord, c: CellRecord, o: CompareOptions) =>
  `${run.spec.name} ${c.strategy} @ ${c.workload} / ${c.tier}${o.crossEngine || engineOf(c) === DEFAULT_ENGINE ? "" : ` in ${engineOf(c)}`}${o.crossMachine ? "" : ` on ${run.fingerprint.machineId.slice(0, 8)}`}`;
const matchKey = (run: RunRecord, c: CellRecord, o: CompareOptions) =>
  [run.spec.hash, c.strategy, c.workload, c.tier, o.crossEngine ? "" : engineKey(run, c), o.crossMachine ? "" : run.fingerprint.machineId].join("\u0000");

/** The measured cells of every run that are compared (not the control; not the reference on that basis), keyed for matching. */
function measured(d: Dataset, o: CompareOptions): Map<string, { run: RunRecord; cell: CellRecord; label: string }> {
  const out = new Map<string, { run: RunRecord; cell: CellRecord; label: string }>();
  for (const run of d.runs)
    for (const cell of run.cells) {
      const yardstick = cell.strategy === run.config.control || (o.basis === "reference" && cell.strategy === run.config.reference);
      if (!yardstick && cell.samples.length > 0) out.set(matchKey(run, cell, o), { run, cell, label: cellLabel(run, cell, o) });
    }
  return out;
}

/** The engines a dataset measured (`node 20`, `bun 1`). */
const enginesMeasured = (d: Dataset): string[] => [...new Set(d.runs.flatMap((r) => r.cells.filter((c) => c.samples.length).map((c) => engineKey(r, c))))];

/** Two datasets of no common spec, in words; null when they share one. */
function specMismatch(base: Dataset, current: Dataset): string | null {
  const specs = (d: Dataset) => new Set(d.runs.map((r) => r.spec.hash));
  const [bs, cs] = [specs(base), specs(current)];
  if ([...cs].some((h) => bs.has(h))) return null;
  const names = (d: Dataset) => [...new Set(d.runs.map((r) => `${r.spec.name} (${r.spec.hash.slice(0, 12)})`))].join(", ");
  return `spec mismatch: base measured ${names(base)}, current ${names(current)}`;
}

/** Why the two datasets share no comparable cell, in words. */
function mismatch(base: Dataset, current: Dataset, o: CompareOptions): string[] {
  const spec = specMismatch(base, current);
  if (spec) return [spec];
  const machines = (d: Dataset) => new Set(d.runs.map((r) => r.fingerprint.machineId));
  const [bm, cm] = [machines(base), machines(current)];
  if (!o.crossMachine && ![...cm].some((m) => bm.has(m)))
    return [
      `machine mismatch: base ran on ${[...bm].join(", ")}, current on ${[...cm].join(", ")}: absolute ns are never compared across machines (--cross-machine compares the within-run ratios to the control instead)`,
    ];
  const [be, ce] = [enginesMeasured(base), enginesMeasured(current)];
  if (!o.crossEngine && !ce.some((e) => be.includes(e)))
    return [
      `engine mismatch: base ran in ${be.join(", ")}, current in ${ce.join(", ")}: absolute ns are never compared across engines (--cross-engine compares the within-run ratios to the control instead)`,
    ];
  return ["no cell was measured on both sides"];
}

export function compareDatasets(base: Dataset, current: Dataset, options: Partial<CompareOptions> = {}): Comparison {
  const { metric, countThreshold, ...rest } = options;
  if (isCountMetric(metric)) return compareCounts(base, current, { ...COMPARE_DEFAULTS, ...rest, metric, countThreshold }, options);
  if (countThreshold !== undefined)
    throw new LabError(
      "usage",
      [{ path: "--count-threshold", message: "a threshold in counts per dispatch, but the metric is ns" }],
      "give --metric instructions or --metric mispredicts with it, or drop it (ns use --threshold / --max-regression)",
    );
  const o = { ...COMPARE_DEFAULTS, ...rest };
  if (o.crossEngine)
    for (const [side, d] of [
      ["base", base],
      ["current", current],
    ] as const) {
      const engines = enginesMeasured(d);
      if (engines.length > 1)
        throw new LabError(
          "usage",
          [{ path: "--cross-engine", message: `the ${side} results measured ${engines.length} engines (${engines.join(", ")}): which pairs with which?` }],
          "--cross-engine compares one engine with another: give results of one engine on each side (run --engines ENGINE), or compare without it",
        );
    }
  const [b, c] = [measured(base, o), measured(current, o)];
  const cells: CellChange[] = [];
  const skipped: Comparison["skipped"] = [];
  let i = 0;
  for (const [key, cur] of c) {
    const old = b.get(key);
    if (!old) continue;
    const change = compareCell(old, cur, o, o.seed * 7919 + i++);
    if (typeof change === "string") skipped.push({ cell: cur.label, reason: change });
    else cells.push(change);
  }
  const unmatched = { base: [...b].filter(([k]) => !c.has(k)).map(([, v]) => v.label), current: [...c].filter(([k]) => !b.has(k)).map(([, v]) => v.label) };
  return { options: o, cells, unmatched, skipped, incomparable: cells.length || skipped.length ? [] : mismatch(base, current, o) };
}

/** A cell as compareCounts sees it: with counts, or with why it has none (a cell that failed to count). */
interface CountedCell {
  run: RunRecord;
  cell: CellRecord;
  label: string;
}

const hasCellCounts = (x: { run: RunRecord; cell: CellRecord }): x is { run: RunRecord; cell: CellRecord & { counts: CellCounts } } =>
  x.cell.counts !== undefined;

/** For counts: the engine as for ns (kind and major; its exact build is checked per pair), and a native build's variant (each is its own build). */
const countsEngineKey = (run: RunRecord, c: CellRecord): string => `${engineKey(run, c)}${isNativeEngine(engineOf(c)) ? ` ${engineOf(c)}` : ""}`;

/** Counts are compared across machines: spec, strategy, workload, tier, engine. */
const countsKey = (run: RunRecord, c: CellRecord) => [run.spec.hash, c.strategy, c.workload, c.tier, countsEngineKey(run, c)].join("\u0000");

/** The cells of every run that counted (or failed to count) them, not the control (the yardstick of net counts). */
function counted(d: Dataset): Map<string, CountedCell> {
  const out = new Map<string, CountedCell>();
  const label = { ...COMPARE_DEFAULTS, crossMachine: true };
  for (const run of d.runs)
    for (const cell of run.cells)
      if (cell.strategy !== run.config.control && (cell.counts || cell.countsError !== undefined))
        out.set(countsKey(run, cell), { run, cell, label: cellLabel(run, cell, label) });
  return out;
}

/** Why a side could not count a cell, or null when it did. */
const notCounted = (x: CountedCell, side: string): string | null =>
  x.cell.counts ? null : `the ${side} run could not count it (${x.cell.countsError ?? "no counts recorded"}): fix that and count it again`;

function compareCountCell(base: CountedCell, current: CountedCell, o: CompareOptions & { metric: CountMetric; countThreshold: number }): CellChange | string {
  const why = notCounted(base, "baseline") ?? notCounted(current, "current");
  if (why || !hasCellCounts(base) || !hasCellCounts(current)) return why ?? "not counted";
  const [b, c] = [countedValue(base.run, base.cell, o.metric), countedValue(current.run, current.cell, o.metric)];
  const net = b.net !== null && c.net !== null;
  const [bx, cx] = net ? [b.net!, c.net!] : [b.gross, c.gross];
  const d = cx - bx;
  const r = b.gross !== 0 ? d / b.gross : d === 0 ? 0 : Number.NaN;
  return {
    ...changeIdentity(base, current),
    metric: `${net ? "net" : "gross"}-${o.metric}`,
    base: { median: bx, call: b.gross, rounds: 0 },
    current: { median: cx, rounds: 0 },
    change: { value: d, ciLow: d, ciHigh: d },
    relative: { value: r, ciLow: r, ciHigh: r },
    p: null,
    verdict: countVerdict(d, o.countThreshold),
    detectable: 0,
    counts: { valgrind: c.counts.valgrind, dispatches: { base: b.counts.dispatches, current: c.counts.dispatches } },
  };
}

/** `reason (3 cells: a; b; c)`, at most a few named. */
const withCells = (reason: string, cells: string[]): string => {
  const shown = cells.slice(0, 3).join("; ");
  const more = cells.length > 3 ? `; and ${cells.length - 3} more` : "";
  return `${reason} (${cells.length} cell${cells.length === 1 ? "" : "s"}: ${shown}${more})`;
};

/** Why two datasets with counts share no cell to compare, in words. */
function countsDatasetMismatch(base: Dataset, current: Dataset): string[] {
  const spec = specMismatch(base, current);
  if (spec) return [spec];
  const engines = (d: Dataset) => [
    ...new Set(
      d.runs.flatMap((r) => r.cells.filter((c) => c.counts).map((c) => `${engineLabel(r, c)}${isNativeEngine(engineOf(c)) ? ` (${engineOf(c)})` : ""}`)),
    ),
  ];
  const [be, ce] = [engines(base), engines(current)];
  if (!ce.some((e) => be.includes(e)))
    return [
      `engine mismatch: the baseline was counted in ${be.join(", ") || "no engine"}, the current results in ${ce.join(", ") || "no engine"}: counts of another engine are never compared (it emits other code; --cross-engine compares ns ratios only)`,
    ];
  return ["no cell was counted on both sides"];
}

/** The comparison on deterministic counts (gate/counts.ts): exact, per dispatch, against an absolute threshold. */
function compareCounts(base: Dataset, current: Dataset, o: CompareOptions & { metric: CountMetric }, given: Partial<CompareOptions>): Comparison {
  const usage = (path: string, message: string, fix: string) => new LabError("usage", [{ path, message }], fix);
  if (o.crossEngine)
    throw usage(
      "--cross-engine",
      `counts (--metric ${o.metric}) are never compared across engines: another engine emits other code`,
      "compare counts of one engine build on both sides, or compare ns (--metric ns) with --cross-engine",
    );
  if (o.basis === "reference")
    throw usage(
      "--basis",
      `counts (--metric ${o.metric}) are net of the control kernel, or gross: --basis reference applies to ns`,
      "drop --basis reference, or compare ns (--metric ns)",
    );
  if (given.threshold !== undefined)
    throw usage(
      "--threshold",
      `a fraction of a cell's ns, but the metric is ${o.metric}`,
      `give the threshold in ${o.metric} per dispatch with --count-threshold N (default ${COUNT_THRESHOLDS[o.metric]})`,
    );
  const threshold = o.countThreshold ?? COUNT_THRESHOLDS[o.metric];
  if (!(threshold >= 0) || !Number.isFinite(threshold))
    throw usage("--count-threshold", `${threshold} is not a count per dispatch of 0 or more`, `e.g. --count-threshold ${COUNT_THRESHOLDS[o.metric]}`);
  const options = { ...o, countThreshold: threshold };
  const unit = COUNT_UNITS[o.metric];
  const missing = missingCounts(base, current, o.metric);
  if (missing) return { options, cells: [], unmatched: { base: [], current: [] }, skipped: [], incomparable: [missing], unit };
  const [b, c] = [counted(base), counted(current)];
  const cells: CellChange[] = [];
  const skipped: Comparison["skipped"] = [];
  const refused = new Map<string, string[]>();
  for (const [key, cur] of c) {
    const old = b.get(key);
    if (!old) continue;
    const why = hasCellCounts(old) && hasCellCounts(cur) ? countsMismatch(old, cur) : null;
    if (why) {
      refused.set(why, [...(refused.get(why) ?? []), cur.label]);
      continue;
    }
    const change = compareCountCell(old, cur, options);
    if (typeof change === "string") skipped.push({ cell: cur.label, reason: change });
    else cells.push(change);
  }
  const unmatched = { base: [...b].filter(([k]) => !c.has(k)).map(([, v]) => v.label), current: [...c].filter(([k]) => !b.has(k)).map(([, v]) => v.label) };
  const incomparable = [...refused].map(([why, labels]) => withCells(why, labels));
  if (!cells.length && !skipped.length && !incomparable.length) incomparable.push(...countsDatasetMismatch(base, current));
  return { options, cells, unmatched, skipped, incomparable, unit };
}
