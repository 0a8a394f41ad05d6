import { importXenDefs } from "../../spec/import/xen-defs.js";
import { specToJson } from "../../spec/serialize.js";
import { LabError } from "../../errors.js";
import { writeFileAtomic } from "../../io.js";
import { str, type Command } from "../command.js";

const list = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : typeof v === "string" ? [v] : []);

export const importCommand: Command = {
  name: "import",
  summary: "turn Xen's hypercall-defs.c (any version, your defines) into a spec for one caller",
  usage: "dispatch-lab import xen FILE --caller C [--arch x86|arm] [--define NAME[=V]]... [--undefine NAME]... [--numbers FILE] [--out spec.json]",
  help: `Options:
  --caller C        the caller column: pv32, pv64, hvm32, hvm64, arm (or any caller the file declares)
  --arch A          the define preset: x86 (pv*/hvm* default) or arm (arm default); docs/import.md lists them
  --define N[=V]    add a define (repeatable), e.g. --define CONFIG_ARGO
  --undefine N      remove a define (repeatable), e.g. --undefine CONFIG_KEXEC
  --numbers FILE    hypercall numbers: a CSV (number,name) or a public/xen.h (#define __HYPERVISOR_name N);
                    default: the built-in table (mca = 48, paging_domctl_cont = 49)
  --out FILE        write the spec there (default: print it)

The same spec is available wherever a spec is accepted as xen-defs:FILE#CALLER. Errors are
FILE:LINE: what is wrong, exit 2, nothing written; unknown types are warnings (taken as i64).`,
  positionals: true,
  options: {
    caller: { type: "string" },
    arch: { type: "string" },
    define: { type: "string", multiple: true },
    undefine: { type: "string", multiple: true },
    numbers: { type: "string" },
    out: { type: "string" },
  },
  async run(values, positionals, io) {
    const [kind, file, ...extra] = positionals;
    if (kind !== "xen" || !file || extra.length)
      throw new LabError("usage", [{ path: "import", message: kind && kind !== "xen" ? `unknown format "${kind}" (only xen)` : "expected: import xen FILE --caller C" }], "dispatch-lab import xen path/to/hypercall-defs.c --caller pv64");
    const caller = str(values, "caller");
    if (!caller) throw new LabError("usage", [{ path: "--caller", message: "required" }], "e.g. --caller pv64");
    const arch = str(values, "arch");
    if (arch !== undefined && arch !== "x86" && arch !== "arm") throw new LabError("usage", [{ path: "--arch", message: `"${arch}" is not x86 or arm` }]);
    const numbers = str(values, "numbers");
    const { spec, warnings, notes } = importXenDefs(file, {
      caller,
      define: list(values["define"]),
      undefine: list(values["undefine"]),
      ...(arch ? { arch } : {}),
      ...(numbers ? { numbers } : {}),
    });
    for (const w of warnings) io.err(`warning: ${w}`);
    for (const n of notes) io.err(`note: ${n}`);
    const json = JSON.stringify(specToJson(spec), null, 2) + "\n";
    const out = str(values, "out");
    if (out) {
      writeFileAtomic(out, json);
      io.err(`wrote ${spec.handlers.length} handlers of ${caller} to ${out}`);
    } else io.out(json.trimEnd());
    return 0;
  },
};
