import { appendFileSync } from "node:fs";
import { LabError } from "../../errors.js";
import { writeFileAtomic } from "../../io.js";
import { ASSERT_GRAMMAR } from "../../gate/assert.js";
import { gateJunit, gateMarkdown, gateText } from "../../gate/report.js";
import { bencherBmf, customSmallerIsBetter } from "../../results/exporters/dashboards.js";
import { readResultsAt } from "../../results/read.js";
import { defineCommand } from "../command.js";
import { choice, flag, int, percent, repeatable, text } from "../options.js";

/** --basis control|reference, as gate and compare explain it. */
export const basisOption = (help: string) => choice({ placeholder: "B", help, choices: ["control", "reference"] });

/** --cross-machine, shared by gate and compare. */
export const CROSS_MACHINE_OPTION = flag("compare a baseline of another machine by within-run ratios to the control");

/** --cross-engine, shared by gate and compare. */
export const CROSS_ENGINE_OPTION = flag(
  "compare cells of another engine (node 20 against node 24, node against bun; one engine per side) by within-run ratios to the control",
);

/** --seed of the bootstrap, shared by gate and compare. */
export const SEED_OPTION = int({ placeholder: "X", help: "bootstrap seed", min: 0, max: 2 ** 31 - 1, fallback: 1 });

/**
 * Append to a file the CI owns ($GITHUB_STEP_SUMMARY): one that cannot be
 * written (a folder, no permission) is an input error naming it, not a bug.
 */
function appendTo(path: string, text: string): void {
  try {
    appendFileSync(path, text);
  } catch (e) {
    throw new LabError("io", [{ path, message: `cannot append the summary: ${(e as Error).message}` }], "GITHUB_STEP_SUMMARY must name a writable file");
  }
}

export const gateCommand = defineCommand({
  name: "gate",
  summary: "fail a build on a real regression, not on noise: against a baseline, and/or on within-run ratios",
  options: {
    baseline: text({ placeholder: "B", help: "results to compare against (a results.json, its folder, or a samples.csv)" }),
    current: text({ placeholder: "C", help: "the results to gate", shownDefault: "results" }),
    "max-regression": percent({ placeholder: "P", help: "the largest tolerated slowdown of a cell's call", fallback: 0.05 }),
    basis: basisOption(
      "control (net ns, cell minus control per round) or reference (the per-round ratio to the run's reference strategy: robust to slow machine states that hit every strategy of a run; docs/ci.md)",
    ),
    assert: repeatable({
      placeholder: "EXPR",
      help: `a within-run ratio that must hold, no baseline needed (repeatable):\n  ${ASSERT_GRAMMAR}\n  e.g. "xen <= 1.05 * table @ xen:pv-guest-build"; @ * for every workload`,
    }),
    confirm: flag(
      "re-measure suspect cells (regressed or inconclusive) in a fresh run of the current config before deciding (needs the spec here; --cpu, --confirm-budget S)",
    ),
    "require-all": flag(
      'fail (exit 1) when the current results lack a cell the baseline measured; without it such cells are listed by name ("not gated") but do not decide',
    ),
    "confirm-budget": int({ placeholder: "S", help: "seconds for each --confirm run", min: 0, max: 3600, fallback: 40 }),
    "cross-machine": CROSS_MACHINE_OPTION,
    "cross-engine": CROSS_ENGINE_OPTION,
    cpu: int({ placeholder: "N", help: "the CPU --confirm's measuring processes are pinned to (default: the last one)", min: 0, max: 4096 }),
    junit: text({ placeholder: "FILE", help: "JUnit XML: one testcase per gated cell and per assertion" }),
    markdown: text({ placeholder: "FILE", help: "the summary as Markdown (also appended to $GITHUB_STEP_SUMMARY when set)" }),
    "export-benchmark": text({ placeholder: "FILE", help: "the current results as github-action-benchmark customSmallerIsBetter JSON" }),
    "export-bmf": text({ placeholder: "FILE", help: "the current results as Bencher Metric Format JSON" }),
    seed: SEED_OPTION,
  },
  notes: `A cell regressed only when the whole CI of its change lies beyond --max-regression and the
Mann-Whitney U test is significant (docs/ci.md).`,
  async run(values, _positionals, io) {
    const current = readResultsAt(values.current ?? "results");
    const { gate } = await import("../../lab/gate.js");
    const outcome = await gate({
      current,
      ...(values.baseline ? { baseline: values.baseline } : {}),
      maxRegression: values.maxRegression,
      basis: values.basis,
      asserts: values.assert,
      crossMachine: values.crossMachine,
      crossEngine: values.crossEngine,
      confirm: values.confirm,
      requireAll: values.requireAll,
      confirmBudgetS: values.confirmBudget,
      ...(values.cpu !== undefined ? { cpu: values.cpu } : {}),
      seed: values.seed,
    });
    io.out(gateText(outcome));
    if (outcome.confirmed.length) io.out(`re-measured: ${outcome.confirmed.join("; ")}`);
    const markdown = gateMarkdown(outcome);
    const writes: [string | undefined, () => string][] = [
      [values.junit, () => gateJunit(outcome)],
      [values.markdown, () => markdown],
      [values.exportBenchmark, () => customSmallerIsBetter(current)],
      [values.exportBmf, () => bencherBmf(current)],
    ];
    for (const [file, text] of writes) if (file) writeFileAtomic(file, text());
    const summary = process.env["GITHUB_STEP_SUMMARY"];
    if (summary) appendTo(summary, `${markdown}\n`);
    return outcome.exitCode;
  },
});
