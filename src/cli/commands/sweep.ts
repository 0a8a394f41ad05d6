import pc from "picocolors";
import { ExitCode, LabError } from "../../errors.js";
import { fingerprintSummary } from "../../model/fingerprint.js";
import { didYouMean, nearest } from "../../suggest.js";
import { SWEEP_KINDS, isSweepKind } from "../../sweep/kinds/index.js";
import { defined, MEASURE_OPTIONS, measureSettings, str, type Command } from "../command.js";
import { interruptible } from "../interrupt.js";
import { runProgress } from "../progress.js";

/** A comma-separated list of numbers, each checked, or a usage error naming the option. */
function numberList(values: Record<string, unknown>, name: string, check: (n: number) => boolean, what: string): number[] | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const items = raw.split(",").map((t) => t.trim());
  const bad = items.filter((t) => !/^[0-9]+(\.[0-9]+)?$/.test(t) || !check(Number(t)));
  if (bad.length || items.length === 0) throw new LabError("usage", [{ path: `--${name}`, message: `${bad.map((b) => JSON.stringify(b)).join(", ") || "(empty)"}: not ${what}` }], `e.g. --${name} ${name === "skews" ? "0,0.5,1" : "4,16,64"}`);
  return [...new Set(items.map(Number))];
}

const list = (values: Record<string, unknown>, name: string): string[] | undefined => str(values, name)?.split(",").map((t) => t.trim()).filter(Boolean);

function pair(values: Record<string, unknown>): [string, string] | undefined {
  const p = list(values, "pair");
  if (p === undefined) return undefined;
  if (p.length !== 2 || p[0] === p[1]) throw new LabError("usage", [{ path: "--pair", message: `"${str(values, "pair")}" is not two different strategies A,B` }], "e.g. --pair chain,table");
  return [p[0]!, p[1]!];
}

export const sweepCommand: Command = {
  name: "sweep",
  summary: "measure a curve: cost by handler position, by number of handlers, the crossover of two strategies, or the dispatch's share as bodies grow",
  usage: "dispatch-lab sweep position|scale|crossover|body [options] [--samples N] [--time-budget S] [--out DIR] [--force]",
  help: `Kinds:
${Object.values(SWEEP_KINDS)
  .map((k) => `  ${k.kind.padEnd(10)} ${k.summary}\n${k.help.map((h) => `             ${h}`).join("\n")}`)
  .join("\n")}
Options (lists are comma-separated):
  --spec S, --family F, --strategies L, --workloads L, --sizes L, --skews L, --ops L, --pair A,B
                    as listed per kind; a family is a spec with {n} where N goes
  --tiers L         turbofan (default), liftoff, tiered
  --samples N       samples per cell (default: as many as each point's share of the budget allows)
  --processes N     processes per cell (default 2); a sweep runs one process per strategy, each
                    hosting its cells (one module instance, with its own bytes, per cell)
  --time-budget S   seconds the whole sweep may take (default 160), shared out over its runs
  --seed X          seeds workloads, the order of points and cells, and bootstraps (default 1)
  --cpu N           the CPU every measuring process is pinned to (default: the last one)
  --bodies FILE     an AssemblyScript file of extra body kinds
  --out DIR         where the results go (default results/sweep-KIND); a folder that already holds
                    a run or sweep is refused unless --force, and one process at a time writes it
  --force           replace the run or sweep in --out: its results files and report are deleted first

Writes results.json (one run per point, plus the sweep's analysis), samples.csv, summary.csv and
report.html; the points run in a shuffled order, the files are rewritten during each point.
Exit 0 when every cell was measured, 1 when some failed, 2 on bad input, 130 interrupted.`,
  positionals: true,
  options: {
    spec: { type: "string" },
    family: { type: "string" },
    strategies: { type: "string" },
    workloads: { type: "string" },
    sizes: { type: "string" },
    skews: { type: "string" },
    ops: { type: "string" },
    pair: { type: "string" },
    ...MEASURE_OPTIONS,
    force: { type: "boolean" },
  },
  async run(values, positionals, io) {
    const [kind, ...extra] = positionals;
    if (!kind || !isSweepKind(kind) || extra.length)
      throw new LabError("usage", [{ path: "sweep", message: kind && !extra.length ? `"${kind}" is not a sweep kind` : "give exactly one sweep kind" }], `${kind && !extra.length ? didYouMean([nearest(kind, Object.keys(SWEEP_KINDS))]) : ""}dispatch-lab sweep ${Object.keys(SWEEP_KINDS).join("|")}`);
    const request = {
      kind,
      ...defined({
        spec: str(values, "spec"),
        family: str(values, "family"),
        strategies: list(values, "strategies"),
        workloads: list(values, "workloads"),
        sizes: numberList(values, "sizes", (n) => Number.isInteger(n) && n >= 1 && n <= 4096, "an integer N in 1..4096"),
        skews: numberList(values, "skews", (n) => n >= 0 && n <= 100, "a skew S in 0..100 (0 = uniform)"),
        ops: numberList(values, "ops", (n) => Number.isInteger(n) && n <= 1_000_000, "an integer op count in 0..1000000"),
        pair: pair(values),
      }),
      ...measureSettings(values),
      out: str(values, "out") ?? `results/sweep-${kind}`,
      force: !!values["force"],
    };
    const progress = runProgress();
    try {
      // The import is inside: a Ctrl-C while the lab loads is already an interruption (exit 130).
      const { value: outcome, interrupted } = await interruptible(io, "stopping after the current sample; the points so far are kept", async (stop) =>
        (await import("../../lab/sweep.js")).sweep({ ...request, progress, stop, note: (line) => io.err(line) }),
      );
      progress.stop();
      const first = outcome.dataset.runs[0]!;
      io.out(`machine: ${fingerprintSummary(first.fingerprint)}\n`);
      for (const sentence of outcome.dataset.sweep?.analysis?.sentences ?? []) io.out(sentence);
      for (const r of outcome.dataset.runs) for (const c of r.summaries.filter((x) => x.status === "failed")) io.out(`${pc.red("failed")} ${r.spec.name} ${c.id}: ${c.error}`);
      const busy = outcome.dataset.runs.flatMap((r, i) => (r.sessions[0]?.load?.busy ? [`  - ${outcome.dataset.sweep?.points[i]?.label ?? r.spec.name}: ${r.sessions[0].load.warnings.join("; ")}`] : []));
      if (busy.length) io.out(`warning: the machine was busy while these points measured; their numbers may not repeat:\n${busy.join("\n")}`);
      io.out(`\nwrote ${outcome.files.join(", ")}`);
      if (interrupted) return 130;
      return outcome.failedCells > 0 ? ExitCode.cellsFailed : ExitCode.ok;
    } finally {
      progress.stop();
    }
  },
};
