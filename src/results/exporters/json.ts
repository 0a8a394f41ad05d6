import type { Results } from "../schema.js";

/**
 * results.json: everything, compact (it is rewritten after every round and
 * holds every sample; `jq .` pretty-prints it); bigints as decimal strings.
 */
export const resultsJson = (r: Results): string => JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) + "\n";
