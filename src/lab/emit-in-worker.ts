/**
 * Emit a run's modules in a short-lived child process. binaryen is 10 MB of
 * JS and wasm that holds ~100 MB once loaded, and a worker thread's memory
 * stays in the process after it ends (measured); the run's parent lives for
 * the whole measurement, so it never loads binaryen.
 */
import { fork } from "node:child_process";
import { join } from "node:path";
import { LabError, type Problem } from "../errors.js";
import { packageRoot } from "../paths.js";
import type { Spec } from "../spec/types.js";
import type { ModuleAudit } from "../model/cells.js";

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
  | { ok: true; modules: WorkerModule[][] }
  | { ok: false; error: { code: LabError["code"]; problems: Problem[]; fix: string | undefined } }
  | { ok: false; crash: string };

/** The compiled worker entry (the CLI and tests run from dist/). */
const WORKER = join(packageRoot, "dist", "src", "lab", "emit-worker.js");

/** One job per spec, all in one child (binaryen loads once): the modules of each job, in job order. */
export function emitInWorker(jobs: readonly EmitJob[]): Promise<WorkerModule[][]> {
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
