import { appendFileSync } from "node:fs";
import { LabError } from "../../errors.js";
import { writeFileAtomic } from "../../io.js";
import { ASSERT_GRAMMAR } from "../../gate/assert.js";
import { COUNT_THRESHOLDS, GATE_METRICS } from "../../gate/counts.js";
import { defineCommand } from "../command.js";
import { choice, flag, int, type OptionDef, percent, refine, repeatable, text } from "../options.js";

/** --basis control|reference, as gate and compare explain it. */
export const basisOption = (help: string) => choice({ placeholder: "B", help, choices: ["control", "reference"] });

/** --cross-machine, shared by gate and compare. */
export const CROSS_MACHINE_OPTION = flag("compare a baseline of another machine by within-run ratios to the control");

/** --cross-engine, shared by gate and compare. */
export const CROSS_ENGINE_OPTION = flag(
  "compare cells of another engine (node 20 against node 24, node against bun; one engine per side) by within-run ratios to the control",
);

/** --metric, shared by gate and compare. */
export const METRIC_OPTION = choice({
  placeholder: "M",
  help: "what is compared: ns (timed), or deterministic counts per dispatch from run --measure counts: instructions, or mispredicts (simulated by valgrind: conditional + indirect); counts are exact, matched across machines, and refused (exit 4) across valgrind versions, engine builds or flags (docs/ci.md)",
  choices: GATE_METRICS,
});

/** --count-threshold, shared by gate and compare: absolute, in counts per dispatch (a percent option would read "0.5" as 0.5%). */
export const COUNT_THRESHOLD_OPTION: OptionDef<number | undefined> = {
  kind: "value",
  placeholder: "N",
  help: `with --metric instructions or mispredicts: the change that counts, in absolute counts per dispatch (not a percent): current - base above +N regressed, below -N improved`,
  shownDefault: `${COUNT_THRESHOLDS.instructions} instructions, ${COUNT_THRESHOLDS.mispredicts} mispredicts`,
  parse: (raw, name) => {
    if (raw === undefined) return undefined;
    const text = String(raw).trim();
    if (!/^[0-9]+(\.[0-9]+)?$/.test(text))
      throw new LabError("usage", [{ path: name, message: `"${String(raw)}" is not a count per dispatch of 0 or more, such as 0.5` }], `e.g. ${name} 0.5`);
    return Number(text);
  },
};

/** A percent option that is undefined unless given (its default is the library's), so a counts metric can refuse it when it was. */
export const givenPercent = (def: OptionDef<number>): OptionDef<number | undefined> =>
  refine(def, (value, _flag, raw) => (raw === undefined ? undefined : value));

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
    "max-regression": givenPercent(percent({ placeholder: "P", help: "the largest tolerated slowdown of a cell's call (--metric ns)", fallback: 0.05 })),
    metric: METRIC_OPTION,
    "count-threshold": COUNT_THRESHOLD_OPTION,
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
Mann-Whitney U test is significant (docs/ci.md). With --metric instructions or mispredicts the
baseline comparison is on counts per dispatch (run --measure counts): exact, regressed when
current - base exceeds --count-threshold; --assert still reads timed samples.`,
  async run(values, _positionals, io) {
    const [{ gateJunit, gateMarkdown, gateText }, { bencherBmf, customSmallerIsBetter }, { readResultsAt }] = await Promise.all([
      import("../../gate/report.js"),
      import("../../results/exporters/dashboards.js"),
      import("../../results/read.js"),
    ]);
    const current = readResultsAt(values.current ?? "results");
    const { gate } = await import("../../lab/gate.js");
    const outcome = await gate({
      current,
      ...(values.baseline ? { baseline: values.baseline } : {}),
      ...(values.maxRegression !== undefined ? { maxRegression: values.maxRegression } : {}),
      metric: values.metric,
      ...(values.countThreshold !== undefined ? { countThreshold: values.countThreshold } : {}),
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
