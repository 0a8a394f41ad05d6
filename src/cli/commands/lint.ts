import { lint, formatFindings, exitCodeFor } from "../../lint/index.js";
import { DEFAULT_SPEC, loadSpec } from "../../spec/load.js";
import { defineCommand } from "../command.js";
import { flag, text } from "../options.js";

export const lintCommand = defineCommand({
  name: "lint",
  summary: "warn about the hazards the Xen thread found: 64-number masks, shift aliases, deep levels, ABI narrowing",
  options: {
    spec: text({ placeholder: "S", help: "the spec to lint (file, built-in, or xen-defs:FILE#CALLER)", shownDefault: DEFAULT_SPEC }),
    against: text({
      placeholder: "OLD",
      help: "an older version of the same spec: a parameter that narrowed from i64 to i32 since then is an error (the kexec_op regression of 2022)",
    }),
    json: flag("print the findings as a JSON array"),
  },
  notes: "Rules (docs/lint.md): mask-word, unguarded-alias, level-size, position-cost, abi-narrowing.",
  async run(values, _positionals, io) {
    const spec = loadSpec(values.spec ?? DEFAULT_SPEC);
    const findings = lint(spec, values.against ? loadSpec(values.against) : undefined);
    io.out(values.json ? JSON.stringify(findings, null, 2) : formatFindings(findings));
    return exitCodeFor(findings);
  },
});
