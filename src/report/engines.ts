/**
 * The engines a run measured in (RunRecord.engines), as text cells for the
 * HTML and Markdown reports: what each engine is, where its binary came
 * from, and what it was seen to inline before the run measured.
 */
import type { EngineRecord } from "../model/engines.js";
import { enginesOf, type RunRecord } from "../model/results.js";

/** The most example lines of an engine's inlining trace the report shows. */
export const MAX_INLINING_EXAMPLES = 3;

export const ENGINE_HEADER = ["engine", "kind", "version", "VM", "inlining", "binary", "inlining check (native: build flags)"];

const SOURCE: Record<EngineRecord["source"], string> = {
  running: "the node running the lab",
  path: "--engine-path",
  installed: "engines install",
  built: "built by the lab (--cc)",
};

/** What the engine was seen to inline: "trace: 77 inlined calls", "options: inlining option off: yes", or "not checked". */
export function inliningCheckText(e: EngineRecord | undefined): string {
  // A native build inlines nothing across its units (handlers apart, no LTO): its flags say how it was built.
  if (e?.native) return `flags: ${e.native.flags.join(" ")}`;
  const check = e?.inliningCheck;
  if (!check) return "not checked";
  if (check.unproven) return `not read (${check.unproven})`;
  if (check.method === "trace") {
    const n = check.inlinedCalls;
    return n === null ? "trace: inlined calls not read" : `trace: ${n} inlined call${n === 1 ? "" : "s"}`;
  }
  return `options: inlining option off: ${check.optionOff === undefined ? "unknown" : check.optionOff ? "yes" : "no"}`;
}

/** The first MAX_INLINING_EXAMPLES lines of the engine's trace that show inlining (none for an options check). */
export const inliningExamples = (e: EngineRecord | undefined): string[] => (e?.inliningCheck?.examples ?? []).slice(0, MAX_INLINING_EXAMPLES);

/** One engine of a run, every field as text ("unknown" where the run recorded nothing of it). */
export interface EngineInfo {
  name: string;
  cells: string[];
  /** Example lines of its inlining trace, shown under the check. */
  examples: string[];
}

/** The run's engines in its order (config.engines), then any recorded but not named there. */
export function engineInfos(r: RunRecord): EngineInfo[] {
  const recorded = r.engines ?? {};
  const names = [...new Set([...enginesOf(r.config), ...Object.keys(recorded)])];
  return names.map((name) => {
    const e = Object.hasOwn(recorded, name) ? recorded[name] : undefined;
    const cells = e
      ? [name, e.kind, e.version, e.vm, e.inlining, SOURCE[e.source] ?? String(e.source), inliningCheckText(e)]
      : [name, "unknown", "unknown", "unknown", r.config.inlining ?? "unknown", "unknown", inliningCheckText(e)];
    return { name, cells, examples: inliningExamples(e) };
  });
}

/** The engines table's rows for Markdown (short: the check without its example lines). */
export const engineRows = (r: RunRecord): string[][] => engineInfos(r).map((e) => e.cells);

/** Does the run's section show its engines: any run that recorded them (with its inlining proof), not runs from before engines. */
export const showsEngines = (r: RunRecord): boolean => r.engines !== undefined || (r.skipped ?? []).length > 0;
