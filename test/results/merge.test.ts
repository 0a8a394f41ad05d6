import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { machinesCsv } from "../../src/results/exporters/machines.js";
import { mergeDatasets } from "../../src/results/merge.js";
import { readResults } from "../../src/results/read.js";

const fixture = (name: string) => readResults(fileURLToPath(new URL(`../fixtures/report/${name}`, import.meta.url)));
const a = fixture("results-a.json");
const b = fixture("results-b.json");
const body = fixture("sweep-body.json");

describe("mergeDatasets", () => {
  it("keeps every run whole, keyed by machine, sorted by spec then machine", () => {
    const { dataset } = mergeDatasets([b, a]);
    expect(dataset).toMatchObject({ schema: "dispatch-lab/results@2", kind: "merge", sweep: null });
    expect(dataset.runs.map((r) => r.fingerprint.machineId)).toEqual(["34923ec707c88d9f", "b0b0b0b0b0b0b0b0"]);
    expect(dataset.runs[0]).toBe(a.runs[0]);
  });

  it("is idempotent: the same run twice is kept once, and a merge of a merge changes nothing", () => {
    const once = mergeDatasets([a, b]);
    const twice = mergeDatasets([a, b, a, once.dataset]);
    expect(twice.duplicates).toBe(3);
    expect(twice.dataset).toEqual(once.dataset);
  });

  it("keeps runs of different specs apart and lists them", () => {
    const { specGroups } = mergeDatasets([a, b, body]);
    expect(specGroups.map((g) => [g.spec, g.runs, g.machines.length])).toEqual([
      ["xen-pv64+body=alu:1000", 1, 1],
      ["xen-pv64+body=alu:0", 1, 1],
      ["xen-pv64+body=alu:100", 1, 1],
      ["xen-pv64", 2, 2],
    ]);
  });
});

describe("machines.csv", () => {
  it("has one row per machine with its fingerprint and every mitigation file", () => {
    const [header, ...rows] = machinesCsv(mergeDatasets([a, b, body]).dataset).trim().split("\n");
    expect(header!.split(",").slice(0, 17)).toEqual(["machine_id", "cpu_vendor", "cpu_model", "family", "model_number", "stepping", "microcode", "logical_cores", "physical_cores", "smt", "virtualization", "kernel_release", "os", "node_version", "v8_version", "runs", "specs"]);
    expect(header).toContain("mitigation_spectre_v2");
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.startsWith("34923ec707c88d9f"))).toMatch(/,4,xen-pv64 xen-pv64\+body=alu:0 xen-pv64\+body=alu:1000 xen-pv64\+body=alu:100,|,4,/);
  });
});
