import { ExitCode, LabError } from "../../errors.js";
import { defineCommand } from "../command.js";
import { flag, percent } from "../options.js";
import { basisOption, COUNT_THRESHOLD_OPTION, CROSS_ENGINE_OPTION, CROSS_MACHINE_OPTION, givenPercent, METRIC_OPTION, SEED_OPTION } from "./gate.js";

export const compareCommand = defineCommand({
  name: "compare",
  summary: "per matched cell: the change from BASE to CURRENT with its CI, a rank-test p-value and a verdict",
  synopsis: "BASE CURRENT",
  arguments: [["BASE, CURRENT", "results.json files, the folders that hold them (run, sweep, merge), or samples.csv"]],
  options: {
    threshold: givenPercent(percent({ placeholder: "P", help: "the change that counts, as a percent of the base cell's call (--metric ns)", fallback: 0.05 })),
    metric: METRIC_OPTION,
    "count-threshold": COUNT_THRESHOLD_OPTION,
    basis: basisOption(
      "control (net ns per dispatch) or reference (each cell's per-round ratio to the run's reference strategy; the reference against the control)",
    ),
    "cross-machine": CROSS_MACHINE_OPTION,
    "cross-engine": CROSS_ENGINE_OPTION,
    seed: SEED_OPTION,
    json: flag("print the comparison as JSON"),
  },
  notes: `On one machine the quantity is net ns per dispatch (the cell minus the control kernel, per
round); the change is median(current) - median(base) with a bootstrap CI, relative to the base
cell's gross ns. Verdicts: regressed / improved (the whole CI beyond the threshold and the
Mann-Whitney U test significant at 5%), unchanged (the whole CI within it), inconclusive (the CI
straddles it). "noise ±" is the CI half-width: smaller changes are within the cell's noise.
Absolute ns are never compared across machine ids (exit 4) unless --cross-machine, nor across
engines (an engine is its kind and major version: node 20, node 24, bun 1) unless --cross-engine.
With --metric instructions or mispredicts the quantity is counts per dispatch (run --measure counts),
net of the control: exact, so the change is current - base with no CI or p, and the threshold is
--count-threshold, absolute (default 0.5 instructions, 0.05 mispredicts). Counts are compared across
machines, never across valgrind versions, engine builds or flags (exit 4).`,
  async run(values, positionals, io) {
    if (positionals.length !== 2)
      throw new LabError(
        "usage",
        [{ path: "compare", message: `expected BASE and CURRENT, got ${positionals.length} argument${positionals.length === 1 ? "" : "s"}` }],
        "dispatch-lab compare base/ current/",
      );
    const [{ compare }, { decide }, { gateText }] = await Promise.all([
      import("../../lab/gate.js"),
      import("../../gate/decide.js"),
      import("../../gate/report.js"),
    ]);
    const comparison = compare(positionals[0]!, positionals[1]!, {
      ...(values.threshold !== undefined ? { threshold: values.threshold } : {}),
      basis: values.basis,
      crossMachine: values.crossMachine,
      crossEngine: values.crossEngine,
      seed: values.seed,
      metric: values.metric,
      ...(values.countThreshold !== undefined ? { countThreshold: values.countThreshold } : {}),
    });
    if (values.json) io.out(JSON.stringify(comparison, null, 2));
    else io.out(gateText(decide(comparison, []), { reasons: false }));
    return comparison.incomparable.length ? ExitCode.incomparable : ExitCode.ok;
  },
});
