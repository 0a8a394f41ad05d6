import { lint, formatFindings, exitCodeFor } from "../../lint/index.js";
import { DEFAULT_SPEC, loadSpec } from "../../spec/load.js";
import { str, type Command } from "../command.js";

export const lintCommand: Command = {
  name: "lint",
  summary: "warn about the hazards the Xen thread found: 64-number masks, shift aliases, deep levels, ABI narrowing",
  usage: "dispatch-lab lint [--spec S] [--against OLD_SPEC] [--json]",
  help: `Options:
  --spec S          the spec to lint (file, built-in, or xen-defs:FILE#CALLER; default ${DEFAULT_SPEC})
  --against OLD     an older version of the same spec: a parameter that narrowed from i64 to i32 since
                    then is an error (the kexec_op regression of 2022)
  --json            print the findings as a JSON array

Rules (docs/lint.md): mask-word, unguarded-alias, level-size, position-cost, abi-narrowing.
Exit 0 when clean or only notes and warnings, 1 when there are errors, 2 on bad input.`,
  options: {
    spec: { type: "string" },
    against: { type: "string" },
    json: { type: "boolean" },
  },
  async run(values, _positionals, io) {
    const spec = loadSpec(str(values, "spec") ?? DEFAULT_SPEC);
    const againstArg = str(values, "against");
    const findings = lint(spec, againstArg ? loadSpec(againstArg) : undefined);
    io.out(values["json"] ? JSON.stringify(findings, null, 2) : formatFindings(findings));
    return exitCodeFor(findings);
  },
};
