/**
 * A run's statistics refreshed while it measures, in a worker thread. The
 * bootstrap of the default run's 35 cells costs about a second; computed on
 * the runner's thread every 5 s it held the next sample back that long each
 * time (the runner sends one sample request after another), about a fifth
 * of the run's wall time. In a worker the runner keeps sampling, and the
 * summaries land in the record when they are ready: an incomplete run's
 * summaries lag its samples by a few seconds, as they always could. The
 * final statistics are computed by finishRun, after the worker is stopped,
 * so no late refresh can replace them.
 */
import { Worker } from "node:worker_threads";
import { join } from "node:path";
import type { CellSummary, RunRecord } from "../model/results.js";
import { packageRoot } from "../paths.js";

/** The compiled worker entry (the CLI and tests run from dist/). */
const WORKER = join(packageRoot, "dist", "src", "lab", "live-statistics-worker.js");

/** What the worker is sent: what summarizeCells reads. */
export type StatisticsJob = Pick<RunRecord, "cells" | "config">;

export interface LiveStatistics {
  /** Start a refresh of `run`'s summaries unless one is under way; they are assigned when it ends. */
  refresh(run: RunRecord): void;
  /** No more refreshes: the worker ends, and a refresh still under way is dropped. */
  stop(): void;
}

export function liveStatistics(entry = WORKER): LiveStatistics {
  let worker: Worker | undefined;
  let busy = false;
  let stopped = false;
  return {
    refresh(run) {
      if (busy || stopped) return;
      if (!worker) {
        worker = new Worker(entry);
        worker.unref(); // never what keeps the process alive
        // A failed worker stops the refreshes: the final statistics come from finishRun regardless.
        worker.on("error", () => {
          stopped = true;
        });
      }
      busy = true;
      worker.once("message", (summaries: CellSummary[]) => {
        busy = false;
        if (!stopped) run.summaries = summaries;
      });
      const job: StatisticsJob = { cells: run.cells, config: run.config };
      worker.postMessage(job);
    },
    stop() {
      stopped = true;
      void worker?.terminate();
      worker = undefined;
    },
  };
}
