import { importXenDefs } from "../../spec/import/xen-defs.js";
import { specToJson } from "../../spec/serialize.js";
import { ExitCode, LabError } from "../../errors.js";
import { writeFileAtomic } from "../../io.js";
import { defineCommand } from "../command.js";
import { choice, repeatable, text } from "../options.js";

export const importCommand = defineCommand({
  name: "import",
  summary: "turn Xen's hypercall-defs.c (any version, your defines) into a spec for one caller",
  synopsis: "xen FILE",
  arguments: [["xen FILE", "the format (only xen) and the hypercall-defs.c to read"]],
  options: {
    caller: text({
      placeholder: "C",
      help: "the caller column: pv32, pv64, hvm32, hvm64, arm (or any caller the file declares)",
      requiredFix: "e.g. --caller pv64",
    }),
    arch: choice({
      placeholder: "A",
      help: "the define preset: x86 (pv*/hvm* default) or arm (arm default); docs/import.md lists them",
      choices: ["x86", "arm"],
      fallback: "none",
    }),
    define: repeatable({ placeholder: "N[=V]", help: "add a define (repeatable), e.g. --define CONFIG_ARGO" }),
    undefine: repeatable({ placeholder: "N", help: "remove a define (repeatable), e.g. --undefine CONFIG_KEXEC" }),
    numbers: text({
      placeholder: "FILE",
      help: "hypercall numbers: a CSV (number,name) or a public/xen.h (#define __HYPERVISOR_name N); default: the built-in table (mca = 48, paging_domctl_cont = 49)",
    }),
    out: text({ placeholder: "FILE", help: "write the spec there (default: print it)" }),
  },
  notes: `The same spec is available wherever a spec is accepted as xen-defs:FILE#CALLER. Errors are
FILE:LINE: what is wrong, exit 2, nothing written; unknown types are warnings (taken as i64).`,
  async run(values, positionals, io) {
    const [kind, file, ...extra] = positionals;
    if (kind !== "xen" || !file || extra.length)
      throw new LabError(
        "usage",
        [{ path: "import", message: kind && kind !== "xen" ? `unknown format "${kind}" (only xen)` : "expected: import xen FILE --caller C" }],
        "dispatch-lab import xen path/to/hypercall-defs.c --caller pv64",
      );
    const { caller, arch, numbers, out } = values;
    const { spec, warnings, notes } = importXenDefs(file, {
      caller,
      define: values.define,
      undefine: values.undefine,
      ...(arch ? { arch } : {}),
      ...(numbers ? { numbers } : {}),
    });
    for (const w of warnings) io.err(`warning: ${w}`);
    for (const n of notes) io.err(`note: ${n}`);
    const json = `${JSON.stringify(specToJson(spec), null, 2)}\n`;
    if (out) {
      writeFileAtomic(out, json);
      io.err(`wrote ${spec.handlers.length} handlers of ${caller} to ${out}`);
    } else io.out(json.trimEnd());
    return ExitCode.ok;
  },
});
