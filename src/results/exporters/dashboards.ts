/**
 * Our numbers in the input formats of two existing benchmark dashboards, so
 * CI can chart dispatch cost over commits without glue code. Pure
 * serializers, Dataset -> string, like the other exporters.
 *
 * Both carry the same benchmarks: one per measured cell (status "ok") that is
 * not the control kernel, named `${spec} ${workload} ${strategy}`, plus
 * ` (${tier})` when the run measured several tiers, ` (${engine})` several
 * engines (both: ` (${tier}, ${engine})`). A name is unique within a
 * run; where runs of a dataset share one (two machines, same spec), those
 * names alone get `[${first 8 hex digits of the machine id}] ` in front, and,
 * should that not tell them apart (the same machine twice), `[${machine} #${run
 * index}] `. Names that collide nowhere stay bare, so a dashboard keyed by
 * name keeps its history when one machine's results are later merged in.
 */
import { enginesOf, type CellSummary, type Dataset, type RunRecord } from "../../model/results.js";
import { engineOf } from "../../model/cells.js";

export const NET_UNIT = "ns/dispatch";
export const RATIO_UNIT = "x";

interface Cell {
  run: RunRecord;
  s: CellSummary;
  name: string;
}

/** The cells both formats report, named, in dataset order (run, then summary). */
function cells(d: Dataset): Cell[] {
  const list = d.runs.flatMap((run, index) =>
    run.summaries.filter((s) => s.status === "ok" && s.strategy !== run.config.control).map((s) => ({ run, index, s, base: baseName(run, s) })),
  );
  const runsOf = (names: string[]): Map<string, Set<number>> => {
    const m = new Map<string, Set<number>>();
    list.forEach((c, i) => m.set(names[i]!, (m.get(names[i]!) ?? new Set()).add(c.index)));
    return m;
  };
  const shared = (m: Map<string, Set<number>>, name: string): boolean => (m.get(name)?.size ?? 0) > 1;
  const machine = (c: (typeof list)[number]): string => c.run.fingerprint.machineId.slice(0, 8);

  const bases = list.map((c) => c.base);
  const byBase = runsOf(bases);
  const prefixed = list.map((c) => (shared(byBase, c.base) ? `[${machine(c)}] ${c.base}` : c.base));
  const byPrefixed = runsOf(prefixed);
  return list.map((c, i) => ({
    run: c.run,
    s: c.s,
    name: shared(byPrefixed, prefixed[i]!) ? `[${machine(c)} #${c.index}] ${c.base}` : prefixed[i]!,
  }));
}

/** `spec workload strategy`, then what else tells the run's cells apart: ` (tier)`, ` (engine)`, ` (tier, engine)`. */
const baseName = (run: RunRecord, s: CellSummary): string => {
  const within = [...(run.config.tiers.length > 1 ? [s.tier] : []), ...(enginesOf(run.config).length > 1 ? [engineOf(s)] : [])];
  return `${run.spec.name} ${s.workload} ${s.strategy}${within.length ? ` (${within.join(", ")})` : ""}`;
};

/** 3 significant digits, but never rounding away integer digits (1212.8 -> "1213", 0.73968 -> "0.74"). */
const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : String(Number(x.toPrecision(3))));

const finite = (...xs: number[]): boolean => xs.every(Number.isFinite);

/** A ratio entry exists for a non-reference cell whose ratio is known (the reference's is 1 by construction). */
const hasRatio = (c: Cell): boolean => c.s.strategy !== c.run.config.reference && c.s.ratio !== null && finite(c.s.ratio.ratio);

/** One entry of github-action-benchmark's customSmallerIsBetter / customBiggerIsBetter input. */
export interface CustomBenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

/** `± half-width` of a 95% CI (bootstrap CIs are not symmetric: half of high - low). */
const range = (lo: number, hi: number): string | undefined => (finite(lo, hi) ? `± ${fmt((hi - lo) / 2)}` : undefined);

/** The tooltip: gross cost, ratio, machine and sample count, one per line. */
function extra(c: Cell): string {
  const { s, run } = c;
  const gross = s.gross ? `gross ${fmt(s.gross.median)} ns [${fmt(s.gross.ciLow)}, ${fmt(s.gross.ciHigh)}]` : "gross n/a";
  const ratio = s.ratio ? `${fmt(s.ratio.ratio)} [${fmt(s.ratio.ciLow)}, ${fmt(s.ratio.ciHigh)}]` : "n/a";
  return `${gross}\nratio to ${run.config.reference} ${ratio}\nmachine ${run.fingerprint.machineId}\nsamples ${s.gross?.n ?? 0}`;
}

const entry = (name: string, unit: string, value: number, lo: number, hi: number, extraText: string): CustomBenchmarkEntry => {
  const r = range(lo, hi);
  return { name, unit, value, ...(r === undefined ? {} : { range: r }), extra: extraText };
};

/**
 * Input for github-action-benchmark with `tool: customSmallerIsBetter`
 * (https://github.com/benchmark-action/github-action-benchmark#examples, "Custom
 * benchmarks"): a JSON array of { name, unit, value, range?, extra? }, range
 * and extra free-form strings shown in the chart's tooltip. Per cell: the net
 * cost (unit "ns/dispatch", value = net median, range = ± half the 95% CI),
 * then, unless it is the reference, the ratio of its gross to the reference's
 * (name + ` / ${reference}`, unit "x"). Smaller is better for both. Cells with
 * no net or ratio (or non-finite ones) give no such entry.
 */
export function customSmallerIsBetter(d: Dataset): string {
  const list: CustomBenchmarkEntry[] = [];
  for (const c of cells(d)) {
    const { s } = c;
    const tooltip = extra(c);
    if (s.net && finite(s.net.diff)) list.push(entry(c.name, NET_UNIT, s.net.diff, s.net.ciLow, s.net.ciHigh, tooltip));
    if (hasRatio(c)) list.push(entry(`${c.name} / ${c.run.config.reference}`, RATIO_UNIT, s.ratio!.ratio, s.ratio!.ciLow, s.ratio!.ciHigh, tooltip));
  }
  return `${JSON.stringify(list, null, 2)}\n`;
}

/** A BMF metric: a value and, optionally, its bounds (here the 95% CI). */
export interface BmfMetric {
  value: number;
  lower_value?: number;
  upper_value?: number;
}

/** Measure slugs: "latency" is Bencher's built-in (nanoseconds); Bencher creates the other two on first use. */
export const BMF_MEASURES = { net: "latency", gross: "gross-latency", ratio: "ratio-to-reference" } as const;

const metric = (value: number, lo: number, hi: number): BmfMetric => (finite(lo, hi) ? { value, lower_value: lo, upper_value: hi } : { value });

/**
 * Bencher Metric Format (https://bencher.dev/docs/reference/bencher-metric-format/),
 * for `bencher run --adapter json --file ...`: { benchmark: { measure: { value,
 * lower_value?, upper_value? } } }. Benchmarks are named as for
 * customSmallerIsBetter (without the ratio suffix); measures: "latency" = net
 * ns/dispatch, "gross-latency" = gross ns/dispatch, "ratio-to-reference" =
 * gross over the run's reference strategy's (absent for the reference
 * itself), each with its 95% CI as lower/upper. A missing statistic is a
 * missing measure; a cell with none is no benchmark.
 */
export function bencherBmf(d: Dataset): string {
  const out: Record<string, Record<string, BmfMetric>> = {};
  for (const c of cells(d)) {
    const { s } = c;
    const measures: Record<string, BmfMetric> = {};
    if (s.net && finite(s.net.diff)) measures[BMF_MEASURES.net] = metric(s.net.diff, s.net.ciLow, s.net.ciHigh);
    if (s.gross && finite(s.gross.median)) measures[BMF_MEASURES.gross] = metric(s.gross.median, s.gross.ciLow, s.gross.ciHigh);
    if (hasRatio(c)) measures[BMF_MEASURES.ratio] = metric(s.ratio!.ratio, s.ratio!.ciLow, s.ratio!.ciHigh);
    if (Object.keys(measures).length > 0) out[c.name] = measures;
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}
