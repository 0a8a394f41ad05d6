/** The worker side of live-statistics.ts: a run's cells in, their summaries out. */
import { parentPort } from "node:worker_threads";
import { summarizeCells } from "../results/summarize.js";
import type { StatisticsJob } from "./live-statistics.js";

parentPort!.on("message", ({ cells, config }: StatisticsJob) => parentPort!.postMessage(summarizeCells(cells, config)));
