/**
 * The repository's cross-machine dataset, data/battery/<machine-id>/: what
 * a battery leaves there (`battery save`), and docs/battery.md generated
 * from all of it (`battery doc`). Per machine: results.json (the battery's
 * runs, samples and fingerprint: what `merge` and `report` read), summary.csv,
 * machines.csv and fingerprint.json, each small.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { LabError } from "../errors.js";
import { writeFileAtomic } from "../io.js";
import type { Dataset, RunRecord } from "../model/results.js";
import { resultsJson } from "../results/exporters/json.js";
import { summaryCsv } from "../results/exporters/csv.js";
import { machinesCsv } from "../results/exporters/machines.js";
import { readResults } from "../results/read.js";

export const DEFAULT_BATTERY_DATA = "data/battery";
export const DEFAULT_BATTERY_DOC = "docs/battery.md";
/** A machine's results.json above this is not kept in the repository (its summary.csv is). */
export const MAX_RESULTS_BYTES = 8 * 1024 * 1024;

/** Copy the battery in `out` into `data/<machine-id>/`; the files written. */
export function saveBattery(out: string, data: string): string[] {
  const dataset = readResults(join(out, "results.json"));
  const ids = [...new Set(dataset.runs.map((r) => r.fingerprint.machineId))];
  // Failed cells are results (recorded with their reason); cells never measured are not: finish those first.
  const pending = dataset.runs.some((r) => r.cells.some((c) => c.status === "pending") || (!r.complete && !r.cells.some((c) => c.status === "failed")));
  if (ids.length !== 1 || pending)
    throw new LabError(
      "usage",
      [{ path: out, message: ids.length !== 1 ? `holds runs of ${ids.length} machines, not one battery` : "holds an interrupted battery" }],
      ids.length !== 1 ? "save the folder a battery wrote (its --out)" : `finish it with dispatch-lab battery --resume --out ${out}`,
    );
  const dir = join(data, ids[0]!);
  mkdirSync(dir, { recursive: true });
  const json = resultsJson(dataset);
  const files: [string, string][] = [
    ["summary.csv", summaryCsv(dataset)],
    ["machines.csv", machinesCsv(dataset)],
    ["fingerprint.json", `${JSON.stringify(dataset.runs[0]!.fingerprint, null, 2)}\n`],
    ...(Buffer.byteLength(json) <= MAX_RESULTS_BYTES ? [["results.json", json] as [string, string]] : []),
  ];
  for (const [name, text] of files) writeFileAtomic(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}

/** Every machine's runs in `data` (each sub-folder's results.json), in machine-id order. */
export function batteryRuns(data: string): RunRecord[] {
  if (!existsSync(data)) throw new LabError("usage", [{ path: data, message: "no such folder" }], "run dispatch-lab battery, then battery save");
  return readdirSync(data)
    .sort()
    .filter((d) => statSync(join(data, d)).isDirectory() && existsSync(join(data, d, "results.json")))
    .flatMap((d) => (readResults(join(data, d, "results.json")) as Dataset).runs);
}

/** docs/battery.md and docs/battery/*.svg from `data`, which the page names as `source` (default: `data` as given); the files written. */
export async function writeBatteryDoc(data: string, doc: string, source = data): Promise<string[]> {
  const { batteryDoc } = await import("../report/battery-doc.js");
  const { markdown, svgs } = batteryDoc(batteryRuns(data), source.replace(/\/?$/, "/"));
  writeFileAtomic(doc, markdown);
  const svgDir = join(dirname(doc), "battery");
  mkdirSync(svgDir, { recursive: true });
  for (const [name, svg] of Object.entries(svgs)) writeFileAtomic(join(svgDir, name), svg);
  return [doc, ...Object.keys(svgs).map((n) => join(svgDir, n))];
}
