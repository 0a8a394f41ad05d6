import type { CheckReport } from "../../lab/check.js";
import { auditLine } from "../../emit/audit.js";
import { ExitCode } from "../../errors.js";
import { DEFAULT_CHECK_TIMEOUT_S } from "../../check/check-in-worker.js";
import { defineCommand, MODULE_OPTIONS, moduleRequest, table, type Io } from "../command.js";
import { flag, int } from "../options.js";

export const checkCommand = defineCommand({
  name: "check",
  summary: "prove every strategy dispatches identically (differential check) and print each opcode audit",
  options: {
    ...MODULE_OPTIONS,
    random: int({ placeholder: "N", help: "random (op, args) cases on top of every id and the boundary numbers", min: 0, max: 10_000_000, fallback: 1000 }),
    seed: int({ placeholder: "X", help: "seed for the random cases", min: 0, max: 2 ** 31 - 1, fallback: 1 }),
    timeout: int({
      placeholder: "S",
      help: "seconds each strategy's check may take: a body that loops fails it",
      min: 1,
      max: 24 * 3600,
      fallback: DEFAULT_CHECK_TIMEOUT_S,
    }),
    json: flag("print the report as JSON"),
  },
  notes: `Each module is emitted, validated and audited, then called on every id in [0, max id + 2],
the numbers 63, 64, 65, 127, 128, 2^31-1 and negative i32 values, and N random cases with
full-range i64 arguments; its result must equal the handler's own h<id> export (or the
fallback). The control kernel (direct) must always return its one handler's result.
A strategy whose check traps (which case, which call, the trap), grows wasm memory or runs
past --timeout fails with that reason.`,
  async run(values, _positionals, io) {
    const request = moduleRequest(values);
    const { check } = await import("../../lab/check.js");
    const report = await check({ ...request, random: values.random, seed: values.seed, timeoutS: values.timeout });
    if (values.json) io.out(JSON.stringify(report, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2));
    else printReport(report, io);
    return report.results.some(failed) ? ExitCode.found : ExitCode.ok;
  },
});

const failed = (r: CheckReport["results"][number]) => r.mismatches > 0 || r.failure !== null;

function printReport(report: CheckReport, io: Io): void {
  io.out(`spec ${report.spec} (${report.handlers} handlers, ${report.args} args), spec hash ${report.specHash.slice(0, 12)}`);
  const rows = [["strategy", "cases", "mismatches", "bytes", "dispatch opcodes (audited)"]];
  for (const r of report.results) {
    rows.push([
      r.strategy + (r.control ? " (control)" : ""),
      String(r.cases),
      r.failure ? "failed" : String(r.mismatches),
      String(r.audit.dispatchBytes),
      auditLine(r.audit),
    ]);
  }
  io.out(table(rows));
  for (const r of report.results.filter((x) => x.failure !== null)) io.out(`\n${r.strategy}: check failed: ${r.failure}`);
  for (const r of report.results.filter((x) => x.mismatches > 0)) {
    const routes = Object.entries(r.routes)
      .map(([to, n]) => `${to} x${n}`)
      .join(", ");
    io.out(`\n${r.strategy}: ${r.mismatches} of ${r.cases} cases mismatch; calls went to: ${routes}; first ${r.examples.length}:`);
    for (const m of r.examples) {
      const where = m.routedTo ? ` -> routed to ${m.routedTo}` : "";
      io.out(`  op ${m.op} args (${m.args.join(", ")}): expected ${m.expected}, got ${m.got}${where}`);
    }
  }
  const bad = report.results.filter(failed).length;
  io.out(bad ? `\n${bad} strategies mismatch or fail` : `\nall ${report.results.length} strategies dispatch identically`);
}
