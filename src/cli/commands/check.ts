import type { CheckReport } from "../../lab.js";
import { auditLine } from "../../emit/audit.js";
import { ExitCode } from "../../errors.js";
import { intOption, MODULE_HELP, MODULE_OPTIONS, moduleRequest, table, type Command, type Io } from "../command.js";

export const checkCommand: Command = {
  name: "check",
  summary: "prove every strategy dispatches identically (differential check) and print each opcode audit",
  usage: "dispatch-lab check [--spec S] [--strategies a,b|all] [--bodies FILE] [--random N] [--seed X] [--json]",
  help: `Options:
${MODULE_HELP}
  --random N        random (op, args) cases on top of every id and the boundary numbers (default 1000)
  --seed X          seed for the random cases (default 1)
  --json            print the report as JSON

Each module is emitted, validated and audited, then called on every id in [0, max id + 2],
the numbers 63, 64, 65, 127, 128, 2^31-1 and negative i32 values, and N random cases with
full-range i64 arguments; its result must equal the handler's own h<id> export (or the
fallback). The control kernel (direct) must always return its one handler's result.
Exit 0 when all match, 1 on any mismatch (the first few are named), 2 on bad input.`,
  options: {
    ...MODULE_OPTIONS,
    random: { type: "string" },
    seed: { type: "string" },
    json: { type: "boolean" },
  },
  async run(values, _positionals, io) {
    const request = moduleRequest(values);
    const { check } = await import("../../lab.js");
    const report = await check({
      ...request,
      random: intOption(values, "random", 1000, 10_000_000),
      seed: intOption(values, "seed", 1, 2 ** 31 - 1),
    });
    if (values["json"]) io.out(JSON.stringify(report, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2));
    else printReport(report, io);
    return report.results.some((r) => r.mismatches > 0) ? ExitCode.found : ExitCode.ok;
  },
};

function printReport(report: CheckReport, io: Io): void {
  io.out(`spec ${report.spec} (${report.handlers} handlers, ${report.args} args), spec hash ${report.specHash.slice(0, 12)}`);
  const rows = [["strategy", "cases", "mismatches", "bytes", "dispatch opcodes (audited)"]];
  for (const r of report.results) {
    rows.push([r.strategy + (r.control ? " (control)" : ""), String(r.cases), String(r.mismatches), String(r.audit.dispatchBytes), auditLine(r.audit)]);
  }
  io.out(table(rows));
  for (const r of report.results.filter((x) => x.mismatches > 0)) {
    const routes = Object.entries(r.routes).map(([to, n]) => `${to} x${n}`).join(", ");
    io.out(`\n${r.strategy}: ${r.mismatches} of ${r.cases} cases mismatch; calls went to: ${routes}; first ${r.examples.length}:`);
    for (const m of r.examples) {
      const where = m.routedTo ? ` -> routed to ${m.routedTo}` : "";
      io.out(`  op ${m.op} args (${m.args.join(", ")}): expected ${m.expected}, got ${m.got}${where}`);
    }
  }
  const bad = report.results.filter((r) => r.mismatches > 0).length;
  io.out(bad ? `\n${bad} strategies mismatch` : `\nall ${report.results.length} strategies dispatch identically`);
}
