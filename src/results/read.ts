import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { LabError } from "../errors.js";
import { datasetFromSamplesCsv } from "./read-csv.js";
import { RESULTS_SCHEMA, RESULTS_SCHEMA_V1, type Dataset, type Results } from "./schema.js";

const invalid = (path: string, message: string, fix?: string) => new LabError("results-invalid", [{ path, message }], fix);

function checkRun(path: string, r: Partial<Results> | null | undefined, where: string): Results {
  if (!r || typeof r !== "object" || !r.config || !Array.isArray(r.cells) || !r.fingerprint || !r.spec)
    throw invalid(path, `${where}: no config, cells, fingerprint or spec: not a complete run`, "the file is damaged or not a dispatch-lab results file; rerun");
  return r as Results;
}

/** A results file's text, or a LabError naming it. */
function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw invalid(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * Read a results.json as a dataset: a missing file, bad JSON, an unknown
 * schema or a run without its parts is a LabError naming the file. A
 * results@1 file (one run, no envelope) reads as a dataset of that run.
 */
export function readResults(path: string): Dataset {
  const text = readText(path);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw invalid(path, `not valid JSON (${(e as Error).message})`, "the file is damaged; rerun without --resume into a new --out folder");
  }
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (schema === RESULTS_SCHEMA_V1) {
    const { schema: _s, ...run } = data as Results & { schema: string };
    return { schema: RESULTS_SCHEMA, kind: "run", complete: run.complete, runs: [checkRun(path, run, "run")], sweep: null };
  }
  if (schema !== RESULTS_SCHEMA) throw invalid(path, `schema ${JSON.stringify(schema)} is not ${RESULTS_SCHEMA} (or ${RESULTS_SCHEMA_V1})`, "use the dispatch-lab version that wrote it, or rerun");
  const d = data as Dataset;
  if (!Array.isArray(d.runs) || d.runs.length === 0) throw invalid(path, "no runs", "the file is damaged; rerun");
  d.runs.forEach((r, i) => checkRun(path, r, `runs[${i}]`));
  return d;
}

/** A results.json, or a folder holding one (what run, sweep and merge write with --out). */
export function resultsPath(arg: string): string {
  return existsSync(arg) && statSync(arg).isDirectory() ? join(arg, "results.json") : arg;
}

/** A results.json, a folder holding one, or a samples.csv (its rows rebuilt into runs: read-csv.ts). */
export function readResultsAt(arg: string): Dataset {
  return arg.toLowerCase().endsWith(".csv") ? datasetFromSamplesCsv(arg, readText(arg)) : readResults(resultsPath(arg));
}
