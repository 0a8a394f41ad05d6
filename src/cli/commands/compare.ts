import { ExitCode, LabError } from "../../errors.js";
import { decide } from "../../gate/gate.js";
import { gateText } from "../../gate/report.js";
import { intOption, type Command } from "../command.js";
import { basisOption, percentOption } from "./gate.js";

export const compareCommand: Command = {
  name: "compare",
  summary: "per matched cell: the change from BASE to CURRENT with its CI, a rank-test p-value and a verdict",
  usage: "dispatch-lab compare BASE CURRENT [--threshold 5%] [--basis control|reference] [--cross-machine] [--seed X] [--json]",
  help: `Arguments:
  BASE, CURRENT     results.json files, the folders that hold them (run, sweep, merge), or samples.csv
Options:
  --threshold P     the change that counts, as a percent of the base cell's call (default 5%)
  --basis B         control (default: net ns per dispatch) or reference (each cell's per-round
                    ratio to the run's reference strategy; the reference against the control)
  --cross-machine   compare runs of different machines by their within-run ratios to the control
  --seed X          bootstrap seed (default 1)
  --json            print the comparison as JSON

On one machine the quantity is net ns per dispatch (the cell minus the control kernel, per
round); the change is median(current) - median(base) with a bootstrap CI, relative to the base
cell's gross ns. Verdicts: regressed / improved (the whole CI beyond the threshold and the
Mann-Whitney U test significant at 5%), unchanged (the whole CI within it), inconclusive (the CI
straddles it). "noise ±" is the CI half-width: smaller changes are within the cell's noise.
Absolute ns are never compared across machine ids (exit 4) unless --cross-machine.
Exit 0 when compared, 2 on bad input, 4 when nothing is comparable (machine or spec mismatch).`,
  positionals: true,
  options: { threshold: { type: "string" }, basis: { type: "string" }, "cross-machine": { type: "boolean" }, seed: { type: "string" }, json: { type: "boolean" } },
  async run(values, positionals, io) {
    if (positionals.length !== 2) throw new LabError("usage", [{ path: "compare", message: `expected BASE and CURRENT, got ${positionals.length} argument${positionals.length === 1 ? "" : "s"}` }], "dispatch-lab compare base/ current/");
    const { compare } = await import("../../lab/gate.js");
    const comparison = compare(positionals[0]!, positionals[1]!, { threshold: percentOption(values, "threshold", 0.05), basis: basisOption(values), crossMachine: !!values["cross-machine"], seed: intOption(values, "seed", 1, 2 ** 31 - 1) });
    if (values["json"]) io.out(JSON.stringify(comparison, null, 2));
    else io.out(gateText(decide(comparison, []), { reasons: false }).replace(/^gate: \S+/, "compare:"));
    return comparison.incomparable.length ? ExitCode.incomparable : ExitCode.ok;
  },
};
