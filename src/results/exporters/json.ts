import type { Dataset } from "../../model/results.js";

/**
 * results.json: everything, compact (it is rewritten after every round and
 * holds every sample; `jq .` pretty-prints it); bigints as decimal strings.
 */
export const resultsJson = (d: Dataset): string => `${JSON.stringify(d, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}\n`;
