/** The worker side of checkInWorkers: check each module in turn, posting each result as it is done. */
import { parentPort, workerData } from "node:worker_threads";
import { checkModule } from "./check.js";
import type { CheckJob } from "./check-in-worker.js";

const { spec, modules, cases } = workerData as CheckJob;
for (const module of modules) parentPort!.postMessage(checkModule(spec, module, cases));
