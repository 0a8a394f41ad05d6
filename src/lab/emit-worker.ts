/** The child side of emitInWorker: emit, validate and audit, then send the bytes back. */
import { loadBodyLibrary } from "../emit/bodies.js";
import { emitModules } from "../emit/emit.js";
import { selectStrategies } from "../emit/strategies/index.js";
import { LabError } from "../errors.js";
import type { EmitJob, EmitReply } from "./emit-in-worker.js";

async function work({ spec, strategies, bodies }: EmitJob): Promise<EmitReply> {
  try {
    const library = await loadBodyLibrary(bodies ?? undefined);
    const modules = emitModules(spec, selectStrategies(strategies.join(",")), { library });
    return { ok: true, modules: modules.map((m) => ({ strategy: m.strategy, bytes: m.bytes, audit: m.audit })) };
  } catch (e) {
    if (e instanceof LabError) return { ok: false, error: { code: e.code, problems: [...e.problems], fix: e.fix } };
    return { ok: false, crash: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}

process.once("message", (job: EmitJob) => {
  void work(job).then((reply) => process.send!(reply));
});
