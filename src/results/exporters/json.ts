import type { CellSummary, Dataset, RunRecord } from "../../model/results.js";
import { runAnswers } from "../answers.js";
import type { PersistedDataset } from "../persisted.js";

/**
 * The in-memory dataset as results@2 declares it (results/persisted.ts): the
 * one place the lab's state becomes the file's, typed against the format so
 * that a change to either fails to compile here. Each run gains its answer
 * sentences (made from its summaries; the lab itself never reads them back).
 */
export const persisted = (d: Dataset): PersistedDataset => ({ ...d, runs: d.runs.map((r) => ({ ...r, answers: answersOf(r) })) });

/**
 * The answers of a run, made once per set of summaries: naming the fastest
 * bootstraps the runner-up's ratio (~30 ms for the default run), and a run
 * rewrites results.json after every round while its summaries change only
 * when its statistics are refreshed. Keyed also by the cells' sample count,
 * so that answers never mix a set of summaries with samples they did not see
 * at a run's end.
 */
const answered = new WeakMap<readonly CellSummary[], { samples: number; answers: string[] }>();

function answersOf(r: RunRecord): string[] {
  const samples = r.cells.reduce((n, c) => n + c.samples.length, 0);
  const known = answered.get(r.summaries);
  if (known && (known.samples === samples || !r.complete)) return known.answers;
  const answers = runAnswers(r);
  answered.set(r.summaries, { samples, answers });
  return answers;
}

/**
 * results.json: everything, compact (it is rewritten after every round and
 * holds every sample; `jq .` pretty-prints it); bigints as decimal strings.
 */
export const resultsJson = (d: Dataset): string => `${JSON.stringify(persisted(d), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}\n`;
