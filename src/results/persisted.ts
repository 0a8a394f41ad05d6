/**
 * results.json as stored (docs/results.md, "Reading results"): every field a
 * reader relies on, checked deeply, with plausible bounds, and the file's
 * cross-references (cells named by summaries, the config's lists, a sweep's
 * points) checked against each other. The schemas declare every field the
 * lab writes: their types (PersistedDataset) are the format, and the
 * in-memory types must equal them (test/results/format.test.ts), so a
 * refactor cannot change the file silently. A key the schema does not know
 * is kept, not refused: the reader hands back the file's own objects, so a
 * newer writer's optional fields ride through merge unchanged. Pure: a parsed
 * JSON value in, the dataset or located problems out.
 */
import { median } from "simple-statistics";
import { z } from "zod";
import type { Problem } from "../errors.js";
import { MEASURES } from "../model/counts.js";
import { NATIVE_TIER, TIERS, type CellTier, type Tier } from "../model/tiers.js";
import { CONTROL, RESULTS_SCHEMA, RESULTS_SCHEMA_V1, type Dataset, type RunRecord } from "../model/results.js";
import { cellId, cellKey, engineOf } from "../model/cells.js";
import { DEFAULT_ENGINE, ENGINE_KINDS, isNativeEngine, NATIVE, NATIVE_VARIANTS } from "../model/engines.js";

/** One dispatch taking a second is no dispatch: a sample above this is damage, not data. */
export const MAX_NS_PER_DISPATCH = 1e9;
/** One timed call (a sample aims at ~10 ms) taking an hour is damage too. */
export const MAX_SAMPLE_NS = 3.6e12;
/** Longer arrays than any run writes (a sample every 10 ms for 3 hours per cell). */
const MAX_ARRAY = 1_000_000;
/** results.json nests about 8 deep; deeper is junk that would overflow recursive readers. */
const MAX_DEPTH = 32;
/** Two computations of one float (a median, ns / dispatches) agree to this relative error. */
const RATIO_TOLERANCE = 1e-9;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `runs[0].cells[3].samples[7].nsPerDispatch`: the path style every Problem uses. */
function jsonPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) =>
      typeof key === "number" ? `[${key}]` : IDENTIFIER.test(String(key)) ? `${i === 0 ? "" : "."}${String(key)}` : `[${JSON.stringify(String(key))}]`,
    )
    .join("");
}

/** A value as a message quotes it: `string "7"`, `null`, `an array`, `number 1e+308`. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

const said = (expected: string) => (iss: { input?: unknown }) =>
  iss.input === undefined ? "missing (required)" : `expected ${expected}, got ${describe(iss.input)}`;

/** 1e9, not 1000000000. */
export const short = (n: number) => (n >= 1e6 ? n.toExponential().replace("+", "") : String(n));

/** A finite number above lo (or at it, unless loOpen) and at most hi; one message for every way to miss it. */
function num(lo: number, loOpen: boolean, hi?: number, int = false) {
  const range = hi === undefined ? `${loOpen ? ">" : ">="} ${lo}` : `in ${loOpen ? "(" : "["}${lo}, ${short(hi)}]`;
  const error = said(`${int ? "an integer" : "a finite number"} ${range}`);
  const n = hi === undefined ? z.number({ error }) : z.number({ error }).lte(hi, { error });
  const bounded = loOpen ? n.gt(lo, { error }) : n.gte(lo, { error });
  return int ? bounded.int({ error }) : bounded;
}

const count = num(0, false, undefined, true);
const positiveInt = num(0, true, undefined, true);
const finite = z.number({ error: said("a finite number") });
const nonNegative = num(0, false);
const positive = num(0, true);
const str = z.string({ error: said("a string") });
const name = str.min(1, { error: "expected a non-empty string" });
const nullableStr = z.string({ error: said("a string or null") }).nullable();
const list = <T extends z.ZodType>(item: T) => z.array(item, { error: said("an array") });
const record = <T extends z.ZodType>(value: T) => z.record(z.string(), value, { error: said("an object") });
// z.object, not looseObject: unknown keys pass validation either way, and the declared type stays exact.
const obj = <S extends z.core.$ZodLooseShape>(shape: S) => z.object(shape, { error: said("an object") });
const bool = z.boolean({ error: said("true or false") });
const choice = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: said(`one of ${values.join(", ")}`) });
const tier = choice(Object.keys(TIERS) as [Tier, ...Tier[]]);
/** A cell's tier: a V8 tier, or native (a native build's cells, whatever config.tiers says). */
const cellTier = choice([...Object.keys(TIERS), NATIVE_TIER] as unknown as [CellTier, ...CellTier[]]);
const status = choice(["pending", "ok", "failed"]);

/** An interval: finite ends, low <= high. */
function ordered<S extends z.core.$ZodLooseShape>(shape: S) {
  return obj({ ...shape, ciLow: finite, ciHigh: finite }).refine((v) => (v as { ciLow: number }).ciLow <= (v as { ciHigh: number }).ciHigh, {
    error: "ciLow is above ciHigh",
    path: ["ciLow"],
  });
}

const sample = obj({
  round: count,
  session: count,
  segment: count,
  ns: num(0, true, MAX_SAMPLE_NS),
  nsPerDispatch: num(0, true, MAX_NS_PER_DISPATCH),
});

const pinning = obj({ cpu: count, pinned: bool, note: str.optional() });

/** Per-dispatch counts: exact differences of totals, so finite (a net can be negative). */
const eventCounts = obj({ Ir: finite, Bc: finite, Bcm: finite, Bi: finite, Bim: finite });
const cellCounts = obj({ perDispatch: eventCounts, dispatches: positiveInt, valgrind: name, flags: list(str) });

const cell = obj({
  id: name,
  strategy: name,
  workload: name,
  tier: cellTier,
  engine: name.optional(),
  flags: list(str),
  status,
  error: str.optional(),
  counts: cellCounts.optional(),
  countsError: str.optional(),
  ready: obj({
    reps: positiveInt,
    dispatches: positiveInt,
    warmupSamples: count,
    warmupMs: nonNegative,
    warmNsPerDispatch: nonNegative,
    checksum: str,
    execArgv: list(str),
    maxRssMB: nonNegative,
    guard: choice(["pdeathsig", "watchdog"]).optional(),
  }).optional(),
  pinning: pinning.optional(),
  samples: list(sample),
  seconds: nonNegative,
  maxRssMB: nonNegative.optional(),
  starts: list(obj({ segment: count, startedAt: nonNegative, readyAt: nonNegative, promotedAt: nonNegative.optional() })).optional(),
});

const summaryStats = obj({
  n: positiveInt,
  median: finite,
  mad: nonNegative,
  mean: finite,
  stddev: nonNegative,
  min: finite,
  max: finite,
  p5: finite,
  p95: finite,
  ciLow: finite,
  ciHigh: finite,
  outliersLow: count,
  outliersHigh: count,
}).refine((s) => s.min <= s.median && s.median <= s.max && s.ciLow <= s.ciHigh, { error: "min <= median <= max and ciLow <= ciHigh do not hold" });
const difference = ordered({ diff: finite, paired: bool });
const ratio = ordered({ ratio: positive, paired: bool });

const summary = obj({
  id: name,
  strategy: name,
  workload: name,
  tier: cellTier,
  engine: name.optional(),
  status,
  error: nullableStr,
  gross: summaryStats.nullable(),
  net: difference.nullable(),
  ratio: ratio.nullable(),
  vsReference: difference.nullable(),
  /** Absent in files written before it existed: read.ts recomputes those statistics, so it is there once read. */
  inconclusive: nullableStr.default(null),
  precisionNsSqrtS: nonNegative.nullable(),
  seconds: nonNegative,
  counts: obj({ perDispatch: eventCounts, net: eventCounts.nullable() }).optional(),
});

const fingerprint = obj({
  machineId: name,
  cpu: obj({
    vendor: nullableStr,
    model: nullableStr,
    family: nullableStr,
    modelNumber: nullableStr,
    stepping: nullableStr,
    microcode: nullableStr,
    logicalCores: count,
    physicalCores: count.nullable(),
    smt: nullableStr,
    mhz: nonNegative.nullable().optional(),
  }),
  mitigations: record(str),
  kernel: obj({ release: str, version: str }),
  os: obj({ platform: str, arch: str, hostname: str, totalMemoryBytes: nonNegative }),
  runtime: obj({ node: str, v8: str, execArgv: list(str) }),
  virtualization: nullableStr.optional(),
  unknown: list(str),
});

const config = obj({
  spec: name,
  strategies: list(name).min(1, { error: "no strategies" }),
  workloads: list(name).min(1, { error: "no workloads" }),
  tiers: list(tier).min(1, { error: "no tiers" }),
  reference: name,
  control: name,
  samples: count.nullable(),
  processes: positiveInt,
  timeBudgetS: nonNegative,
  seed: finite,
  targetSampleMs: nonNegative,
  streamLength: count,
  cpu: count,
  bodies: nullableStr,
  inputs: record(str).optional(),
  engines: list(name).min(1, { error: "no engines" }).optional(),
  inlining: choice(["off", "engine"]).optional(),
  cc: name.optional(),
  measure: list(choice(MEASURES)).min(1, { error: "nothing measured" }).optional(),
});

const handler = obj({ id: count, name: str, priority: finite.optional(), params: list(choice(["i32", "i64"])), body: obj({ kind: str, ops: count }) });

const loadSample = obj({
  at: str,
  loadavg: z.tuple([nonNegative, nonNegative, nonNegative]).nullable(),
  ticks: obj({ total: count, steal: count }).nullable(),
  others: count,
  named: list(str),
});
const load = obj({
  cpu: count,
  cpus: positiveInt,
  busy: bool,
  warnings: list(str),
  steal: nonNegative.nullable(),
  before: loadSample,
  during: list(loadSample),
  after: loadSample,
});

const opcodeCounts = record(count);
const audit = obj({
  strategy: name,
  dispatchBytes: count,
  dispatch: opcodeCounts,
  claims: record(z.union([count, z.tuple([count, count]).readonly()], { error: said("a count or [min, max]") })),
  violations: list(str),
});

const run = obj({
  complete: bool,
  sessions: list(obj({ startedAt: str, finishedAt: nullableStr, pinning, load: load.optional(), sampledS: nonNegative.optional() })),
  tool: record(str),
  fingerprint,
  config,
  spec: obj({ name: str, hash: name, args: count, fallback: str, handlers: list(handler) }),
  modules: record(obj({ bytes: count, audit })),
  workloads: record(obj({ description: str, length: count, mix: list(obj({ id: count.nullable(), name: str, share: num(0, false, 1) })), notes: list(str) })),
  cells: list(cell),
  summaries: list(summary),
  skipped: list(obj({ strategy: name, engine: name, reason: str })).optional(),
  engines: record(
    obj({
      kind: choice([...ENGINE_KINDS, NATIVE]),
      version: name,
      vm: name,
      inlining: choice(["off", "engine"]),
      source: choice(["running", "path", "installed", "built"]),
      native: obj({
        compiler: name,
        variant: choice(NATIVE_VARIANTS),
        flags: list(str),
        audits: record(obj({ dispatch: record(count), thunks: list(str), violations: list(str) })).optional(),
      }).optional(),
      inliningCheck: obj({
        method: choice(["trace", "options"]),
        inlinedCalls: count.nullable(),
        optionOff: bool.optional(),
        examples: list(str),
        unproven: str.optional(),
      }).optional(),
    }),
  ).optional(),
  /** Words made from the summaries when written (exporters/json.ts); the lab never reads them, so a file may lack them. */
  answers: list(str).optional(),
}).superRefine((r, ctx) => {
  for (const p of runProblems(r)) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
});

const estimate = ordered({ value: finite }).nullable();
const lineFit = obj({
  slope: finite,
  intercept: finite,
  r2: finite,
  residualSd: nonNegative,
  n: count,
  slopeCI: z.tuple([finite, finite]),
  interceptCI: z.tuple([finite, finite]),
  paired: bool,
});
const winner = choice(["a", "b", "tie"]);
const side = choice(["a", "b"]);
const curves = <S extends z.core.$ZodLooseShape>(shape: S) => list(obj(shape));

const analysis = z.discriminatedUnion(
  "kind",
  [
    obj({
      kind: z.literal("position"),
      spec: str,
      sentences: list(str),
      curves: curves({
        strategy: name,
        tier: cellTier,
        engine: name.optional(),
        fit: lineFit.nullable(),
        points: list(obj({ position: positiveInt, handler: str, id: count, net: estimate })),
      }),
    }),
    obj({
      kind: z.literal("scale"),
      reference: name,
      sentences: list(str),
      curves: curves({
        strategy: name,
        workload: name,
        tier: cellTier,
        engine: name.optional(),
        points: list(obj({ n: positiveInt, spec: str, net: estimate, gross: estimate, ratio: estimate })),
      }),
    }),
    obj({
      kind: z.literal("crossover"),
      a: name,
      b: name,
      sentences: list(str),
      curves: curves({
        variable: choice(["n", "zipf"]),
        axis: str,
        held: str,
        tier: cellTier,
        engine: name.optional(),
        sentence: str,
        result: obj({
          points: list(ordered({ x: finite, ratio: positive, winner })),
          crossings: list(obj({ from: side, to: side, estimate: finite, low: finite, high: finite, conclusive: bool })),
          throughout: winner.nullable(),
        }),
      }),
    }),
    obj({
      kind: z.literal("body"),
      reference: name,
      sentences: list(str),
      curves: curves({
        strategy: name,
        workload: name,
        tier: cellTier,
        engine: name.optional(),
        points: list(obj({ ops: count, callNs: estimate, share: estimate, vsReference: estimate })),
      }),
    }),
  ],
  { error: said("a position, scale, crossover or body analysis") },
);

const sweepKind = choice(["position", "scale", "crossover", "body"]);
const optionValue = z.union([str, finite, list(str), list(finite)], { error: said("a string, a number or a list of them") });

const sweep = obj({
  kind: sweepKind,
  options: record(optionValue),
  points: list(obj({ label: str, variable: choice(["n", "ops", "position", "zipf"]), x: finite.nullable() })).min(1, { error: "no points" }),
  order: list(count),
  analysis: analysis.nullable(),
});

const datasetV2 = obj({
  schema: z.literal(RESULTS_SCHEMA),
  kind: choice(["run", "sweep", "merge"]),
  complete: bool,
  runs: list(run).min(1, { error: "no runs" }),
  sweep: sweep.nullable(),
}).superRefine((d, ctx) => {
  for (const p of datasetProblems(d)) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
});

/** A results@1 file: one run, its fields beside "schema". */
const datasetV1 = run.and(obj({ schema: z.literal(RESULTS_SCHEMA_V1) }));

// ---------------------------------------------------------------- cross-references

interface Located {
  path: (string | number)[];
  message: string;
}

export const close = (a: number, b: number) => Math.abs(a - b) <= RATIO_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));

/** Each list holds a name once. */
function duplicates(values: readonly string[], path: (string | number)[]): Located[] {
  return values.flatMap((v, i) =>
    values.indexOf(v) < i ? [{ path: [...path, i], message: `${JSON.stringify(v)} repeats ${jsonPath(path)}[${values.indexOf(v)}]` }] : [],
  );
}

function sampleProblems(c: RunRecord["cells"][number], at: (string | number)[]): Located[] {
  const problems: Located[] = [];
  const seen = new Map<number, number>();
  // No check of ns / ready.dispatches: `ready` is the latest process's, and a resumed session may
  // time another batch size than the samples before it (the bounds above still hold every sample).
  c.samples.forEach((s, k) => {
    const first = seen.get(s.round);
    if (first !== undefined)
      problems.push({ path: [...at, "samples", k, "round"], message: `round ${s.round} repeats samples[${first}]: a cell has one sample per round` });
    seen.set(s.round, first ?? k);
  });
  return problems;
}

/**
 * What the types cannot say: cells unique and within the config, the
 * reference and control valid, samples one per round, summaries naming cells that exist and, for a
 * complete run (summarised last, after its final sample), agreeing with the
 * samples in count and median. An incomplete run's summaries may lag its
 * samples (they are refreshed every few seconds), never lead them.
 */
function runProblems(r: RunRecord): Located[] {
  const { config } = r;
  const problems: Located[] = [
    ...duplicates(config.strategies, ["config", "strategies"]),
    ...duplicates(config.workloads, ["config", "workloads"]),
    ...duplicates(config.tiers, ["config", "tiers"]),
    ...duplicates(
      r.cells.map((c) => c.id),
      ["cells"],
    ).map((p) => ({ ...p, path: [...p.path, "id"] })),
  ];
  if (!config.strategies.includes(config.reference))
    problems.push({ path: ["config", "reference"], message: `${JSON.stringify(config.reference)} is not among config.strategies` });
  // The control is the direct kernel; an older run may not have measured it, but no run names another.
  if (config.control !== CONTROL && !config.strategies.includes(config.control))
    problems.push({
      path: ["config", "control"],
      message: `${JSON.stringify(config.control)} is not the control kernel ${CONTROL} nor among config.strategies`,
    });
  const byId = new Map(r.cells.map((c) => [c.id, c]));
  const byTriple = new Map<string, number>();
  r.cells.forEach((c, i) => {
    const lists = [
      ["strategy", c.strategy, config.strategies],
      ["workload", c.workload, config.workloads],
      ["tier", c.tier, isNativeEngine(engineOf(c)) ? [NATIVE_TIER] : config.tiers],
      ["engine", engineOf(c), config.engines ?? [DEFAULT_ENGINE]],
    ] as const;
    for (const [field, value, allowed] of lists)
      if (!(allowed as readonly string[]).includes(value))
        problems.push({
          path: ["cells", i, field],
          message: `${JSON.stringify(value)} is not among config.${field === "strategy" ? "strategies" : `${field}s`}`,
        });
    if (c.id !== cellId(c)) problems.push({ path: ["cells", i, "id"], message: `${JSON.stringify(c.id)} is not its cell's id ${JSON.stringify(cellId(c))}` });
    const first = byTriple.get(cellKey(c));
    if (first !== undefined && r.cells[first]!.id !== c.id)
      problems.push({ path: ["cells", i], message: `measures the same strategy, workload, tier and engine as cells[${first}]` });
    byTriple.set(cellKey(c), first ?? i);
    problems.push(...sampleProblems(c, ["cells", i]));
  });
  const summarised = new Map<string, number>();
  r.summaries.forEach((s, i) => {
    const c = byId.get(s.id);
    if (!c) return problems.push({ path: ["summaries", i, "id"], message: `${JSON.stringify(s.id)} names no cell of this run` });
    if (cellKey(c) !== cellKey(s))
      problems.push({ path: ["summaries", i], message: `strategy, workload, tier or engine differ from its cell ${JSON.stringify(s.id)}` });
    if (summarised.has(s.id)) problems.push({ path: ["summaries", i, "id"], message: `${JSON.stringify(s.id)} repeats summaries[${summarised.get(s.id)}]` });
    summarised.set(s.id, i);
    const n = s.gross?.n ?? 0;
    if (n > c.samples.length || (r.complete && n !== c.samples.length))
      problems.push({ path: ["summaries", i, "gross", "n"], message: `${n} samples, but its cell has ${c.samples.length}` });
    else if (r.complete && s.gross && c.samples.length) {
      const m = median(c.samples.map((x) => x.nsPerDispatch));
      if (!close(s.gross.median, m))
        problems.push({ path: ["summaries", i, "gross", "median"], message: `${s.gross.median} is not the median of its cell's samples (${m})` });
    }
  });
  if (r.complete)
    r.cells.forEach(
      (c, i) => summarised.has(c.id) || problems.push({ path: ["cells", i], message: `a complete run has no summary of cell ${JSON.stringify(c.id)}` }),
    );
  return problems;
}

/** A sweep's record is there for a sweep (and only then), with one point per run; a complete dataset is complete in every run. */
function datasetProblems(d: Dataset): Located[] {
  const problems: Located[] = [];
  if (d.complete) d.runs.forEach((r, i) => r.complete || problems.push({ path: ["runs", i, "complete"], message: "false, but the dataset says complete" }));
  if (d.kind !== "sweep") return d.sweep ? [...problems, { path: ["sweep"], message: `a ${d.kind} has no sweep record (only kind "sweep" does)` }] : problems;
  const s = d.sweep;
  if (!s) return [...problems, { path: ["sweep"], message: "missing: a sweep records its points (kind, options, points, order, analysis)" }];
  if (s.points.length !== d.runs.length)
    problems.push({ path: ["sweep", "points"], message: `${s.points.length} points for ${d.runs.length} runs: points[i] describes runs[i]` });
  const sorted = [...s.order].sort((a, b) => a - b);
  if (sorted.length !== s.points.length || sorted.some((v, i) => v !== i))
    problems.push({ path: ["sweep", "order"], message: `not an order of the ${s.points.length} points (each index 0..${s.points.length - 1} once)` });
  if (s.analysis && s.analysis.kind !== s.kind)
    problems.push({ path: ["sweep", "analysis", "kind"], message: `${JSON.stringify(s.analysis.kind)} analysis in a ${s.kind} sweep` });
  if (d.complete && !s.analysis) problems.push({ path: ["sweep", "analysis"], message: "null, but the sweep is complete: it is analysed at its end" });
  return problems;
}

// ---------------------------------------------------------------- shape

/**
 * The first key `__proto__`, array over MAX_ARRAY entries or nesting over
 * MAX_DEPTH, walking without recursion: such a file is hostile or junk, and
 * a recursive reader (or the JSON.stringify of a merge) would overflow on it.
 */
function shapeProblem(value: unknown): Located | null {
  // Entries point at their parent: a path is built only for the problem found.
  type Entry = { v: unknown; depth: number; key: string | number; parent: Entry | null };
  const pathOf = (e: Entry | null): (string | number)[] => (e?.parent ? [...pathOf(e.parent), e.key] : []);
  const stack: Entry[] = [{ v: value, depth: 0, key: "", parent: null }];
  while (stack.length) {
    const e = stack.pop()!;
    if (typeof e.v !== "object" || e.v === null) continue;
    if (e.depth >= MAX_DEPTH) return { path: pathOf(e), message: `nested deeper than ${MAX_DEPTH} levels: not a results file` };
    if (Array.isArray(e.v)) {
      if (e.v.length > MAX_ARRAY) return { path: pathOf(e), message: `${e.v.length} entries, more than the ${MAX_ARRAY} a results file holds in one list` };
      e.v.forEach((v, key) => stack.push({ v, depth: e.depth + 1, key, parent: e }));
      continue;
    }
    for (const [key, v] of Object.entries(e.v)) {
      if (key === "__proto__") return { path: [...pathOf(e), key], message: "a key named __proto__ is not allowed" };
      stack.push({ v, depth: e.depth + 1, key, parent: e });
    }
  }
  return null;
}

// ---------------------------------------------------------------- parse

/** At most this many problems are listed: the first ones locate the damage. */
const MAX_PROBLEMS = 5;

/** `file: runs[0].cells[3]` problems, the first few, and how many more. */
function located(file: string, list: readonly Located[]): Problem[] {
  const shown = list.slice(0, MAX_PROBLEMS).map((p) => ({ path: p.path.length ? `${file}: ${jsonPath(p.path)}` : file, message: p.message }));
  return list.length > MAX_PROBLEMS
    ? [...shown, { path: file, message: `and ${list.length - MAX_PROBLEMS} more problem${list.length - MAX_PROBLEMS === 1 ? "" : "s"}` }]
    : shown;
}

const DAMAGED = "the file is damaged or was edited: use the copy that run, sweep or merge wrote, or rerun into a new --out folder";

type Parsed = { ok: true; dataset: Dataset } | { ok: false; problems: Problem[]; fix: string };

/**
 * A parsed results.json of either schema as a dataset, or its problems,
 * each `file: json.path`. A results@1 file reads as a dataset of its run.
 */
export function parseResults(file: string, data: unknown): Parsed {
  const shape = shapeProblem(data);
  if (shape) return { ok: false, problems: located(file, [shape]), fix: DAMAGED };
  const version = (data as { schema?: unknown } | null)?.schema;
  if (version === RESULTS_SCHEMA_V1) {
    const r = datasetV1.safeParse(data);
    if (!r.success) return { ok: false, problems: located(file, issues(r.error)), fix: DAMAGED };
    // The file's own objects, not zod's copies: those list keys in schema order, and a merge of a merge must be byte-identical.
    const { schema: _s, ...one } = data as RunRecord & { schema: string };
    return { ok: true, dataset: { schema: RESULTS_SCHEMA, kind: "run", complete: one.complete, runs: [one], sweep: null } };
  }
  if (version !== RESULTS_SCHEMA)
    return {
      ok: false,
      problems: [{ path: file, message: `schema ${JSON.stringify(version)} is not ${RESULTS_SCHEMA} (or ${RESULTS_SCHEMA_V1})` }],
      fix: "use the dispatch-lab version that wrote it, or rerun",
    };
  const r = datasetV2.safeParse(data);
  return r.success ? { ok: true, dataset: data as Dataset } : { ok: false, problems: located(file, issues(r.error)), fix: DAMAGED };
}

const issues = (e: z.ZodError): Located[] =>
  e.issues.map((i) => ({ path: i.path.filter((k): k is string | number => typeof k !== "symbol"), message: i.message }));

/** The results@2 format as the lab writes it: the in-memory Dataset maps into this (exporters/json.ts). */
export type PersistedDataset = z.output<typeof datasetV2>;
export type PersistedRunRecord = PersistedDataset["runs"][number];
