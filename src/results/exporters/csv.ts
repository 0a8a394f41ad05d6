/**
 * samples.csv (one row per sample) and summary.csv (one row per cell): tidy,
 * RFC 4180 (csv-stringify quotes what needs quoting), a header row, units in
 * column names, every row self-describing (machine, versions, spec), so the
 * files of many machines concatenate and load in pandas, R or a spreadsheet
 * without cleanup. Column order is part of the schema (docs/results.md).
 * Text cells hold names a user chose (spec, trace file, error messages): a
 * spreadsheet would run one starting with = + - @ as a formula, so those get
 * a leading single quote; numbers are numbers and stay as they are.
 */
import { stringify } from "csv-stringify/sync";
import { neutraliseCsvText } from "../../text/escape.js";
import { cellKey, engineOf } from "../../model/cells.js";
import { mispredicts } from "../../model/counts.js";
import { engineIn, type CellRecord, type CellSummary, type Dataset, type RunRecord } from "../../model/results.js";

type Row = Record<string, string | number | null>;

/** The identifying columns every row starts with. */
function context(r: RunRecord): Row {
  return {
    machine_id: r.fingerprint.machineId,
    cpu_model: r.fingerprint.cpu.model,
    node_version: r.fingerprint.runtime.node,
    v8_version: r.fingerprint.runtime.v8,
    spec: r.spec.name,
    spec_hash: r.spec.hash,
    run_started_at: r.sessions[0]?.startedAt ?? null,
  };
}

const csv = (rows: Row[], columns: string[], header = true): string =>
  stringify(rows, { header, columns, cast: { number: (n) => String(n), string: neutraliseCsvText } });

/**
 * Every row's machine, runtime, spec, run and cell: rows carry them, so files
 * from many machines concatenate. node_version and v8_version are the lab's
 * own node; engine, engine_version and engine_vm the cell's (the same node
 * for `node`).
 */
const CELL_CONTEXT = [
  "machine_id",
  "cpu_model",
  "node_version",
  "v8_version",
  "spec",
  "spec_hash",
  "run_started_at",
  "strategy",
  "workload",
  "tier",
  "engine",
  "engine_version",
  "engine_vm",
  "inlining",
];

/** Columns a samples.csv written before engines lacks (read-csv.ts reads such a file as the lab's node). */
export const ENGINE_COLUMNS: readonly string[] = ["engine", "engine_version", "engine_vm", "inlining"];

/** The columns of a cell's engine: a run written before engines ran every cell on the lab's node, at the engine's defaults. */
function engineColumns(r: RunRecord, c: { engine?: string | undefined }): Row {
  const name = engineOf(c);
  const e = engineIn(r, name);
  return {
    engine: name,
    engine_version: e?.version ?? null,
    engine_vm: e?.vm ?? null,
    inlining: r.config.inlining ?? "engine",
  };
}

export const SAMPLE_COLUMNS = [...CELL_CONTEXT, "round", "session", "segment", "dispatches", "sample_ns", "ns_per_dispatch"];

export function samplesCsv(d: Dataset): string {
  return csv([], SAMPLE_COLUMNS) + d.runs.map((r) => r.cells.map((c) => cellSampleRows(r, c)).join("")).join("");
}

/**
 * A cell's rows as text, rendered once per sample: a run rewrites
 * samples.csv after every round, and rendering every row each time cost
 * ~80 ms of the runner's thread per round of the default run (a fifth of
 * the round). Samples only ever append (runner.ts), so a cell whose columns
 * are unchanged renders only its new samples.
 */
const renderedSamples = new WeakMap<CellRecord, { columns: string; samples: number; text: string }>();

function cellSampleRows(r: RunRecord, c: CellRecord): string {
  const columns: Row = {
    ...context(r),
    strategy: c.strategy,
    workload: c.workload,
    tier: c.tier,
    ...engineColumns(r, c),
    dispatches: c.ready?.dispatches ?? null,
  };
  const key = JSON.stringify(columns);
  const known = renderedSamples.get(c);
  const from = known?.columns === key && known.samples <= c.samples.length ? known : { columns: key, samples: 0, text: "" };
  const rows = c.samples
    .slice(from.samples)
    .map((s): Row => ({ ...columns, round: s.round, session: s.session, segment: s.segment, sample_ns: s.ns, ns_per_dispatch: s.nsPerDispatch }));
  const text = from.text + (rows.length ? csv(rows, SAMPLE_COLUMNS, false) : "");
  renderedSamples.set(c, { columns: key, samples: c.samples.length, text });
  return text;
}

export const SUMMARY_COLUMNS = [
  ...CELL_CONTEXT,
  "status",
  "samples",
  "gross_ns_per_dispatch",
  "gross_ci_low_ns",
  "gross_ci_high_ns",
  "gross_mad_ns",
  "gross_mean_ns",
  "gross_stddev_ns",
  "gross_min_ns",
  "gross_p5_ns",
  "gross_p95_ns",
  "outliers_low",
  "outliers_high",
  "net_ns_per_dispatch",
  "net_ci_low_ns",
  "net_ci_high_ns",
  "reference",
  "ratio_to_reference",
  "ratio_ci_low",
  "ratio_ci_high",
  "vs_reference_ns",
  "vs_reference_ci_low_ns",
  "vs_reference_ci_high_ns",
  "inconclusive",
  "precision_ns_sqrt_s",
  "seconds_measured",
  "error",
];

/**
 * The simulated counts of a cell (`run --measure counts`), appended after
 * SUMMARY_COLUMNS only when a run of the dataset measured counts (a file of
 * a run without counts is what it always was); empty for a cell without.
 * Per dispatch under valgrind: instructions, conditional branches and their
 * simulated mispredicts, indirect branches and theirs; net of the control's.
 */
export const COUNTS_COLUMNS = [
  "ir_per_dispatch",
  "bc_per_dispatch",
  "bcm_per_dispatch",
  "bi_per_dispatch",
  "bim_per_dispatch",
  "net_ir_per_dispatch",
  "net_mispredicts_per_dispatch",
  "counts_error",
];

/** Whether a run measured counts (or holds any): its dataset's summary.csv has COUNTS_COLUMNS. */
const hasCounts = (r: RunRecord): boolean =>
  !!r.config.measure?.includes("counts") || r.summaries.some((s) => s.counts) || r.cells.some((c) => c.counts || c.countsError);

export function summaryCsv(d: Dataset): string {
  const counts = d.runs.some(hasCounts);
  const columns = counts ? [...SUMMARY_COLUMNS, ...COUNTS_COLUMNS] : SUMMARY_COLUMNS;
  return csv([], columns) + d.runs.map((r) => runSummaryRows(r, counts, columns)).join("");
}

/**
 * A run's summary rows as text, rendered once per set of summaries: they
 * change only when its statistics are refreshed (every few seconds), not
 * with every round's rewrite. A run with counts renders each time (a cell's
 * counts error is the cell's, not its summary's).
 */
const renderedSummaries = new WeakMap<readonly CellSummary[], { key: string; text: string }>();

function runSummaryRows(r: RunRecord, counts: boolean, columns: string[]): string {
  const key = JSON.stringify(context(r));
  const known = counts ? undefined : renderedSummaries.get(r.summaries);
  if (known?.key === key) return known.text;
  const text = r.summaries.length ? csv(summaryRows(r, counts), columns, false) : "";
  if (!counts) renderedSummaries.set(r.summaries, { key, text });
  return text;
}

/** A cell's COUNTS_COLUMNS (countsError is the cell's, by its key). */
function countsColumns(s: CellSummary, cell: CellRecord | undefined): Row {
  const c = s.counts?.perDispatch;
  const net = s.counts?.net;
  return {
    ir_per_dispatch: c?.Ir ?? null,
    bc_per_dispatch: c?.Bc ?? null,
    bcm_per_dispatch: c?.Bcm ?? null,
    bi_per_dispatch: c?.Bi ?? null,
    bim_per_dispatch: c?.Bim ?? null,
    net_ir_per_dispatch: net ? net.Ir : null,
    net_mispredicts_per_dispatch: net ? mispredicts(net) : null,
    counts_error: cell?.countsError ?? null,
  };
}

function summaryRows(r: RunRecord, counts = false): Row[] {
  const ctx = context(r);
  const cells = new Map(r.cells.map((c) => [cellKey(c), c]));
  return r.summaries.map((s) => ({
    ...ctx,
    strategy: s.strategy,
    workload: s.workload,
    tier: s.tier,
    ...engineColumns(r, s),
    status: s.status,
    samples: s.gross?.n ?? 0,
    gross_ns_per_dispatch: s.gross?.median ?? null,
    gross_ci_low_ns: s.gross?.ciLow ?? null,
    gross_ci_high_ns: s.gross?.ciHigh ?? null,
    gross_mad_ns: s.gross?.mad ?? null,
    gross_mean_ns: s.gross?.mean ?? null,
    gross_stddev_ns: s.gross?.stddev ?? null,
    gross_min_ns: s.gross?.min ?? null,
    gross_p5_ns: s.gross?.p5 ?? null,
    gross_p95_ns: s.gross?.p95 ?? null,
    outliers_low: s.gross?.outliersLow ?? null,
    outliers_high: s.gross?.outliersHigh ?? null,
    net_ns_per_dispatch: s.net?.diff ?? null,
    net_ci_low_ns: s.net?.ciLow ?? null,
    net_ci_high_ns: s.net?.ciHigh ?? null,
    reference: r.config.reference,
    ratio_to_reference: s.ratio?.ratio ?? null,
    ratio_ci_low: s.ratio?.ciLow ?? null,
    ratio_ci_high: s.ratio?.ciHigh ?? null,
    vs_reference_ns: s.vsReference?.diff ?? null,
    vs_reference_ci_low_ns: s.vsReference?.ciLow ?? null,
    vs_reference_ci_high_ns: s.vsReference?.ciHigh ?? null,
    inconclusive: s.inconclusive,
    precision_ns_sqrt_s: s.precisionNsSqrtS,
    seconds_measured: s.seconds,
    error: s.error,
    ...(counts ? countsColumns(s, cells.get(cellKey(s))) : {}),
  }));
}
