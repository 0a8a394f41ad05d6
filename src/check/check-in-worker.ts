/**
 * The differential check off the main thread, under a time limit. A user's
 * body may loop forever (a call into wasm cannot be interrupted from its own
 * thread): each module's check must finish within `timeoutMs` or its worker
 * is terminated (V8 stops wasm at its loop checks), the module is failed as
 * timed out, and new workers check the modules after it.
 */
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { packageRoot } from "../paths.js";
import type { Spec } from "../spec/types.js";
import type { Case } from "./cases.js";
import { failedCheck, type CheckableModule, type StrategyCheck } from "./check.js";

export interface CheckJob {
  spec: Spec;
  modules: CheckableModule[];
  cases: readonly Case[];
}

/** Seconds one strategy's check may take by default: xen:pv64's take milliseconds, 1000 cases of alu:1000000 bodies a few seconds. */
export const DEFAULT_CHECK_TIMEOUT_S = 10;

/** The compiled worker entry (the CLI and tests run from dist/, like the run's child). */
const WORKER = join(packageRoot, "dist", "src", "check", "check-worker.js");

/**
 * What a checker of modules in turn (a worker, an engine's process) reports
 * into: each result as it comes, each module within `timeoutMs` of the one
 * before; `finish(failure)` fails the module under way with the reason and
 * ends the checker (`stop`). Resolves with the results so far.
 */
export function collectChecks(
  job: Pick<CheckJob, "modules" | "cases">,
  timeoutMs: number,
  stop: () => void,
  resolve: (done: StrategyCheck[]) => void,
): { add(result: StrategyCheck): void; finish(failure?: string): void } {
  const done: StrategyCheck[] = [];
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  const finish = (failure?: string) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (failure && done.length < job.modules.length) done.push(failedCheck(job.modules[done.length]!, job.cases.length, failure));
    stop();
    resolve(done);
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => finish(`timed out after ${timeoutMs / 1000} s (a body that never returns? raise --timeout for heavy bodies)`), timeoutMs);
  };
  arm();
  return {
    add(result) {
      done.push(result);
      if (done.length === job.modules.length) finish();
      else arm();
    },
    finish,
  };
}

/** The results of the modules one worker got through: all of them, or up to and including the one that timed out or crashed it. */
function checkSome(job: CheckJob, timeoutMs: number): Promise<StrategyCheck[]> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER, { workerData: job });
    const checks = collectChecks(job, timeoutMs, () => void worker.terminate(), resolve);
    worker.on("message", (result: StrategyCheck) => checks.add(result));
    worker.on("error", (e) => checks.finish(`the check crashed: ${e.name}: ${e.message}`));
    worker.on("exit", (code) => checks.finish(`the check's worker exited with code ${code}`));
  });
}

/**
 * Every module checked, in order, each within `timeoutMs`: one worker takes
 * them in turn (a check takes milliseconds); once one has timed out or
 * crashed, the rest are checked at once, a worker each. Strategies share
 * their handlers' bodies, so when one loops the others mostly do too: in
 * turn, seven strategies would take seven timeouts; at once, about one.
 */
export const checkInWorkers = (spec: Spec, modules: readonly CheckableModule[], cases: readonly Case[], timeoutMs: number): Promise<StrategyCheck[]> =>
  inTurnThenEach(modules, (some) => checkSome({ spec, modules: some, cases }, timeoutMs));

/**
 * How a checker that stops at a timeout or crash gets through every module
 * (workers here, another engine's processes in lab/check-in-process.ts):
 * `some` checks the modules it is given in turn, returning the results up
 * to and including the one that stopped it; one call takes them all, then
 * the modules after a stop get a call each, at once.
 */
export async function inTurnThenEach(
  modules: readonly CheckableModule[],
  some: (modules: CheckableModule[]) => Promise<StrategyCheck[]>,
): Promise<StrategyCheck[]> {
  if (modules.length === 0) return [];
  const results = await some([...modules]);
  const rest = modules.slice(results.length);
  const each = await Promise.all(rest.map((m) => some([m])));
  return [...results, ...each.flat()];
}
