import { join } from "node:path";
import { writeFileAtomic } from "../io.js";
import { exporters } from "./exporters/index.js";
import type { Dataset } from "../model/results.js";

/**
 * Write every exporter's file into `dir`, each atomically (temp + rename):
 * an interrupted run leaves valid files. results.json is written last, so
 * when it says `complete`, the CSVs beside it are complete too. `written`
 * (a writer's own, path -> text): a file whose text is what this writer
 * last wrote there is not rewritten (summary.csv and machines.csv change
 * only every few seconds while a run rewrites its files after every round).
 */
export function writeResults(dir: string, dataset: Dataset, written?: Map<string, string>): string[] {
  const names = Object.keys(exporters).sort((a, b) => (a === "results.json" ? 1 : b === "results.json" ? -1 : a.localeCompare(b)));
  for (const name of names) {
    const path = join(dir, name);
    const text = exporters[name]!(dataset);
    if (written?.get(path) === text) continue;
    writeFileAtomic(path, text);
    written?.set(path, text);
  }
  return names.map((n) => join(dir, n));
}
