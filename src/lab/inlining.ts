/**
 * Before a run measures, each engine is asked what it inlines: the run's own
 * modules run in a probe child with the engine's trace on (run/trace-inlining.ts),
 * at each tier. With `--inlining off` a V8 engine must report no inlined
 * call, and JavaScriptCore must list its inlining option as off; otherwise
 * the run stops before measuring (its cells would be labelled wrongly).
 * With `--inlining engine` the count is recorded: what the engine inlined.
 */
import { probeCommand } from "../engines/command.js";
import { LabError } from "../errors.js";
import type { EngineRecord } from "../model/engines.js";
import type { RunRecord } from "../model/results.js";
import { traceInlining } from "../run/trace-inlining.js";
import type { WorkerModule } from "./emit-in-worker.js";
import type { RunInputs } from "./run-inputs.js";

/** How long the probe runs the modules per engine and tier: enough for V8's dynamic tiering to tier up and inline from feedback. */
const PROBE_MS = 400;
/** A shorter stream than the run's: the probe needs calls, not coverage of a long stream. */
const PROBE_STREAM = 4096;

export async function proveInlining(inputs: RunInputs, modules: readonly WorkerModule[], run: RunRecord): Promise<void> {
  const inlining = inputs.config.inlining ?? "off";
  const stream = [...inputs.workloads.values()][0]!.stream.subarray(0, PROBE_STREAM);
  for (const engine of inputs.engines) {
    const skipped = new Set((run.skipped ?? []).filter((s) => s.engine === engine.ref.name).map((s) => s.strategy));
    const bytes = modules.filter((m) => !skipped.has(m.strategy)).map((m) => m.bytes);
    const record = run.engines?.[engine.ref.name];
    let inlined = 0;
    let confirmed = true;
    const examples: string[] = [];
    let method: NonNullable<EngineRecord["inliningCheck"]>["method"] = "trace";
    for (const tier of inputs.config.tiers) {
      const { command, check } = probeCommand(engine, tier, inlining);
      method = check.method;
      const seen = await traceInlining(command, bytes, stream, { inlined: check.inlined, confirms: check.confirms, ms: PROBE_MS, timeoutMs: 60_000 }).catch(
        (e: Error) => {
          throw new LabError(
            "engine-inlining",
            [{ path: `--engines ${engine.ref.name}`, message: `cannot read what ${engine.kind} ${engine.version} inlines at ${tier}: ${e.message}` }],
            "check that the engine runs (dispatch-lab engines list), or measure without it",
          );
        },
      );
      inlined += seen.inlined;
      examples.push(...seen.examples.slice(0, 3 - examples.length));
      if (check.confirms && !seen.confirmed) confirmed = false;
    }
    const proof = method === "trace" ? { method, inlinedCalls: inlined, examples } : { method, inlinedCalls: null, optionOff: confirmed, examples };
    if (record) record.inliningCheck = proof;
    if (inlining !== "off") continue;
    if (method === "trace" && inlined > 0)
      throw new LabError(
        "engine-inlining",
        [
          {
            path: `--engines ${engine.ref.name}`,
            message: `${engine.kind} ${engine.version} (${engine.vm}) inlined ${inlined} wasm calls despite --inlining off, e.g. ${examples[0]}`,
          },
        ],
        "this engine version has other inlining flags than the lab knows (engines/kinds/v8.ts): measure it with --inlining engine, or use another version",
      );
    if (method === "options" && !confirmed)
      throw new LabError(
        "engine-inlining",
        [{ path: `--engines ${engine.ref.name}`, message: `${engine.kind} ${engine.version} did not list its inlining option as off` }],
        "measure it with --inlining engine, or use another version",
      );
  }
}
