import { escapeTerminal } from "../../text/escape.js";
import { fingerprintSummary } from "../../model/fingerprint.js";
import { BASELINE_WORKLOADS, GENERIC_MIX, listWorkloads } from "../../workload/index.js";
import { defined, defineCommand, measureOptions, measureSettings, MODULE_OPTIONS } from "../command.js";
import { flag, text } from "../options.js";
import { measuring } from "../measuring.js";
import { DEFAULT_PROCESSES, DEFAULT_TARGET_SAMPLE_MS, DEFAULT_TIME_BUDGET_S } from "../../model/settings.js";

export const runCommand = defineCommand({
  name: "run",
  summary:
    "measure every strategy x workload x tier x engine in isolated, pinned processes (node, or Node majors, Deno, Bun); write the results files and report.html",
  options: {
    ...MODULE_OPTIONS,
    workloads: text({
      placeholder: "L",
      help: `comma-separated, each once (default: Xen's measured mix when the spec holds its hypercalls, xen:pv-guest-build or xen:pvh-guest-build, else ${GENERIC_MIX}; then ${BASELINE_WORKLOADS.join(",")}); kinds:
${listWorkloads()
  .map((w) => `  ${w.syntax.padEnd(20)} ${w.summary}`)
  .join("\n")}`,
    }),
    ...measureOptions({
      tiers: "turbofan (default; --no-liftoff), liftoff (--liftoff-only), tiered (V8's default, after tier-up)",
      samples: "samples per cell (default: as many as the time budget allows)",
      processes: `processes per cell (default ${DEFAULT_PROCESSES}): the rounds are cut into N segments, each cell runs in a fresh process per segment; CIs resample blocks of rounds, then samples`,
      timeBudget: `seconds the whole run may take (default ${DEFAULT_TIME_BUDGET_S}); the rounds stop in time for it`,
      seed: "seeds workloads, cell order and bootstrap (default 1)",
    }),
    reference: text({ placeholder: "R", help: "the strategy ratios are taken against", shownDefault: "table" }),
    out: text({
      placeholder: "DIR",
      help: "where the results go; a folder that already holds a run is refused unless --resume or --force, and one run at a time writes it (a lock file)",
      shownDefault: "results",
    }),
    resume: flag(
      "continue the interrupted run in --out (its stored config; only --time-budget, --cpu and --engine-path may change; refused when the spec, the --bodies file, a trace file or an engine's version changed)",
    ),
    force: flag("replace the run in --out: its results files and report are deleted first"),
  },
  notes: `One child process per cell, with the tier's V8 flags. Each calibrates a batch of >= ${DEFAULT_TARGET_SAMPLE_MS} ms of
dispatches inside wasm and warms up; then rounds sample every cell once, in a fresh random order,
the control kernel (direct) included, listed or not, so each cell's net cost = its cost - control's.
Results are rewritten atomically after every round.`,
  // The results' words and tables load only when a run is measured (emit and the others never need them).
  run: async (values, _positionals, io) => {
    const [{ runAnswers }, { enginesText, failuresText, inconclusiveText, resultsTable, sampledText, skippedText }] = await Promise.all([
      import("../../results/answers.js"),
      import("../../report/terminal.js"),
    ]);
    return measuring(
      io,
      values,
      "stopping after the current sample; the results so far are kept (continue with --resume)",
      async (hooks) =>
        (await import("../../lab/run.js")).run({
          ...measureSettings(values),
          ...defined({ spec: values.spec, strategies: values.strategies, workloads: values.workloads, reference: values.reference }),
          out: values.out ?? "results",
          resume: values.resume,
          force: values.force,
          ...hooks,
        }),
      ({ results }) => {
        // Names in these lines come from the user's spec, trace files and other processes (load): escaped
        // here, because the output filter must let our own colours through.
        io.out(`machine: ${escapeTerminal(fingerprintSummary(results.fingerprint))}`);
        for (const line of enginesText(results)) io.out(line);
        io.out("");
        io.out(resultsTable(results));
        io.out("");
        for (const a of runAnswers(results)) io.out(escapeTerminal(a));
        for (const f of [...inconclusiveText(results), ...skippedText(results), ...failuresText(results), ...sampledText(results)]) io.out(f);
        const { pinning, load } = results.sessions.at(-1)!;
        if (!pinning.pinned) io.out(`warning: not pinned to CPU ${pinning.cpu} (${pinning.note}): samples may be bimodal and intervals wider`);
        if (load?.busy)
          io.out(
            `warning: the machine was busy while this run measured; its numbers may not repeat:\n${load.warnings.map((w) => `  - ${escapeTerminal(w)}`).join("\n")}`,
          );
      },
    );
  },
});
