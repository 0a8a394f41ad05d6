/**
 * The files a run's cells depend on besides the spec (whose content hash the
 * run keeps already): the --bodies source, compiled into every module, and
 * each `trace:FILE` workload's file, which is its stream. A run records
 * their sha256 (`config.inputs`), and --resume refuses to mix samples of an
 * edited file into the old ones.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { LabError } from "../errors.js";
import type { RunConfig } from "../model/results.js";
import { parseWorkloadName } from "../workload/index.js";

/** The paths, as the config gives them: the bodies file first, then the trace files in workload order. */
export function inputFiles(config: Pick<RunConfig, "bodies" | "workloads">): string[] {
  const traces = config.workloads.flatMap((w) => {
    const parsed = parseWorkloadName(w);
    return parsed?.kind.kind === "trace" && parsed.arg ? [parsed.arg] : [];
  });
  return [...new Set([...(config.bodies ? [config.bodies] : []), ...traces])];
}

function sha256Of(path: string): string {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch (e) {
    throw new LabError(
      "io",
      [{ path, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }],
      "a run's --bodies and trace files must stay where they were when it began",
    );
  }
}

export const hashInputs = (config: Pick<RunConfig, "bodies" | "workloads">): Record<string, string> =>
  Object.fromEntries(inputFiles(config).map((f) => [f, sha256Of(f)]));

/** The recorded files whose content is not what it was. */
export function changedInputs(recorded: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>): string[] {
  return Object.keys(recorded).filter((f) => now[f] !== recorded[f]);
}

/** Throws, naming each file that changed since the run began (`now`: hashInputs of the resumed config, read once). */
export function checkInputsUnchanged(recorded: Readonly<Record<string, string>> | undefined, now: Readonly<Record<string, string>>): void {
  if (!recorded) return; // a run from before inputs were recorded: nothing to compare against
  const changed = changedInputs(recorded, now);
  if (changed.length)
    throw new LabError(
      "usage",
      changed.map((f) => ({ path: f, message: "changed since the run began: its samples would mix with the old ones" })),
      "restore the file, or start a new run (another --out, or --force to replace this one)",
    );
}
