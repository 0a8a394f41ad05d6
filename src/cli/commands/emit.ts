import { rmSync } from "node:fs";
import { join } from "node:path";
import type { EmitResult } from "../../lab/emit.js";
import { auditLine } from "../../emit/audit.js";
import { ExitCode } from "../../errors.js";
import { writeFileAtomic } from "../../io.js";
import { defineCommand, MODULE_OPTIONS, moduleRequest, table } from "../command.js";
import { flag, text } from "../options.js";

export const emitCommand = defineCommand({
  name: "emit",
  summary: "write one validated, audited wasm module per strategy and manifest.json (+ .wat with --wat)",
  options: {
    ...MODULE_OPTIONS,
    out: text({
      placeholder: "DIR",
      help: "where to write DIR/<strategy>.wasm and DIR/manifest.json (and DIR/<strategy>.wat with --wat)",
      requiredFix: "dispatch-lab emit --out DIR",
    }),
    wat: flag("also write DIR/<strategy>.wat, each module in the text format (binaryen loads for it unless the module cache holds the text too)"),
    json: flag("print the manifest instead of a table"),
  },
  notes: `Every module exports dispatch(op: i32, a1..aN: i64) -> i64, h<id> for every handler, run(base,
count, reps) -> i64, memory and stream_base (docs/modules.md). Nothing is written unless every
module validates and passes its opcode audit. Modules come from the module cache when it holds
them (binaryen is loaded only for the others: docs/cache.md). Without --wat, a DIR/<strategy>.wat
left by an earlier --wat is removed, so no text beside a module describes another.`,
  async run(values, _positionals, io) {
    const { out } = values;
    const request = moduleRequest(values);
    const { emit } = await import("../../lab/emit.js");
    const result = await emit({ ...request, withText: values.wat });
    const manifest = buildManifest(result, values.wat);
    for (const m of result.modules) {
      writeFileAtomic(join(out, `${fileStem(m.strategy)}.wasm`), m.bytes);
      if (values.wat) writeFileAtomic(join(out, `${fileStem(m.strategy)}.wat`), m.text ?? "");
      else removeStale(join(out, `${fileStem(m.strategy)}.wat`));
    }
    writeFileAtomic(join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    if (values.json) io.out(JSON.stringify(manifest, null, 2));
    else {
      const rows = [
        ["strategy", "bytes", "dispatch opcodes (audited)"],
        ...result.modules.map((m) => [m.strategy, String(m.bytes.length), auditLine(m.audit)]),
      ];
      io.out(table(rows));
      io.out(`\nwrote ${result.modules.length} modules for ${result.spec.name} to ${out}${cacheNote(result.cache)}`);
    }
    return ExitCode.ok;
  },
});

/** ` (3 of 8 from the module cache)`, or nothing when none came from it. */
function cacheNote(cache: EmitResult["cache"]): string {
  if (!cache?.hits) return "";
  return cache.misses ? ` (${cache.hits} of ${cache.hits + cache.misses} from the module cache)` : " (all from the module cache)";
}

/** A .wat an earlier `emit --wat` left: it may describe another module now. */
function removeStale(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // not a file (a folder of that name): not ours to remove
  }
}

/** A strategy name as a file name on any OS (`chain+pad:8` -> `chain+pad-8`). */
const fileStem = (strategy: string): string => strategy.replace(/[^A-Za-z0-9_.+-]/g, "-");

/** manifest.json: what each file is (`text`: the .wat, with --wat only), and what made it (docs/modules.md). */
export function buildManifest(result: EmitResult, withText: boolean) {
  return {
    schema: "dispatch-lab/manifest@1",
    spec: {
      name: result.spec.name,
      hash: result.specHash,
      handlers: result.spec.handlers.length,
      args: result.spec.args,
      fallback: result.spec.fallback.toString(),
    },
    bodies: result.library.sources,
    toolVersions: result.toolVersions,
    modules: result.modules.map((m) => ({
      strategy: m.strategy,
      file: `${fileStem(m.strategy)}.wasm`,
      ...(withText ? { text: `${fileStem(m.strategy)}.wat` } : {}),
      bytes: m.bytes.length,
      control: m.control,
      hazard: m.hazard,
      audit: m.audit,
    })),
  };
}
