import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { LabError, type Problem } from "../errors.js";
import { summarizeRun } from "./answers.js";
import { parseResults } from "./persisted.js";
import { datasetFromSamplesCsv } from "./read-csv.js";
import type { Dataset, RunRecord } from "../model/results.js";

/** The most a results file may hold: past it Node cannot hold the text as one string, and nothing we write comes near. */
const MAX_RESULTS_BYTES = 512 * 1024 * 1024;

const invalid = (problems: Problem[] | string, path: string, fix?: string) =>
  new LabError("results-invalid", typeof problems === "string" ? [{ path, message: problems }] : problems, fix);

/** A results file's text, or a LabError naming it; its size is checked before it is read. */
function readResultsText(path: string): string {
  try {
    const bytes = statSync(path).size;
    if (bytes > MAX_RESULTS_BYTES)
      throw invalid(
        `${(bytes / 2 ** 20).toFixed(0)} MiB, more than the ${MAX_RESULTS_BYTES / 2 ** 20} MiB a results file may have`,
        path,
        "split the inputs: merge or report fewer machines at a time",
      );
    return readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof LabError) throw e;
    throw invalid(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, path);
  }
}

/**
 * Statistics written before summaries said whether they are inconclusive
 * are recomputed from the samples (same seeds), answers with them: an old
 * file measured from one round must not read as a verdict.
 */
function restate(run: RunRecord): void {
  if (run.summaries.every((s) => s.inconclusive !== undefined)) return;
  summarizeRun(run);
}

/**
 * Read a results.json as a dataset, checked deeply against its schema
 * (results/persisted.ts): a missing or oversized file, bad JSON, an unknown
 * schema, or any field out of its bounds or out of step with the rest is a
 * LabError "results-invalid" naming the file and the JSON path of the first
 * problems. A results@1 file (one run, no envelope) reads as a dataset of that run.
 */
export function readResults(path: string): Dataset {
  const text = readResultsText(path);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw invalid(
      `not valid JSON (${(e as Error).message})`,
      path,
      "the file is damaged: use the copy that run, sweep or merge wrote, or rerun into a new --out folder",
    );
  }
  const parsed = parseResults(path, data);
  if (!parsed.ok) throw invalid(parsed.problems, path, parsed.fix);
  parsed.dataset.runs.forEach(restate);
  return parsed.dataset;
}

/** A results.json, or a folder holding one (what run, sweep and merge write with --out). */
export function resultsPath(arg: string): string {
  return existsSync(arg) && statSync(arg).isDirectory() ? join(arg, "results.json") : arg;
}

/**
 * What every command reads results with: a results.json, a folder holding
 * one, or a samples.csv (its rows checked and rebuilt into runs: read-csv.ts).
 */
export function readResultsAt(arg: string): Dataset {
  return arg.toLowerCase().endsWith(".csv") ? datasetFromSamplesCsv(arg, readResultsText(arg)) : readResults(resultsPath(arg));
}
