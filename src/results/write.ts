import { join } from "node:path";
import { writeFileAtomic } from "../io.js";
import { exporters } from "./exporters/index.js";
import type { Dataset } from "../model/results.js";

/**
 * Write every exporter's file into `dir`, each atomically (temp + rename):
 * an interrupted run leaves valid files. results.json is written last, so
 * when it says `complete`, the CSVs beside it are complete too.
 */
export function writeResults(dir: string, dataset: Dataset): string[] {
  const names = Object.keys(exporters).sort((a, b) => (a === "results.json" ? 1 : b === "results.json" ? -1 : a.localeCompare(b)));
  for (const name of names) writeFileAtomic(join(dir, name), exporters[name]!(dataset));
  return names.map((n) => join(dir, n));
}
