import { ExitCode, LabError } from "../../errors.js";
import type { Extent, Replacement } from "../../results/merge.js";
import { defineCommand } from "../command.js";
import { claimOutFolder } from "../../lab/out-folder.js";
import { flag, text } from "../options.js";

export const mergeCommand = defineCommand({
  name: "merge",
  summary: "merge results from many machines into one dataset (results.json, samples.csv, summary.csv, machines.csv)",
  synopsis: "INPUT...",
  arguments: [["INPUT", "results.json files, the folders run, sweep or merge wrote, or samples.csv files (several machines' files concatenated are fine)"]],
  options: {
    out: text({
      placeholder: "DIR",
      help: "where the merged files go; a folder that already holds a run, sweep or merge is refused unless --force, and one process at a time writes it (a lock file)",
      requiredFix: "dispatch-lab merge a/ b/ --out merged/",
    }),
    force: flag("replace what --out holds: its results files and report are deleted first"),
  },
  notes: `Every run is kept whole, with its own fingerprint, config and spec, keyed by machine id. The
same run given twice is kept once (merging is idempotent). Two copies of one run (same machine,
spec and start) where one continues the other, an interrupted run and its --resume, keep the
one with more samples, and say so; copies that differ otherwise exit 2 naming both. Runs of
different specs (by hash) stay apart and are listed per spec. machines.csv has one row per
machine: CPU, microcode, kernel, runtime and every mitigation file. Bad inputs exit 2 and
nothing is written.`,
  async run(values, positionals, io) {
    if (positionals.length === 0)
      throw new LabError("usage", [{ path: "merge", message: "no inputs given" }], "dispatch-lab merge laptop/ server/ --out merged/");
    const [{ mergeDatasets }, { readResultsAt }, { writeResults }] = await Promise.all([
      import("../../results/merge.js"),
      import("../../results/read.js"),
      import("../../results/write.js"),
    ]);
    const inputs = positionals.map(readResultsAt); // every input read and checked before anything is written
    const { dataset, duplicates, replaced, specGroups } = mergeDatasets(inputs, positionals);
    // --out is claimed as run and sweep claim theirs: nothing there is replaced silently, and one writer at a time.
    const folder = claimOutFolder(values.out, values.force ? "force" : "new", (line) => io.err(line), false);
    let files: string[];
    try {
      folder.clear();
      files = writeResults(values.out, dataset);
    } finally {
      folder.release();
    }
    const machines = new Set(dataset.runs.map((r) => r.fingerprint.machineId));
    io.out(
      `merged ${dataset.runs.length} runs from ${machines.size} machine${machines.size === 1 ? "" : "s"}${duplicates ? ` (${duplicates} duplicate run${duplicates === 1 ? "" : "s"} dropped)` : ""}`,
    );
    for (const r of replaced) io.out(replacementText(r));
    if (specGroups.length > 1) io.out(`${specGroups.length} different specs, kept apart:`);
    for (const g of specGroups)
      io.out(
        `  ${g.spec} (${g.hash.slice(0, 12)}): ${g.runs} run${g.runs === 1 ? "" : "s"} on ${g.machines.length} machine${g.machines.length === 1 ? "" : "s"}`,
      );
    io.out(`wrote ${files.join(", ")}`);
    return ExitCode.ok;
  },
});

const extentText = (e: Extent) =>
  `${e.samples} sample${e.samples === 1 ? "" : "s"}, ${e.sessions} session${e.sessions === 1 ? "" : "s"}, ${e.complete ? "complete" : "incomplete"}`;

/** Which copy of a run was kept, and why: the other is its beginning. */
const replacementText = (r: Replacement) =>
  `kept ${r.kept.label} over ${r.dropped.label}: one run (machine ${r.machineId}, spec ${r.spec}, started ${r.startedAt}); the kept copy continues the other (${extentText(r.kept)} against ${extentText(r.dropped)})`;
