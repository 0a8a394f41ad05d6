import { ExitCode, LabError } from "../../errors.js";
import { escapeTerminal } from "../../text/escape.js";
import { defined, defineCommand, type MeasureValues } from "../command.js";
import { flag, int, text } from "../options.js";
import { measuring } from "../measuring.js";

const ACTIONS = ["save", "doc"] as const;

export const batteryCommand = defineCommand({
  name: "battery",
  summary:
    "answer the Xen question on this machine: xen:pv64 and xen:hvm64 x Xen's measured mixes and the baselines, every strategy, natively and in wasm engines, with counts; save it to data/battery and regenerate docs/battery.md",
  synopsis: "[save|doc]",
  arguments: [
    ["(none)", "measure the battery into --out (results.json, the CSVs, machines.csv, report.html whose first screen is the answer per mix)"],
    ["save", "copy the finished battery in --out into DATA/<machine-id>/ (results.json, summary.csv, machines.csv, fingerprint.json)"],
    ["doc", "regenerate --doc (docs/battery.md) and its heatmaps from every machine in DATA"],
  ],
  options: {
    out: text({ placeholder: "DIR", help: "where the battery goes: one sub-folder per spec, merged beside them", shownDefault: "results/battery" }),
    quick: flag("the spec's leading mix, uniform and cyclic; the running node, native o2 and retpoline; no counts (about 2 minutes on 2 cores)"),
    resume: flag("continue the interrupted battery in --out: complete specs are kept, an interrupted one resumed, the rest measured"),
    force: flag("replace the battery in --out"),
    cc: text({ placeholder: "CC", help: "the C compiler of the native builds (no compiler: they are skipped, with a note)", shownDefault: "cc" }),
    strategies: text({ placeholder: "L", help: "only these strategies (default: every default strategy; the control is measured anyway): a smaller battery" }),
    samples: int({ placeholder: "N", help: "samples per cell (default: as many as each spec's time allows)", min: 1, max: 1_000_000 }),
    "time-budget": int({
      placeholder: "S",
      help: "seconds per spec's run instead of its share of the battery's (340 s shared by cells; --quick 76)",
      min: 1,
      max: 7 * 24 * 3600,
    }),
    data: text({ placeholder: "DIR", help: "the cross-machine dataset save writes and doc reads", shownDefault: "data/battery" }),
    doc: text({ placeholder: "FILE", help: "the page doc writes (its heatmaps go to battery/ beside it)", shownDefault: "docs/battery.md" }),
  },
  notes: `One run per spec (run's measurement: isolated pinned processes, interleaved rounds, the control
kernel), the runs merged into one dataset in --out. The running node, the newest other installed
Node major and Bun (inlining off); native o2, nojt, retpoline and rethunk where cc exists (the x86
ones skipped elsewhere, with the reason); counts (time,counts) where valgrind exists. About 10 minutes
on a 2-core machine; --quick about 2. The answer per mix is printed and leads report.html.`,
  async run(values, positionals, io) {
    const [action, ...extra] = positionals;
    if (extra.length || (action !== undefined && !(ACTIONS as readonly string[]).includes(action)))
      throw new LabError("usage", [{ path: "battery", message: `"${positionals.join(" ")}" is not save or doc` }], "dispatch-lab battery [save|doc]");
    const data = values.data ?? "data/battery";
    const out = values.out ?? "results/battery";
    if (action === "save") {
      const { saveBattery } = await import("../../lab/battery-data.js");
      io.out(`wrote ${saveBattery(out, data).join(", ")}`);
      return ExitCode.ok;
    }
    if (action === "doc") {
      const { writeBatteryDoc } = await import("../../lab/battery-data.js");
      io.out(`wrote ${(await writeBatteryDoc(data, values.doc ?? "docs/battery.md")).join(", ")}`);
      return ExitCode.ok;
    }
    const { batteryAnswers } = await import("../../report/battery.js");
    return measuring(
      io,
      { samples: values.samples } as MeasureValues,
      "stopping after the current sample; the battery so far is kept (continue with --resume)",
      async (hooks) =>
        (await import("../../lab/battery.js")).battery({
          out,
          quick: values.quick,
          resume: values.resume,
          force: values.force,
          ...defined({ cc: values.cc, strategies: values.strategies, samples: values.samples, timeBudgetS: values.timeBudget }),
          ...hooks,
        }),
      ({ dataset, plan, wallS }) => {
        for (const line of batteryAnswers(dataset.runs)) io.out(escapeTerminal(line));
        for (const s of plan.skipped) io.out(`skipped: ${escapeTerminal(s)}`);
        io.out(`battery: ${dataset.runs.length} runs, ${wallS.toFixed(0)} s`);
      },
    );
  },
});
