/**
 * The files a run or sweep leaves in --out: results.json and the CSVs,
 * rewritten atomically as rounds come in, and report.html at the end.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io.js";
import { RESULTS_SCHEMA, type Dataset, type RunRecord } from "../model/results.js";
import type { SweepRecord } from "../model/sweep.js";
import { writeResults } from "../results/write.js";
import { liveStatistics, type LiveStatistics } from "./live-statistics.js";

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
  /** Writes the dataset as it stands; `active`: the run measuring now, whose statistics are refreshed (in a worker) when 5 s have passed since the last refresh. */
  write(active: RunRecord | undefined): void;
  /** The files the last write wrote. */
  files(): string[];
}

/**
 * Writes the dataset after every round. A run's statistics (bootstrap: ~1 s
 * for the default run) are refreshed at most every 5 s, in a worker thread
 * (live-statistics.ts), and written with the round after they are ready; a
 * sweep's come once per point, from finishRun. A write without an active
 * run (the final one) stops the refreshes first.
 */
export function datasetWriter(dataset: Dataset, out: string): DatasetWriter {
  let files: string[] = [];
  const written = new Map<string, string>();
  let summarizedAt = 0;
  let live: LiveStatistics | undefined;
  return {
    write(active) {
      if (!active) live?.stop();
      else if (Date.now() - summarizedAt > 5000) {
        live ??= liveStatistics();
        live.refresh(active);
        summarizedAt = Date.now();
      }
      dataset.complete = isComplete(dataset);
      files = writeResults(out, dataset, written);
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
