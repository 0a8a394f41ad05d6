import pc from "picocolors";
import { LabError } from "../../errors.js";
import { fingerprintSummary } from "../../model/fingerprint.js";
import { escapeTerminal } from "../../text/escape.js";
import { didYouMean, nearest } from "../../suggest.js";
import { SWEEP_KINDS, isSweepKind } from "../../sweep/kinds/index.js";
import { defined, defineCommand, measureOptions, measureSettings } from "../command.js";
import { flag, list, numberList, refine, text } from "../options.js";
import { measuring } from "../measuring.js";

/** Per-kind defaults: each kind's help says them. */
const PER_KIND = "as listed per kind";

/** --pair A,B: two different strategies. */
const pairOption = refine(
  list({ placeholder: "A,B", help: `the two strategies of a crossover (${PER_KIND})` }),
  (p, flag, raw): [string, string] | undefined => {
    if (p === undefined) return undefined;
    if (p.length !== 2 || p[0] === p[1])
      throw new LabError("usage", [{ path: flag, message: `"${String(raw)}" is not two different strategies A,B` }], "e.g. --pair chain,table");
    return [p[0]!, p[1]!];
  },
);

export const sweepCommand = defineCommand({
  name: "sweep",
  summary: "measure a curve: cost by handler position, by number of handlers, the crossover of two strategies, or the dispatch's share as bodies grow",
  synopsis: Object.keys(SWEEP_KINDS).join("|"),
  arguments: Object.values(SWEEP_KINDS).map((k) => [k.kind, [k.summary, ...k.help.map((h) => `  ${h}`)].join("\n")] as const),
  options: {
    spec: text({ placeholder: "S", help: `the spec (${PER_KIND})` }),
    family: text({ placeholder: "F", help: `a spec with {n} where N goes (${PER_KIND})` }),
    strategies: list({ placeholder: "L", help: `comma-separated strategy names (${PER_KIND}); the control (direct) is measured too, listed or not` }),
    workloads: list({ placeholder: "L", help: `comma-separated workloads (${PER_KIND})` }),
    sizes: numberList({
      placeholder: "L",
      help: `numbers of handlers (${PER_KIND})`,
      check: (n) => Number.isInteger(n) && n >= 1 && n <= 4096,
      what: "an integer N in 1..4096",
      example: "4,16,64",
    }),
    skews: numberList({
      placeholder: "L",
      help: `zipf skews, 0 = uniform (${PER_KIND})`,
      check: (n) => n >= 0 && n <= 100,
      what: "a skew S in 0..100 (0 = uniform)",
      example: "0,0.5,1",
    }),
    ops: numberList({
      placeholder: "L",
      help: `body sizes in alu ops (${PER_KIND})`,
      check: (n) => Number.isInteger(n) && n <= 1_000_000,
      what: "an integer op count in 0..1000000",
      example: "4,16,64",
    }),
    pair: pairOption,
    ...measureOptions({
      tiers: "turbofan (default), liftoff, tiered",
      samples: "samples per cell (default: as many as each point's share of the budget allows)",
      processes:
        "processes per cell (default 2); a sweep runs one process per strategy, each hosting its cells (one module instance, with its own bytes, per cell)",
      timeBudget: "seconds the whole sweep may take (default 160), shared out over its runs",
      seed: "seeds workloads, the order of points and cells, and bootstraps (default 1)",
    }),
    out: text({
      placeholder: "DIR",
      help: "where the results go; a folder that already holds a run or sweep is refused unless --force, and one process at a time writes it",
      shownDefault: "results/sweep-KIND",
    }),
    force: flag("replace the run or sweep in --out: its results files and report are deleted first"),
  },
  notes: `Writes results.json (one run per point, plus the sweep's analysis), samples.csv, summary.csv and
report.html; the points run in a shuffled order, the files are rewritten during each point.`,
  async run(values, positionals, io) {
    const [kind, ...extra] = positionals;
    if (!kind || !isSweepKind(kind) || extra.length)
      throw new LabError(
        "usage",
        [{ path: "sweep", message: kind && !extra.length ? `"${kind}" is not a sweep kind` : "give exactly one sweep kind" }],
        `${kind && !extra.length ? didYouMean([nearest(kind, Object.keys(SWEEP_KINDS))]) : ""}dispatch-lab sweep ${Object.keys(SWEEP_KINDS).join("|")}`,
      );
    const request = {
      kind,
      ...defined({
        spec: values.spec,
        family: values.family,
        strategies: values.strategies,
        workloads: values.workloads,
        sizes: values.sizes,
        skews: values.skews,
        ops: values.ops,
        pair: values.pair,
      }),
      ...measureSettings(values),
      out: values.out ?? `results/sweep-${kind}`,
      force: values.force,
    };
    return measuring(
      io,
      values,
      "stopping after the current sample; the points so far are kept",
      async (hooks) => (await import("../../lab/sweep.js")).sweep({ ...request, ...hooks }),
      ({ dataset }) => {
        // Names come from the user's specs and other processes (load): escaped here (see run.ts).
        io.out(`machine: ${escapeTerminal(fingerprintSummary(dataset.runs[0]!.fingerprint))}\n`);
        for (const sentence of dataset.sweep?.analysis?.sentences ?? []) io.out(escapeTerminal(sentence));
        for (const r of dataset.runs)
          for (const c of r.summaries.filter((x) => x.status === "failed"))
            io.out(`${pc.red("failed")} ${escapeTerminal(`${r.spec.name} ${c.id}: ${c.error}`)}`);
        const busy = dataset.runs.flatMap((r, i) =>
          r.sessions[0]?.load?.busy
            ? [`  - ${escapeTerminal(`${dataset.sweep?.points[i]?.label ?? r.spec.name}: ${r.sessions[0].load.warnings.join("; ")}`)}`]
            : [],
        );
        if (busy.length) io.out(`warning: the machine was busy while these points measured; their numbers may not repeat:\n${busy.join("\n")}`);
      },
    );
  },
});
