/**
 * One planned run measured as its config says, the part `run` and every
 * point of a sweep share: its native engines built (and removed after), its
 * cells counted first where counts are measured (valgrind on every CPU),
 * then timed on the measuring CPU; a run of counts alone is finished
 * without timing.
 */
import { measuresOf } from "../model/counts.js";
import type { RunRecord } from "../model/results.js";
import { countRun } from "./counts.js";
import type { WorkerModule } from "./emit-in-worker.js";
import { measure, type MeasureContext } from "./measure.js";
import { buildNatives } from "./native.js";
import { finishRun } from "./run-record.js";
import type { RunInputs } from "./run-inputs.js";

/**
 * `timeLeftMs(now)`: the timing's share of the budget as it stands once the
 * native builds are done (`now`); counting takes what valgrind takes, so
 * the timing's deadline is that much time after counting ends.
 */
export async function measureAsConfigured(
  inputs: RunInputs,
  run: RunRecord,
  modules: readonly WorkerModule[],
  timeLeftMs: (now: number) => number,
  ctx: MeasureContext,
): Promise<void> {
  const natives = inputs.natives.length ? await buildNatives(inputs, modules, run) : undefined;
  try {
    const measures = measuresOf(inputs.config);
    const left = timeLeftMs(Date.now());
    const m = { inputs, run, modules, deadline: 0, natives };
    if (measures.includes("counts")) await countRun(m, ctx.writer, ctx.progress);
    if (measures.includes("time")) {
      m.deadline = Date.now() + left;
      await measure(m, ctx);
    } else {
      finishRun(run, !!ctx.stop?.());
      ctx.writer.write(undefined);
    }
  } finally {
    natives?.dispose();
  }
}
