import { appendFileSync } from "node:fs";
import { LabError } from "../../errors.js";
import { writeFileAtomic } from "../../io.js";
import { ASSERT_GRAMMAR } from "../../gate/assert.js";
import { gateJunit, gateMarkdown, gateText } from "../../gate/report.js";
import { bencherBmf, customSmallerIsBetter } from "../../results/exporters/dashboards.js";
import { readResultsAt } from "../../results/read.js";
import { intOption, str, type Command } from "../command.js";

/** `5%`, `5` (percent) or `0.5%`: a fraction, or a usage error naming the option. */
export function percentOption(values: Record<string, unknown>, name: string, fallback: number): number {
  const raw = str(values, name);
  if (raw === undefined) return fallback;
  const m = /^([0-9]+(?:\.[0-9]+)?)%?$/.exec(raw.trim());
  const pct = m ? Number(m[1]) : NaN;
  if (!(pct > 0 && pct < 1000)) throw new LabError("usage", [{ path: `--${name}`, message: `"${raw}" is not a percentage above 0, such as 5%` }]);
  return pct / 100;
}

/** --basis control|reference, or a usage error. */
export function basisOption(values: Record<string, unknown>): "control" | "reference" {
  const raw = str(values, "basis") ?? "control";
  if (raw !== "control" && raw !== "reference") throw new LabError("usage", [{ path: "--basis", message: `"${raw}" is not control or reference` }]);
  return raw;
}

/** Every occurrence of a repeatable option. */
const all = (values: Record<string, unknown>, name: string): string[] => {
  const v = values[name];
  return v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string];
};

export const gateCommand: Command = {
  name: "gate",
  summary: "fail a build on a real regression, not on noise: against a baseline, and/or on within-run ratios",
  usage: "dispatch-lab gate [--baseline B] [--current C] [--max-regression 5%] [--basis control|reference] [--assert EXPR]... [--confirm] [--require-all] [--cross-machine] [--junit FILE] [--markdown FILE] [--export-benchmark FILE] [--export-bmf FILE]",
  help: `Options:
  --baseline B          results to compare against (a results.json, its folder, or a samples.csv)
  --current C           the results to gate (default: results)
  --max-regression P    the largest tolerated slowdown of a cell's call (default 5%)
  --assert EXPR         a within-run ratio that must hold, no baseline needed (repeatable):
                          ${ASSERT_GRAMMAR}
                          e.g. "xen <= 1.05 * table @ xen:pv-guest-build"; @ * for every workload
  --confirm             re-measure suspect cells (regressed or inconclusive) in a fresh run of the
                        current config before deciding (needs the spec here; --cpu, --confirm-budget S)
  --require-all         fail (exit 1) when the current results lack a cell the baseline measured;
                        without it such cells are listed by name ("not gated") but do not decide
  --basis B             control (default: net ns, cell minus control per round) or reference (the
                        per-round ratio to the run's reference strategy: robust to slow machine
                        states that hit every strategy of a run; docs/ci.md)
  --cross-machine       compare a baseline of another machine by within-run ratios to the control
  --junit FILE          JUnit XML: one testcase per gated cell and per assertion
  --markdown FILE       the summary as Markdown (also appended to $GITHUB_STEP_SUMMARY when set)
  --export-benchmark F  the current results as github-action-benchmark customSmallerIsBetter JSON
  --export-bmf FILE     the current results as Bencher Metric Format JSON
  --seed X              bootstrap seed (default 1)

A cell regressed only when the whole CI of its change lies beyond --max-regression and the
Mann-Whitney U test is significant (docs/ci.md). Exit codes: 0 pass, 1 regression (or a failed
assertion, or a missing cell with --require-all), 2 usage or input error, 3 inconclusive (a CI
straddles the threshold, or a cell has fewer than 6 rounds: more samples or --confirm decide),
4 incomparable (the baseline is of another machine or spec).`,
  options: {
    baseline: { type: "string" },
    current: { type: "string" },
    "max-regression": { type: "string" },
    basis: { type: "string" },
    assert: { type: "string", multiple: true },
    confirm: { type: "boolean" },
    "require-all": { type: "boolean" },
    "confirm-budget": { type: "string" },
    "cross-machine": { type: "boolean" },
    cpu: { type: "string" },
    junit: { type: "string" },
    markdown: { type: "string" },
    "export-benchmark": { type: "string" },
    "export-bmf": { type: "string" },
    seed: { type: "string" },
  },
  async run(values, _positionals, io) {
    const currentPath = str(values, "current") ?? "results";
    const current = readResultsAt(currentPath);
    const { gate } = await import("../../lab/gate.js");
    const outcome = await gate({
      current,
      ...(str(values, "baseline") ? { baseline: str(values, "baseline")! } : {}),
      maxRegression: percentOption(values, "max-regression", 0.05),
      basis: basisOption(values),
      asserts: all(values, "assert"),
      crossMachine: !!values["cross-machine"],
      confirm: !!values["confirm"],
      requireAll: !!values["require-all"],
      confirmBudgetS: intOption(values, "confirm-budget", 40, 3600),
      ...(values["cpu"] !== undefined ? { cpu: intOption(values, "cpu", 0, 4096) } : {}),
      seed: intOption(values, "seed", 1, 2 ** 31 - 1),
    });
    io.out(gateText(outcome));
    if (outcome.confirmed.length) io.out(`re-measured: ${outcome.confirmed.join("; ")}`);
    const markdown = gateMarkdown(outcome);
    const writes: [string | undefined, () => string][] = [
      [str(values, "junit"), () => gateJunit(outcome)],
      [str(values, "markdown"), () => markdown],
      [str(values, "export-benchmark"), () => customSmallerIsBetter(current)],
      [str(values, "export-bmf"), () => bencherBmf(current)],
    ];
    for (const [file, text] of writes) if (file) writeFileAtomic(file, text());
    const summary = process.env["GITHUB_STEP_SUMMARY"];
    if (summary) appendFileSync(summary, markdown + "\n");
    return outcome.exitCode;
  },
};
