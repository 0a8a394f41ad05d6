import { join } from "node:path";
import type { EmitResult } from "../../lab/emit.js";
import { auditLine } from "../../emit/audit.js";
import { ExitCode } from "../../errors.js";
import { writeFileAtomic } from "../../io.js";
import { defineCommand, MODULE_OPTIONS, moduleRequest, table } from "../command.js";
import { flag, text } from "../options.js";

export const emitCommand = defineCommand({
  name: "emit",
  summary: "write one validated, audited wasm module per strategy (+ .wat and manifest.json)",
  options: {
    ...MODULE_OPTIONS,
    out: text({
      placeholder: "DIR",
      help: "where to write DIR/<strategy>.wasm, DIR/<strategy>.wat and DIR/manifest.json",
      requiredFix: "dispatch-lab emit --out DIR",
    }),
    json: flag("print the manifest instead of a table"),
  },
  notes: `Every module exports dispatch(op: i32, a1..aN: i64) -> i64, h<id> for every handler, run(base,
count, reps) -> i64, memory and stream_base (docs/modules.md). Nothing is written unless every
module validates and passes its opcode audit.`,
  async run(values, _positionals, io) {
    const { out } = values;
    const request = moduleRequest(values);
    const { emit } = await import("../../lab/emit.js");
    const result = await emit({ ...request, withText: true });
    const manifest = buildManifest(result);
    for (const m of result.modules) {
      writeFileAtomic(join(out, `${fileStem(m.strategy)}.wasm`), m.bytes);
      writeFileAtomic(join(out, `${fileStem(m.strategy)}.wat`), m.text ?? "");
    }
    writeFileAtomic(join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    if (values.json) io.out(JSON.stringify(manifest, null, 2));
    else {
      const rows = [
        ["strategy", "bytes", "dispatch opcodes (audited)"],
        ...result.modules.map((m) => [m.strategy, String(m.bytes.length), auditLine(m.audit)]),
      ];
      io.out(table(rows));
      io.out(`\nwrote ${result.modules.length} modules for ${result.spec.name} to ${out}`);
    }
    return ExitCode.ok;
  },
});

/** A strategy name as a file name on any OS (`chain+pad:8` -> `chain+pad-8`). */
const fileStem = (strategy: string): string => strategy.replace(/[^A-Za-z0-9_.+-]/g, "-");

/** manifest.json: what each file is, and what made it (docs/modules.md). */
export function buildManifest(result: EmitResult) {
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
      text: `${fileStem(m.strategy)}.wat`,
      bytes: m.bytes.length,
      control: m.control,
      hazard: m.hazard,
      audit: m.audit,
    })),
  };
}
