import type { Dataset } from "../../model/results.js";
import { runAnswers } from "../answers.js";
import type { PersistedDataset } from "../persisted.js";

/**
 * The in-memory dataset as results@2 declares it (results/persisted.ts): the
 * one place the lab's state becomes the file's, typed against the format so
 * that a change to either fails to compile here. Each run gains its answer
 * sentences (made from its summaries; the lab itself never reads them back).
 */
export const persisted = (d: Dataset): PersistedDataset => ({ ...d, runs: d.runs.map((r) => ({ ...r, answers: runAnswers(r) })) });

/**
 * results.json: everything, compact (it is rewritten after every round and
 * holds every sample; `jq .` pretty-prints it); bigints as decimal strings.
 */
export const resultsJson = (d: Dataset): string => `${JSON.stringify(persisted(d), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}\n`;
