import { readFileSync } from "node:fs";
import { LabError } from "../errors.js";
import { RESULTS_SCHEMA, type Results } from "./schema.js";

/** Read a results.json: a missing file, bad JSON or another schema is a LabError naming the file. */
export function readResults(path: string): Results {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new LabError("results-invalid", [{ path, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new LabError("results-invalid", [{ path, message: `not valid JSON (${(e as Error).message})` }], "the file is damaged; rerun without --resume into a new --out folder");
  }
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (schema !== RESULTS_SCHEMA)
    throw new LabError("results-invalid", [{ path, message: `schema ${JSON.stringify(schema)} is not ${RESULTS_SCHEMA}` }], "use the dispatch-lab version that wrote it, or rerun");
  const r = data as Results;
  if (!r.config || !Array.isArray(r.cells)) throw new LabError("results-invalid", [{ path, message: "no config or cells: not a complete results file" }]);
  return r;
}
