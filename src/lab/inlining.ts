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

/** How long a probe may take: a body that loops forever must not hold the run (its cells fail on their own, with the reason). */
const PROBE_TIMEOUT_MS = 15_000;

type Proof = NonNullable<EngineRecord["inliningCheck"]>;

/** What one engine was seen to inline, over the run's tiers; `unproven` when a probe could not finish. */
async function inliningSeenIn(inputs: RunInputs, engine: RunInputs["engines"][number], bytes: Uint8Array[], stream: Int32Array): Promise<Proof> {
  const inlining = inputs.config.inlining ?? "off";
  const proof: Proof = { method: "trace", inlinedCalls: 0, examples: [] };
  for (const tier of inputs.config.tiers) {
    const { command, check } = probeCommand(engine, tier, inlining);
    proof.method = check.method;
    try {
      const seen = await traceInlining(command, bytes, stream, { inlined: check.inlined, confirms: check.confirms, ms: PROBE_MS, timeoutMs: PROBE_TIMEOUT_MS });
      proof.inlinedCalls = (proof.inlinedCalls ?? 0) + seen.inlined;
      proof.examples.push(...seen.examples.slice(0, 3 - proof.examples.length));
      if (check.confirms) proof.optionOff = (proof.optionOff ?? true) && seen.confirmed;
    } catch (e) {
      return { method: check.method, inlinedCalls: null, examples: [], unproven: `at ${tier}: ${(e as Error).message}` };
    }
  }
  if (proof.method === "options") proof.inlinedCalls = null;
  return proof;
}

export async function proveInlining(
  inputs: RunInputs,
  modules: readonly WorkerModule[],
  run: RunRecord,
  note: (line: string) => void = () => {},
): Promise<void> {
  const stream = [...inputs.workloads.values()][0]!.stream.subarray(0, PROBE_STREAM);
  for (const engine of inputs.engines) {
    const skipped = new Set((run.skipped ?? []).filter((s) => s.engine === engine.ref.name).map((s) => s.strategy));
    const bytes = modules.filter((m) => !skipped.has(m.strategy)).map((m) => m.bytes);
    const proof = await inliningSeenIn(inputs, engine, bytes, stream);
    const record = run.engines?.[engine.ref.name];
    if (record) record.inliningCheck = proof;
    if (proof.unproven) {
      note(`warning: what ${engine.ref.name} inlines could not be read (${proof.unproven}); its cells are measured, and the run records this`);
      continue;
    }
    if ((inputs.config.inlining ?? "off") !== "off") continue;
    if (proof.method === "trace" && (proof.inlinedCalls ?? 0) > 0)
      throw new LabError(
        "engine-inlining",
        [
          {
            path: `--engines ${engine.ref.name}`,
            message: `${engine.kind} ${engine.version} (${engine.vm}) inlined ${proof.inlinedCalls} wasm calls despite --inlining off, e.g. ${proof.examples[0]}`,
          },
        ],
        "this engine version has other inlining flags than the lab knows (engines/kinds/v8.ts): measure it with --inlining engine, or use another version",
      );
    if (proof.method === "options" && !proof.optionOff)
      throw new LabError(
        "engine-inlining",
        [{ path: `--engines ${engine.ref.name}`, message: `${engine.kind} ${engine.version} did not list its inlining option as off` }],
        "measure it with --inlining engine, or use another version",
      );
  }
}
