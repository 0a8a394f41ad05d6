/**
 * The hostile-file corpus: damaged and hostile results files made by
 * mutating the valid fixtures, each with the JSON path its first problem
 * must name. Shared by the reader tests and the CLI tests.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { samplesCsv } from "../../src/results/exporters/csv.js";
import { readResults } from "../../src/results/read.js";

export const FIX = join(import.meta.dirname, "..", "fixtures", "report");
export const A = join(FIX, "results-a.json");
export const B = join(FIX, "results-b.json");

// biome-ignore lint/suspicious/noExplicitAny: the corpus mutates parsed JSON at any depth
type Json = Record<string, any>;

const fixtureJson = (name: string): Json => JSON.parse(readFileSync(join(FIX, name), "utf8")) as Json;

/** results-a.json (a results@1 file) in the results@2 envelope. */
export function datasetA(): Json {
  const { schema: _s, ...run } = fixtureJson("results-a.json");
  return { schema: "dispatch-lab/results@2", kind: "run", complete: true, runs: [run], sweep: null };
}

export const sweepPosition = (): Json => fixtureJson("sweep-position.json");

export interface HostileCase {
  name: string;
  /** The file's text. */
  text: () => string;
  /** What the first problem's path must end with (after "file: "); "" when the problem is the file as a whole. */
  path: string;
  /** What its message must match. */
  message: RegExp;
}

const mutated = (base: () => Json, edit: (d: Json) => void) => () => {
  const d = base();
  edit(d);
  return JSON.stringify(d);
};
const sample = (d: Json) => d["runs"][0].cells[3].samples[4];
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

export const HOSTILE: HostileCase[] = [
  { name: "truncated JSON", text: () => JSON.stringify(datasetA()).slice(0, 5000), path: "", message: /^not valid JSON/ },
  {
    name: "NaN (not JSON)",
    text: () => JSON.stringify(datasetA()).replace(/"nsPerDispatch":[0-9.e+-]+/, '"nsPerDispatch":NaN'),
    path: "",
    message: /^not valid JSON/,
  },
  {
    name: "1e308 ns per dispatch",
    text: mutated(datasetA, (d) => (sample(d).nsPerDispatch = 1e308)),
    path: "runs[0].cells[3].samples[4].nsPerDispatch",
    message: /^expected a finite number in \(0, 1e9\], got number 1e\+308$/,
  },
  {
    name: "Infinity (1e999)",
    text: () => mutated(datasetA, (d) => (sample(d).nsPerDispatch = 12345.5))().replace("12345.5", "1e999"),
    path: "runs[0].cells[3].samples[4].nsPerDispatch",
    message: /got number Infinity/,
  },
  {
    name: "negative sample",
    text: mutated(datasetA, (d) => (sample(d).nsPerDispatch = -3)),
    path: "runs[0].cells[3].samples[4].nsPerDispatch",
    message: /got number -3$/,
  },
  {
    name: "zero sample ns",
    text: mutated(datasetA, (d) => (sample(d).ns = 0)),
    path: "runs[0].cells[3].samples[4].ns",
    message: /^expected a finite number in \(0, 3\.6e12\]/,
  },
  {
    name: "null sample",
    text: mutated(datasetA, (d) => (sample(d).nsPerDispatch = null)),
    path: "runs[0].cells[3].samples[4].nsPerDispatch",
    message: /got null$/,
  },
  {
    name: "round repeated in a cell",
    text: mutated(datasetA, (d) => (sample(d).round = 0)),
    path: "runs[0].cells[3].samples[4].round",
    message: /^round 0 repeats samples\[0\]/,
  },
  {
    name: "wrong type: cells a string",
    text: mutated(datasetA, (d) => (d["runs"][0].cells = "cells")),
    path: "runs[0].cells",
    message: /^expected an array, got string "cells"$/,
  },
  {
    name: "wrong type: round a string",
    text: mutated(datasetA, (d) => (sample(d).round = "7")),
    path: "runs[0].cells[3].samples[4].round",
    message: /^expected an integer >= 0, got string "7"$/,
  },
  {
    name: "missing fingerprint cpu",
    text: mutated(datasetA, (d) => delete d["runs"][0].fingerprint.cpu),
    path: "runs[0].fingerprint.cpu",
    message: /^missing \(required\)$/,
  },
  {
    name: "summary of a missing cell",
    text: mutated(datasetA, (d) => d["runs"][0].cells.splice(1, 1)),
    path: "runs[0].summaries[1].id",
    message: /^"chain\|xen:pv-guest-build\|turbofan" names no cell of this run$/,
  },
  {
    name: "cell id twice",
    text: mutated(datasetA, (d) => (d["runs"][0].cells[1] = d["runs"][0].cells[0])),
    path: "runs[0].cells[1].id",
    message: /repeats cells\[0\]/,
  },
  {
    name: "cell outside the config",
    text: mutated(datasetA, (d) => (d["runs"][0].config.strategies = ["table", "xen", "direct"])),
    path: "runs[0].cells[1].strategy",
    message: /^"chain" is not among config\.strategies$/,
  },
  {
    name: "reference not a strategy",
    text: mutated(datasetA, (d) => (d["runs"][0].config.reference = "tabel")),
    path: "runs[0].config.reference",
    message: /is not among config\.strategies/,
  },
  {
    name: "control not the control kernel",
    text: mutated(datasetA, (d) => (d["runs"][0].config.control = "nope")),
    path: "runs[0].config.control",
    message: /is not the control kernel direct/,
  },
  {
    name: "summary median not the samples'",
    text: mutated(datasetA, (d) => (d["runs"][0].summaries[2].gross.median *= 1.5)),
    path: "runs[0].summaries[2].gross.median",
    message: /is not the median of its cell's samples/,
  },
  {
    name: "interval upside down",
    text: mutated(datasetA, (d) => Object.assign(d["runs"][0].summaries[1].ratio, { ciLow: 2, ciHigh: 1 })),
    path: "runs[0].summaries[1].ratio.ciLow",
    message: /^ciLow is above ciHigh$/,
  },
  {
    name: "complete dataset, incomplete run",
    text: mutated(datasetA, (d) => (d["runs"][0].complete = false)),
    path: "runs[0].complete",
    message: /the dataset says complete/,
  },
  {
    name: "sweep without its record",
    text: mutated(sweepPosition, (d) => (d["sweep"] = null)),
    path: "sweep",
    message: /^missing: a sweep records its points/,
  },
  {
    name: "sweep points not the runs",
    text: mutated(sweepPosition, (d) => d["sweep"].points.push(d["sweep"].points[0])),
    path: "sweep.points",
    message: /^2 points for 1 runs/,
  },
  {
    name: "sweep analysis junk",
    text: mutated(sweepPosition, (d) => (d["sweep"].analysis.curves[0].points[0].net = { value: "x" })),
    path: "sweep.analysis.curves[0].points[0].net.value",
    message: /expected a finite number/,
  },
  {
    name: "huge array",
    text: mutated(datasetA, (d) => (d["runs"][0].answers = new Array(1_000_001).fill(0))),
    path: "runs[0].answers",
    message: /^1000001 entries, more than the 1000000/,
  },
  {
    name: "__proto__ key",
    text: () => JSON.stringify(datasetA()).replace('"tool":{', '"tool":{"__proto__":{"polluted":true},'),
    path: "runs[0].tool.__proto__",
    message: /^a key named __proto__ is not allowed$/,
  },
  {
    name: "deeply nested junk",
    text: () => JSON.stringify(datasetA()).replace('"answers":', `"junk":${nested(100_000)},"answers":`),
    path: `runs[0].junk${"[0]".repeat(29)}`,
    message: /^nested deeper than 32 levels/,
  },
  {
    name: "another schema",
    text: () => JSON.stringify({ schema: "dispatch-lab/results@9" }),
    path: "",
    message: /^schema "dispatch-lab\/results@9" is not dispatch-lab\/results@2/,
  },
  {
    name: "results@1 without its cells",
    text: () => JSON.stringify({ ...fixtureJson("results-a.json"), cells: [] }),
    path: "summaries[0].id",
    message: /names no cell/,
  },
];

/** A samples.csv of results-a.json whose first data row has `column` set to `value`. */
export function hostileCsv(column: string, value: string): string {
  const [header, first, ...rest] = samplesCsv(readResults(A)).trim().split("\n");
  const columns = header!.split(",");
  const cells = first!.split(",");
  cells[columns.indexOf(column)] = value;
  return [header, cells.join(","), ...rest].join("\n");
}

export const tmp = (prefix = "dl-hostile-") => mkdtempSync(join(tmpdir(), prefix));

/** Write the text to a fresh folder as results.json (or `name`), returning its path. */
export function writeCase(text: string, name = "results.json"): string {
  const file = join(tmp(), name);
  writeFileSync(file, text);
  return file;
}
