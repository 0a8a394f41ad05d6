import type { Results } from "../schema.js";

/** results.json: everything, pretty-printed; bigints (none expected) as decimal strings. */
export const resultsJson = (r: Results): string => JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 1) + "\n";
