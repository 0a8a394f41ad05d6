/**
 * Emit a run's modules in a short-lived child process. binaryen is 10 MB of
 * JS and wasm that holds ~100 MB once loaded, and a worker thread's memory
 * stays in the process after it ends (measured); the run's parent lives for
 * the whole measurement, so it never loads binaryen. Modules the module
 * cache holds (module-cache.ts) are not emitted again: when it holds them
 * all, no child is started at all.
 */
import { fork } from "node:child_process";
import { join } from "node:path";
import { LabError, type Problem } from "../errors.js";
import { packageRoot } from "../paths.js";
import type { Spec } from "../spec/types.js";
import type { ModuleAudit } from "../model/cells.js";
import { specHash } from "../spec/load.js";
import { lookUp, openModuleCache, store, type CachedModule, type ModuleCache } from "./module-cache.js";

export interface WorkerModule {
  strategy: string;
  bytes: Uint8Array;
  audit: ModuleAudit;
}

export interface EmitJob {
  spec: Spec;
  strategies: string[];
  bodies: string | null;
}

export type EmitReply =
  | { ok: true; modules: CachedModule[][] }
  | { ok: false; error: { code: LabError["code"]; problems: Problem[]; fix: string | undefined } }
  | { ok: false; crash: string };

/** The compiled worker entry (the CLI and tests run from dist/). */
const WORKER = join(packageRoot, "dist", "src", "lab", "emit-worker.js");

export interface EmitInWorkerOptions {
  /** false: neither read nor write the module cache (`--no-cache`); a ModuleCache: that one (tests); default: the user's. */
  cache?: boolean | ModuleCache;
  /** What emits the modules the cache lacks: the child process (tests count its calls). */
  emit?: (jobs: readonly EmitJob[]) => Promise<CachedModule[][]>;
}

/** One job per spec: the modules of each job, in job order, from the cache or emitted in one child (binaryen loads once). */
export async function emitInWorker(jobs: readonly EmitJob[], options: EmitInWorkerOptions = {}): Promise<WorkerModule[][]> {
  const cache = typeof options.cache === "object" ? options.cache : openModuleCache(options.cache);
  const looked = jobs.map((job) => lookUp(cache, specHash(job.spec), job.strategies, job.bodies));
  // Each job asks the child only for the strategies the cache lacks; a job it holds whole is not sent.
  const asks = jobs.map((job, j) => ({ ...job, strategies: job.strategies.filter((_, i) => !looked[j]!.found[i]) }));
  const sent = asks.filter((job) => job.strategies.length);
  const replies = sent.length ? await (options.emit ?? emitInChild)(sent) : [];
  const emitted = asks.map((job) => (job.strategies.length ? replies.shift()! : []));
  if (cache) {
    jobs.forEach((job, j) => {
      const { inputs } = looked[j]!;
      if (inputs)
        store(
          cache,
          job.bodies,
          emitted[j]!.map((module) => ({ inputs: inputs[job.strategies.indexOf(module.strategy)]!, module })),
        );
    });
  }
  return looked.map(({ found }, j) => {
    let next = 0;
    return found.map((m) => {
      const { strategy, bytes, audit } = m ?? emitted[j]![next++]!;
      return { strategy, bytes, audit };
    });
  });
}

/** Emit in the child: every job's modules, in job order. */
function emitInChild(jobs: readonly EmitJob[]): Promise<CachedModule[][]> {
  return new Promise((resolve, reject) => {
    // detached: its own process group, so a terminal's Ctrl-C reaches the run alone, which stops
    // cleanly after the emit (exit 130) instead of failing on a killed child.
    const child = fork(WORKER, [], { serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"], detached: true });
    let replied = false;
    child.once("message", (reply: EmitReply) => {
      replied = true;
      child.kill();
      if (reply.ok) resolve(reply.modules);
      else if ("error" in reply) reject(new LabError(reply.error.code, reply.error.problems, reply.error.fix));
      else reject(new Error(`emit process: ${reply.crash}`));
    });
    child.once("exit", (code, signal) => {
      if (!replied) reject(new Error(`emit process ended without a reply (${signal ?? `exit code ${code}`})`));
    });
    child.send(jobs);
  });
}
