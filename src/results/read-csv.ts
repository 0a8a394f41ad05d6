/**
 * A samples.csv as a dataset: the rows of many machines concatenate (every
 * row names its machine, spec and run), and users filter them in pandas or
 * a spreadsheet, so merge, compare, gate and report take them as input too.
 * Runs are rebuilt by (machine_id, spec_hash, run_started_at) and cells by
 * (strategy, workload, tier); statistics are computed again from the
 * samples. What a CSV does not hold (the full fingerprint, the handlers, the
 * config beyond the cells) is left empty and listed in fingerprint.unknown.
 */
import { parse } from "csv-parse/sync";
import { LabError } from "../errors.js";
import { restoreCsvText } from "../text/escape.js";
import type { Fingerprint } from "../model/fingerprint.js";
import { NATIVE_TIER, TIERS, type CellTier, type Tier } from "../model/tiers.js";
import { summarizeRun } from "./answers.js";
import { ENGINE_COLUMNS, SAMPLE_COLUMNS } from "./exporters/csv.js";
import { close, MAX_NS_PER_DISPATCH, MAX_SAMPLE_NS, short } from "./persisted.js";
import { CONTROL, RESULTS_SCHEMA, type CellRecord, type Dataset, type RunRecord, type RunConfig } from "../model/results.js";
import { cellId, engineOf } from "../model/cells.js";
import { DEFAULT_ENGINE, ENGINE_KINDS, isNativeEngine, NATIVE, type EngineKind, type EngineRecord } from "../model/engines.js";

interface Row {
  machine_id: string;
  cpu_model: string;
  node_version: string;
  v8_version: string;
  spec: string;
  spec_hash: string;
  run_started_at: string;
  strategy: string;
  workload: string;
  tier: string;
  /** Absent (with the next three) in files written before engines: the lab's node, at the engine's defaults. */
  engine?: string;
  engine_version?: string;
  engine_vm?: string;
  inlining?: string;
  round: string;
  session: string;
  segment: string;
  dispatches: string;
  sample_ns: string;
  ns_per_dispatch: string;
}

/** Each numeric column's bounds (the same as results.json's: persisted.ts); counts are integers. */
const NUMERIC = {
  round: { lo: 0, loOpen: false, hi: Number.MAX_SAFE_INTEGER, int: true },
  session: { lo: 0, loOpen: false, hi: Number.MAX_SAFE_INTEGER, int: true },
  segment: { lo: 0, loOpen: false, hi: Number.MAX_SAFE_INTEGER, int: true },
  dispatches: { lo: 0, loOpen: true, hi: Number.MAX_SAFE_INTEGER, int: true },
  sample_ns: { lo: 0, loOpen: true, hi: MAX_SAMPLE_NS, int: false },
  ns_per_dispatch: { lo: 0, loOpen: true, hi: MAX_NS_PER_DISPATCH, int: false },
} as const;
const NAMES = ["machine_id", "spec_hash", "strategy", "workload"] as const;

/** Why a row's numeric cell is unusable, or null. */
function numberProblem(column: keyof typeof NUMERIC, text: string): string | null {
  const { lo, loOpen, hi, int } = NUMERIC[column];
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) return `${column} "${text}" is not a number`;
  if ((loOpen ? n <= lo : n < lo) || n > hi)
    return `${column} ${text} is ${hi === Number.MAX_SAFE_INTEGER ? `not ${loOpen ? ">" : ">="} ${lo}` : `outside ${loOpen ? "(" : "["}${lo}, ${short(hi)}]`}`;
  return int && !Number.isInteger(n) ? `${column} ${text} is not an integer` : null;
}

/** The first problem of a row: a bad number, tier or empty name, or ns_per_dispatch that is not sample_ns / dispatches. */
function rowProblem(r: Record<string, string>): string | null {
  for (const c of Object.keys(NUMERIC) as (keyof typeof NUMERIC)[]) {
    const problem = numberProblem(c, r[c]!);
    if (problem) return problem;
  }
  const native = isNativeEngine(r["engine"] ?? "");
  if (native ? r["tier"] !== NATIVE_TIER : !Object.hasOwn(TIERS, r["tier"]!))
    return `tier "${r["tier"]}" is not ${(native ? [NATIVE_TIER] : Object.keys(TIERS))
      .join(", ")
      .replace(/, (\w+)$/, " or $1")}${native ? ` (engine ${r["engine"]} is native)` : ""}`;
  const empty = NAMES.find((c) => r[c]!.trim() === "");
  if (empty) return `${empty} is empty`;
  const quotient = Number(r["sample_ns"]) / Number(r["dispatches"]);
  const stored = Number(r["ns_per_dispatch"]);
  return close(quotient, stored) ? null : `ns_per_dispatch ${stored} is not sample_ns / dispatches (${quotient})`;
}

/** Two rows for one round of one cell of one run: the second would silently pair with the wrong sample. */
function repeatedRound(rows: readonly Record<string, string>[], path: string): void {
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    const key = [
      r["machine_id"],
      r["spec_hash"],
      r["run_started_at"],
      r["strategy"],
      r["workload"],
      r["tier"],
      r["engine"] ?? DEFAULT_ENGINE,
      Number(r["round"]),
    ].join("\u0000");
    const first = seen.get(key);
    if (first !== undefined)
      throw invalid(
        `${path}: row ${i + 1}`,
        `round ${r["round"]} of ${r["strategy"]} @ ${r["workload"]} repeats row ${first + 1} (the same file concatenated twice?)`,
      );
    seen.set(key, i);
  });
}

const invalid = (where: string, message: string) =>
  new LabError(
    "results-invalid",
    [{ path: where, message }],
    "pass a samples.csv that dispatch-lab wrote (docs/results.md lists its columns), or the results.json beside it",
  );

function parseRows(path: string, text: string): Row[] {
  let rows: Record<string, string>[];
  try {
    // Text cells a spreadsheet could run as formulas were written with a leading quote (exporters/csv.ts).
    rows = parse(text, { columns: true, skip_empty_lines: true, cast: (value) => restoreCsvText(value) });
  } catch (e) {
    throw invalid(path, `not valid CSV (${(e as Error).message})`);
  }
  // `cat a/samples.csv b/samples.csv` repeats the header: such rows are headers, not data.
  rows = rows.filter((r) => r["machine_id"] !== "machine_id");
  const header = Object.keys(rows[0] ?? {});
  const missing = SAMPLE_COLUMNS.filter((c) => !header.includes(c) && !ENGINE_COLUMNS.includes(c));
  if (rows.length === 0) throw invalid(path, "no rows");
  if (missing.length) throw invalid(path, `missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: not a samples.csv`);
  rows.forEach((r, i) => {
    const problem = rowProblem(r);
    if (problem) throw invalid(`${path}: row ${i + 1}`, problem);
  });
  repeatedRound(rows, path);
  return rows as unknown as Row[];
}

const unique = (values: string[]) => [...new Set(values)];

function cellsOf(rows: Row[]): CellRecord[] {
  const cells = new Map<string, CellRecord>();
  for (const r of rows) {
    const engine = r.engine || DEFAULT_ENGINE;
    const id = cellId({ strategy: r.strategy, workload: r.workload, tier: r.tier, engine });
    const cell = cells.get(id) ?? {
      id,
      strategy: r.strategy,
      workload: r.workload,
      tier: r.tier as CellTier,
      engine,
      flags: [],
      status: "ok",
      samples: [],
      seconds: 0,
    };
    cell.samples.push({
      round: Number(r.round),
      session: Number(r.session),
      segment: Number(r.segment),
      ns: Number(r.sample_ns),
      nsPerDispatch: Number(r.ns_per_dispatch),
    });
    cell.seconds += Number(r.sample_ns) / 1e9;
    cells.set(id, cell);
  }
  return [...cells.values()];
}

/** The run's --tiers: its wasm cells' (a run of native engines alone had the default, which its files do not state). */
function wasmTiers(cells: readonly CellRecord[]): Tier[] {
  const tiers = unique(cells.filter((c) => c.tier !== NATIVE_TIER).map((c) => c.tier)) as Tier[];
  return tiers.length ? tiers : ["turbofan"];
}

function runOf(rows: Row[], path: string): RunRecord {
  const first = rows[0]!;
  const cells = cellsOf(rows);
  const strategies = unique(cells.map((c) => c.strategy));
  const config: RunConfig = {
    spec: first.spec,
    strategies,
    workloads: unique(cells.map((c) => c.workload)),
    // A run of native engines alone still has a --tiers (its default): the files do not say it.
    tiers: wasmTiers(cells),
    engines: unique(cells.map(engineOf)),
    ...(first.inlining === "off" || first.inlining === "engine" ? { inlining: first.inlining } : {}),
    reference: strategies.includes("table") ? "table" : strategies[0]!,
    control: CONTROL,
    samples: null,
    processes: Math.max(...cells.flatMap((c) => c.samples.map((s) => s.segment))) + 1,
    timeBudgetS: 0,
    seed: 1,
    targetSampleMs: 0,
    streamLength: 0,
    cpu: 0,
    bodies: null,
  };
  const run: RunRecord = {
    complete: true,
    sessions: [{ startedAt: first.run_started_at, finishedAt: null, pinning: { cpu: 0, pinned: false, note: "not recorded in samples.csv" } }],
    tool: { node: first.node_version, v8: first.v8_version },
    fingerprint: reconstructedFingerprint(first, path),
    config,
    spec: { name: first.spec, hash: first.spec_hash, args: 0, fallback: "", handlers: [] },
    modules: {},
    workloads: {},
    cells,
    summaries: [],
    engines: enginesOfRows(rows),
  };
  summarizeRun(run);
  return run;
}

/** Each engine's version and VM as its rows state them (a file written before engines: the lab's node). */
function enginesOfRows(rows: readonly Row[]): Record<string, EngineRecord> {
  const out: Record<string, EngineRecord> = {};
  for (const r of rows) {
    const name = r.engine || DEFAULT_ENGINE;
    if (out[name]) continue;
    const native = isNativeEngine(name);
    const kind = (ENGINE_KINDS as readonly string[]).find((k) => name === k || name.startsWith(`${k}@`)) as EngineKind | undefined;
    out[name] = {
      kind: native ? NATIVE : (kind ?? "node"),
      version: r.engine_version || (name === DEFAULT_ENGINE ? r.node_version : "unknown"),
      vm: r.engine_vm || (name === DEFAULT_ENGINE ? `V8 ${r.v8_version}` : "unknown"),
      inlining: r.inlining === "off" ? "off" : "engine",
      source: name === DEFAULT_ENGINE ? "running" : native ? "built" : "installed",
    };
  }
  return out;
}

/** What a row says about its machine; the rest is empty (strings) or 0 (counts), and listed as unknown. */
function reconstructedFingerprint(r: Row, path: string): Fingerprint {
  return {
    machineId: r.machine_id,
    cpu: {
      vendor: null,
      model: r.cpu_model || null,
      family: null,
      modelNumber: null,
      stepping: null,
      microcode: null,
      logicalCores: 0,
      physicalCores: null,
      smt: null,
    },
    mitigations: {},
    kernel: { release: "", version: "" },
    os: { platform: "", arch: "", hostname: "", totalMemoryBytes: 0 },
    runtime: { node: r.node_version, v8: r.v8_version, execArgv: [] },
    virtualization: null,
    unknown: [`read from ${path}: a samples.csv records the machine id, CPU model and runtime only (no mitigations, kernel, cores, pinning)`],
  };
}

export function datasetFromSamplesCsv(path: string, text: string): Dataset {
  const groups = new Map<string, Row[]>();
  for (const r of parseRows(path, text)) {
    const key = `${r.machine_id}\u0000${r.spec_hash}\u0000${r.run_started_at}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const runs = [...groups.values()].map((rows) => runOf(rows, path));
  return { schema: RESULTS_SCHEMA, kind: "merge", complete: true, runs, sweep: null };
}
