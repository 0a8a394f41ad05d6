import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { samplesCsv } from "../../src/results/exporters/csv.js";
import { datasetFromSamplesCsv } from "../../src/results/read-csv.js";
import { readResults, readResultsAt } from "../../src/results/read.js";
import { labError as error } from "../spec/helpers.js";
import { hostileCsv } from "./hostile.js";

const fixture = (name: string) => readResults(fileURLToPath(new URL(`../fixtures/report/${name}`, import.meta.url)));
const a = fixture("results-a.json");
const b = fixture("results-b.json");

describe("a samples.csv as a dataset", () => {
  it("rebuilds the runs, cells and samples, and recomputes the statistics", () => {
    const d = datasetFromSamplesCsv("a.csv", samplesCsv(a));
    const run = d.runs[0]!;
    expect(d.runs).toHaveLength(1);
    expect(run.fingerprint.machineId).toBe(a.runs[0]!.fingerprint.machineId);
    expect(run.cells.map((c) => c.id)).toEqual(a.runs[0]!.cells.map((c) => c.id));
    expect(run.cells[0]!.samples.map((s) => s.nsPerDispatch)).toEqual(a.runs[0]!.cells[0]!.samples.map((s) => s.nsPerDispatch));
    expect(run.summaries.find((s) => s.strategy === "chain" && s.workload === "uniform")!.ratio!.ratio).toBe(
      a.runs[0]!.summaries.find((s) => s.strategy === "chain" && s.workload === "uniform")!.ratio!.ratio,
    );
    expect(run.fingerprint.unknown[0]).toMatch(/records the machine id, CPU model and runtime only/);
  });

  it("takes concatenated files of two machines (the repeated header is skipped) as two runs", () => {
    const text = samplesCsv(a) + samplesCsv(b);
    expect(datasetFromSamplesCsv("ab.csv", text).runs.map((r) => r.fingerprint.machineId)).toEqual(["34923ec707c88d9f", "b0b0b0b0b0b0b0b0"]);
  });

  it("is read by readResultsAt from a .csv path", () => {
    const file = join(mkdtempSync(join(tmpdir(), "dispatch-lab-csv-")), "samples.csv");
    writeFileSync(file, samplesCsv(a));
    expect(readResultsAt(file).runs[0]!.cells).toHaveLength(8);
  });

  it("names the file and the missing columns", () => {
    const text = samplesCsv(a).replace(/^machine_id,/, "machine,");
    const e = error(() => datasetFromSamplesCsv("x.csv", text));
    expect(e.code).toBe("results-invalid");
    expect(e.problems).toEqual([{ path: "x.csv", message: "missing column machine_id: not a samples.csv" }]);
  });

  it("names the row and the field that is not a number", () => {
    const [header, first, ...rest] = samplesCsv(a).trim().split("\n");
    const broken = [header, first!.replace(/,[0-9.]+$/, ",fast"), ...rest].join("\n");
    expect(error(() => datasetFromSamplesCsv("x.csv", broken)).problems).toEqual([{ path: "x.csv: row 1", message: 'ns_per_dispatch "fast" is not a number' }]);
  });
});

describe("a samples.csv with hostile values", () => {
  const cases: [string, string, string][] = [
    ["ns_per_dispatch", "1e308", "ns_per_dispatch 1e308 is outside (0, 1e9]"],
    ["ns_per_dispatch", "NaN", 'ns_per_dispatch "NaN" is not a number'],
    ["ns_per_dispatch", "Infinity", 'ns_per_dispatch "Infinity" is not a number'],
    ["ns_per_dispatch", "-1", "ns_per_dispatch -1 is outside (0, 1e9]"],
    ["sample_ns", "0", "sample_ns 0 is outside (0, 3.6e12]"],
    ["round", "1.5", "round 1.5 is not an integer"],
    ["dispatches", "0", "dispatches 0 is not > 0"],
    ["ns_per_dispatch", "11", "ns_per_dispatch 11 is not sample_ns / dispatches (10.795582071940105)"],
    ["strategy", "", "strategy is empty"],
  ];
  for (const [column, value, message] of cases) {
    it(`${column} = ${JSON.stringify(value)}: the row and the problem`, () => {
      expect(error(() => datasetFromSamplesCsv("x.csv", hostileCsv(column, value))).problems).toEqual([{ path: "x.csv: row 1", message }]);
    });
  }

  it("refuses one round of one cell twice (a file concatenated with itself)", () => {
    const text = samplesCsv(a);
    expect(error(() => datasetFromSamplesCsv("x.csv", text + text)).problems).toEqual([
      { path: "x.csv: row 49", message: "round 0 of table @ xen:pv-guest-build repeats row 1 (the same file concatenated twice?)" },
    ]);
  });
});
