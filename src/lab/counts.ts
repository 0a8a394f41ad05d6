/**
 * `--measure counts`: a run's cells counted under valgrind's callgrind
 * (run/counter.ts), before any is timed (counting uses every CPU; timing
 * needs the measuring CPU alone). A cell whose engine or tier cannot be
 * counted repeatably (deno, bun, V8's dynamic tiering) gets the reason
 * instead; so does one whose counting process failed. In a run that
 * measures counts only, a cell is ok when counted and failed otherwise.
 */
import { measuresOf } from "../model/counts.js";
import { engineOf } from "../model/cells.js";
import type { CellRecord, RunConfig } from "../model/results.js";
import { LabError } from "../errors.js";
import { valgrindVersion } from "../run/callgrind.js";
import { countCells, type CountInput } from "../run/counter.js";
import { uncountableReason } from "../run/counts-plan.js";
import type { DatasetWriter } from "./dataset-writer.js";
import { cellInputs, type Measurement, type RunProgress } from "./measure.js";

/** Before anything is built or started: counts need valgrind (exit 2 naming the package). */
export function checkCountable(config: Pick<RunConfig, "measure">): void {
  if (measuresOf(config).includes("counts") && valgrindVersion() === null)
    throw new LabError(
      "usage",
      [{ path: "--measure counts", message: "valgrind is not installed: counts take every cell under valgrind's callgrind" }],
      "apt-get install valgrind (Debian's package), or measure time only",
    );
}

/** The kind of a cell's engine (its record; a run before engines: node). */
const kindOf = (m: Measurement, c: CellRecord) => m.run.engines?.[engineOf(c)]?.kind ?? "node";

export async function countRun(m: Measurement, writer: DatasetWriter, progress?: RunProgress): Promise<void> {
  const { run } = m;
  const timed = measuresOf(run.config).includes("time");
  const session = run.sessions.length - 1;
  // Grouped as the runner groups cells (one group per strategy, tier and engine); counter.ts shares processes by command.
  const inputs = cellInputs(m, true, session);
  const wanted: CountInput[] = [];
  run.cells.forEach((c, i) => {
    if (c.counts || c.status === "failed") return; // counted in an earlier session, or its build failed
    const why = uncountableReason(kindOf(m, c), c.tier);
    if (why) c.countsError = why;
    else wanted.push(inputs[i]!);
  });
  const outcomes = await countCells(wanted, { onProcessDone: (done, total) => progress?.counted?.(done, total) });
  for (const c of run.cells) {
    const o = outcomes.get(c.id);
    if (o && "counts" in o) {
      c.counts = o.counts;
      delete c.countsError;
    } else if (o) c.countsError = o.error;
    // Counts alone: a cell is its counts.
    if (!timed && c.status !== "failed") {
      c.status = c.counts ? "ok" : "failed";
      if (!c.counts) c.error = c.countsError ?? "not counted";
    }
  }
  writer.write(undefined);
}
