import { ExitCode } from "../../errors.js";
import { fingerprintSummary } from "../../model/fingerprint.js";
import { BASELINE_WORKLOADS, GENERIC_MIX, listWorkloads } from "../../workload/index.js";
import { failuresText, inconclusiveText, resultsTable } from "../../report/terminal.js";
import { defined, MEASURE_OPTIONS, measureSettings, MODULE_HELP, MODULE_OPTIONS, str, type Command } from "../command.js";
import { interruptible } from "../interrupt.js";
import { runProgress } from "../progress.js";

export const runCommand: Command = {
  name: "run",
  summary: "measure every strategy x workload x tier in isolated, pinned Node processes; write the results files and report.html",
  usage: "dispatch-lab run [--spec S] [--strategies L] [--workloads L] [--tiers L] [--samples N] [--processes N] [--time-budget S] [--seed X] [--cpu N] [--reference R] [--out DIR] [--resume | --force]",
  help: `Options:
${MODULE_HELP}
  --workloads L     comma-separated, each once (default: Xen's measured mix when the spec holds its
                    hypercalls, xen:pv-guest-build or xen:pvh-guest-build, else ${GENERIC_MIX}; then
                    ${BASELINE_WORKLOADS.join(",")}); kinds:
${listWorkloads().map((w) => `                      ${w.syntax.padEnd(20)} ${w.summary}`).join("\n")}
  --tiers L         turbofan (default; --no-liftoff), liftoff (--liftoff-only), tiered (V8's default, after tier-up)
  --samples N       samples per cell (default: as many as the time budget allows)
  --processes N     processes per cell (default 3): the rounds are cut into N segments, each cell
                    runs in a fresh process per segment; CIs resample blocks of rounds, then samples
  --time-budget S   seconds the whole run may take (default 75); the rounds stop in time for it
  --seed X          seeds workloads, cell order and bootstrap (default 1)
  --cpu N           the CPU every measuring process is pinned to (default: the last one)
  --reference R     the strategy ratios are taken against (default table)
  --out DIR         where the results go (default results); a folder that already holds a run is
                    refused unless --resume or --force, and one run at a time writes it (a lock file)
  --resume          continue the interrupted run in --out (its stored config; only --time-budget and --cpu
                    may change; refused when the spec, the --bodies file or a trace file changed)
  --force           replace the run in --out: its results files and report are deleted first

One child process per cell, with the tier's V8 flags. Each calibrates a batch of >= 10 ms of
dispatches inside wasm and warms up; then rounds sample every cell once, in a fresh random order,
the control kernel (direct) included, listed or not, so each cell's net cost = its cost - control's. Results are
rewritten atomically after every round. Exit 0 when every cell was measured, 1 when some cells
failed (crashed, trapped, timed out: recorded with their reason), 2 on bad input, 130 interrupted.`,
  options: {
    ...MODULE_OPTIONS,
    ...MEASURE_OPTIONS,
    workloads: { type: "string" },
    reference: { type: "string" },
    resume: { type: "boolean" },
    force: { type: "boolean" },
  },
  async run(values, _positionals, io) {
    const progress = runProgress();
    try {
      // The import is inside: a Ctrl-C while the lab loads is already an interruption (exit 130).
      const { value: outcome, interrupted } = await interruptible(io, "stopping after the current sample; the results so far are kept (continue with --resume)", async (stop) =>
        (await import("../../lab/run.js")).run({
          ...measureSettings(values),
          ...defined({ spec: str(values, "spec"), strategies: str(values, "strategies"), workloads: str(values, "workloads"), reference: str(values, "reference") }),
          out: str(values, "out") ?? "results",
          resume: !!values["resume"],
          force: !!values["force"],
          progress,
          stop,
          note: (line) => io.err(line),
        }),
      );
      progress.stop();
      io.out(`machine: ${fingerprintSummary(outcome.results.fingerprint)}\n`);
      io.out(resultsTable(outcome.results));
      io.out("");
      for (const a of outcome.results.answers) io.out(a);
      for (const f of [...inconclusiveText(outcome.results), ...failuresText(outcome.results)]) io.out(f);
      const pinning = outcome.results.sessions.at(-1)!.pinning;
      if (!pinning.pinned) io.out(`warning: not pinned to CPU ${pinning.cpu} (${pinning.note}): samples may be bimodal and intervals wider`);
      const load = outcome.results.sessions.at(-1)!.load;
      if (load?.busy) io.out(`warning: the machine was busy while this run measured; its numbers may not repeat:\n${load.warnings.map((w) => `  - ${w}`).join("\n")}`);
      io.out(`\nwrote ${outcome.files.join(", ")}`);
      if (interrupted) return 130;
      return outcome.failedCells > 0 ? ExitCode.cellsFailed : ExitCode.ok;
    } finally {
      progress.stop();
    }
  },
};
