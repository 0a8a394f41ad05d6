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
}

export const COMPARE_DEFAULTS: CompareOptions = { threshold: 0.05, basis: "control", alpha: 0.05, crossMachine: false, crossEngine: false, seed: 1 };

export type Metric = "net-ns" | "ratio-to-control" | "ratio-to-reference";

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
  base: { median: number; call: number; rounds: number };
  current: { median: number; rounds: number };
  /** current - base, in the metric's unit (ns, or a ratio), 95% CI. */
  change: Estimate;
  /** change / the base's call (gross ns, or the ratio): what the threshold applies to. */
  relative: Estimate;
  /** Two-sided Mann-Whitney U p-value of the per-round values. */
  p: number;
  verdict: Verdict;
  /** Half-width of the relative CI: a change smaller than this is within this cell's noise. */
  detectable: number;
}

export interface Comparison {
  options: CompareOptions;
  cells: CellChange[];
  /** Cells that only one side measured (spec, strategy, workload, tier, machine). */
  unmatched: { base: string[]; current: string[] };
  /** Cells both sides measured that could not be compared, and why (too few rounds, no control in a run): never silently dropped. */
  skipped: { cell: string; reason: string }[];
  /** Why nothing could be compared (spec or machine mismatch); empty when something was. */
  incomparable: string[];
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
const engineKey = (run: RunRecord, cell: CellRecord): string => {
  const { kind, version } = engineVersion(run, cell);
  return `${kind} ${version.split(".")[0]}`;
};

const engineLabel = (run: RunRecord, cell: CellRecord): string => {
  const { kind, version } = engineVersion(run, cell);
  return `${kind} ${version}`;
};

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

/** Why the two datasets share no comparable cell, in words. */
function mismatch(base: Dataset, current: Dataset, o: CompareOptions): string[] {
  const specs = (d: Dataset) => new Set(d.runs.map((r) => r.spec.hash));
  const [bs, cs] = [specs(base), specs(current)];
  if (![...cs].some((h) => bs.has(h))) {
    const names = (d: Dataset) => [...new Set(d.runs.map((r) => `${r.spec.name} (${r.spec.hash.slice(0, 12)})`))].join(", ");
    return [`spec mismatch: base measured ${names(base)}, current ${names(current)}`];
  }
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
  const o = { ...COMPARE_DEFAULTS, ...options };
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
