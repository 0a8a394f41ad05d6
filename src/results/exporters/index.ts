import type { Dataset } from "../../model/results.js";
import { samplesCsv, summaryCsv } from "./csv.js";
import { resultsJson } from "./json.js";
import { machinesCsv } from "./machines.js";

/** The files a results folder holds: name -> pure serializer. Adding a format is adding a line. */
export const exporters: Readonly<Record<string, (d: Dataset) => string>> = {
  "results.json": resultsJson,
  "samples.csv": samplesCsv,
  "summary.csv": summaryCsv,
  "machines.csv": machinesCsv,
};
