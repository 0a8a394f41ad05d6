/** The child side of emitInWorker: emit, validate and audit, then send the modules back (the parent caches them). */
import { loadBodyLibrary } from "../emit/bodies.js";
import { emitModules } from "../emit/emit.js";
import { selectStrategies } from "../emit/strategies/index.js";
import { LabError } from "../errors.js";
import type { EmitJob, EmitReply } from "./emit-in-worker.js";

/** A sweep's points share their body library: compile it once. */
const libraries = new Map<string | null, ReturnType<typeof loadBodyLibrary>>();

async function emitJob({ spec, strategies, bodies }: EmitJob) {
  if (!libraries.has(bodies)) libraries.set(bodies, loadBodyLibrary(bodies ?? undefined));
  const library = await libraries.get(bodies)!;
  return emitModules(spec, selectStrategies(strategies.join(",")), { library });
}

async function work(jobs: EmitJob[]): Promise<EmitReply> {
  try {
    const modules = [];
    for (const job of jobs) modules.push(await emitJob(job));
    return { ok: true, modules };
  } catch (e) {
    if (e instanceof LabError) return { ok: false, error: { code: e.code, problems: [...e.problems], fix: e.fix } };
    return { ok: false, crash: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}

// The child is detached (its own process group): when the run that wants the modules is gone, stop now.
process.once("disconnect", () => process.exit(0));

process.once("message", (jobs: EmitJob[]) => {
  void work(jobs).then((reply) => process.send!(reply));
});
