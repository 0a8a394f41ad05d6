/**
 * `run --resume`: the run it continues (a results.json of one run, not
 * complete), the config it continues with (the stored one; only the budget
 * and the CPU may change), and the checks that nothing its samples depend
 * on changed since it began.
 */
import { join } from "node:path";
import { checkInputsUnchanged } from "./inputs.js";
import type { RunInputs } from "./run-inputs.js";
import { LabError } from "../errors.js";
import { engineIn, type RunRecord, type RunConfig } from "../model/results.js";
import type { EngineKind } from "../model/engines.js";
import { installedEngines } from "../engines/installed.js";
import { readResults } from "../results/read.js";

/** The options that fix what a run measures: none may be given on --resume. */
const FIXED = [
  "spec",
  "strategies",
  "workloads",
  "tiers",
  "engines",
  "inlining",
  "cc",
  "measure",
  "samples",
  "processes",
  "seed",
  "reference",
  "bodies",
] as const;

type ResumeRequest = Partial<Record<(typeof FIXED)[number], unknown>> & { cpu?: number; timeBudgetS?: number };

/** The run a --resume continues: a results.json of one run, not complete. */
export function previousRun(out: string): RunRecord {
  const path = join(out, "results.json");
  const dataset = readResults(path);
  if (dataset.kind !== "run" || dataset.runs.length !== 1)
    throw new LabError(
      "usage",
      [{ path, message: `a ${dataset.kind} of ${dataset.runs.length} runs, not one run` }],
      "--resume continues a `run`; start a new run in another --out folder",
    );
  if (dataset.complete)
    throw new LabError(
      "usage",
      [{ path, message: "this run is already complete" }],
      "start a new run in another --out folder, or replace this one with --force",
    );
  return dataset.runs[0]!;
}

/** With --resume the stored config is the run's; only the budget and the CPU may change. */
export function resumedConfig(previous: RunRecord, req: ResumeRequest): RunConfig {
  const given = FIXED.filter((k) => req[k] !== undefined);
  if (given.length)
    throw new LabError(
      "usage",
      given.map((k) => ({ path: `--${k}`, message: "cannot change on --resume: the run continues with its stored config" })),
      "drop these options, or start a new run in another --out folder",
    );
  return { ...previous.config, cpu: req.cpu ?? previous.config.cpu, timeBudgetS: req.timeBudgetS ?? previous.config.timeBudgetS };
}

/** How to resume on the version a run began on: its installed binary by path, else install it. */
function resumeOn(name: string, kind: EngineKind, version: string): string {
  const old = installedEngines().find((e) => e.kind === kind && e.version === version);
  return old
    ? `resume on it by path: --resume --engine-path ${name}=${old.path}; or start a new run`
    : `install it (dispatch-lab engines install ${kind}@${version}) and resume with --engine-path ${name}=PATH, or start a new run`;
}

/** The spec's content and the --bodies and trace files must be what they were. */
export function checkUnchanged(previous: RunRecord, inputs: RunInputs, hashes: Readonly<Record<string, string>>): void {
  if (previous.spec.hash !== inputs.hash)
    throw new LabError(
      "results-invalid",
      [{ path: inputs.config.spec, message: `the spec changed since the run began (hash ${inputs.hash.slice(0, 12)} != ${previous.spec.hash.slice(0, 12)})` }],
      "restore the spec, or start a new run",
    );
  checkInputsUnchanged(previous.config.inputs, hashes);
  for (const n of inputs.natives) {
    const was = previous.engines?.[n.ref.name];
    if (was && !n.skip && was.vm !== n.versionLine)
      throw new LabError(
        "results-invalid",
        [{ path: `--engines ${n.ref.name}`, message: `the run began with ${was.vm}; ${n.compiler} is now ${n.versionLine}` }],
        "resume with the compiler the run began with on PATH, or start a new run",
      );
  }
  for (const e of inputs.engines) {
    const was = engineIn(previous, e.ref.name)?.version;
    if (was !== undefined && was !== e.version)
      throw new LabError(
        "results-invalid",
        [{ path: `--engines ${e.ref.name}`, message: `the run began on ${e.kind} ${was}; ${e.ref.name} is now ${e.kind} ${e.version}` }],
        resumeOn(e.ref.name, e.kind, was),
      );
  }
}
