/**
 * The files a run or sweep leaves in --out: results.json and the CSVs,
 * rewritten atomically as rounds come in, and report.html at the end.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io.js";
import { RESULTS_SCHEMA, type Dataset, type RunRecord } from "../model/results.js";
import type { SweepRecord } from "../model/sweep.js";
import { summarizeRun } from "../results/answers.js";
import { writeResults } from "../results/write.js";

export const newDataset = (kind: "run" | "sweep", runs: RunRecord[], sweep: SweepRecord | null): Dataset => ({
  schema: RESULTS_SCHEMA,
  kind,
  complete: false,
  runs,
  sweep,
});

/** Every run complete and, for a sweep, analysed. */
const isComplete = (d: Dataset) => d.runs.every((r) => r.complete) && (d.sweep === null || d.sweep.analysis !== null);

export interface DatasetWriter {
  /** Writes the dataset as it stands, refreshing `active`'s statistics first when 5 s have passed since the last time. */
  write(active: RunRecord | undefined): void;
  /** The files the last write wrote. */
  files(): string[];
}

/**
 * Writes the dataset after every round. Statistics (bootstrap) cost ~1 s
 * for the default run, hence at most every 5 s; a sweep's come once per
 * point, from finishRun.
 */
export function datasetWriter(dataset: Dataset, out: string): DatasetWriter {
  let files: string[] = [];
  let summarizedAt = 0;
  return {
    write(active) {
      if (active && Date.now() - summarizedAt > 5000) {
        summarizeRun(active);
        summarizedAt = Date.now();
      }
      dataset.complete = isComplete(dataset);
      files = writeResults(out, dataset);
    },
    files: () => files,
  };
}

/**
 * report.html next to the CSVs, once, at the end. Charts (Observable Plot,
 * linkedom) load only here, so neither the measuring loop nor a library user
 * who only emits pays for them.
 */
export async function writeReport(dataset: Dataset, out: string): Promise<string> {
  const { renderHtml } = await import("../report/html.js");
  const path = join(out, "report.html");
  writeFileAtomic(path, renderHtml([dataset]));
  return path;
}
