import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { machinesCsv } from "../../src/results/exporters/machines.js";
import { mergeDatasets } from "../../src/results/merge.js";
import { readResults } from "../../src/results/read.js";
import type { Dataset, RunRecord } from "../../src/model/results.js";
import { labError as error } from "../spec/helpers.js";

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
    const [header, ...rows] = machinesCsv(mergeDatasets([a, b, body]).dataset)
      .trim()
      .split("\n");
    expect(header!.split(",").slice(0, 17)).toEqual([
      "machine_id",
      "cpu_vendor",
      "cpu_model",
      "family",
      "model_number",
      "stepping",
      "microcode",
      "logical_cores",
      "physical_cores",
      "smt",
      "virtualization",
      "kernel_release",
      "os",
      "node_version",
      "v8_version",
      "runs",
      "specs",
    ]);
    expect(header).toContain("mitigation_spectre_v2");
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.startsWith("34923ec707c88d9f"))).toMatch(/,4,xen-pv64 xen-pv64\+body=alu:0 xen-pv64\+body=alu:1000 xen-pv64\+body=alu:100,|,4,/);
  });
});

/** An interrupted run (its first `rounds` rounds, one session) and its resumed version (every round, a second session). */
function interruptedAndResumed(rounds: number): { interrupted: Dataset; resumed: Dataset } {
  const run = b.runs[0]!;
  const second = { startedAt: "2026-11-26T15:20:00.000Z", finishedAt: "2026-11-26T15:20:05.000Z", pinning: run.sessions[0]!.pinning };
  const resumed: RunRecord = { ...run, sessions: [...run.sessions, second] };
  const interrupted: RunRecord = { ...run, complete: false, cells: run.cells.map((c) => ({ ...c, samples: c.samples.filter((s) => s.round < rounds) })) };
  const one = (r: RunRecord): Dataset => ({ ...b, complete: r.complete, runs: [r] });
  return { interrupted: one(interrupted), resumed: one(resumed) };
}

describe("mergeDatasets: two copies of one run", () => {
  it("keeps the resumed copy over the interrupted one, in either order, and reports it", () => {
    const { interrupted, resumed } = interruptedAndResumed(2);
    for (const [inputs, names] of [
      [
        [interrupted, resumed],
        ["old/", "new/"],
      ],
      [
        [resumed, interrupted],
        ["new/", "old/"],
      ],
    ] as const) {
      const { dataset, duplicates, replaced } = mergeDatasets(inputs, names);
      expect(dataset.runs).toHaveLength(1);
      expect(dataset.runs[0]).toBe(resumed.runs[0]);
      expect(duplicates).toBe(0);
      expect(replaced).toEqual([
        {
          machineId: "b0b0b0b0b0b0b0b0",
          spec: "xen-pv64",
          startedAt: b.runs[0]!.sessions[0]!.startedAt,
          kept: { input: "new/", run: 0, label: "new/", samples: 48, sessions: 2, complete: true },
          dropped: { input: "old/", run: 0, label: "old/", samples: 16, sessions: 1, complete: false },
        },
      ]);
    }
  });

  it("refuses two copies where neither continues the other, naming both", () => {
    const { resumed } = interruptedAndResumed(2);
    const run = resumed.runs[0]!;
    const edited: RunRecord = {
      ...run,
      cells: run.cells.map((c, i) => (i === 0 ? { ...c, samples: c.samples.map((s) => ({ ...s, nsPerDispatch: s.nsPerDispatch * 1.01 })) } : c)),
    };
    const e = error(() => mergeDatasets([resumed, { ...resumed, runs: [edited] }, a], ["x/", "y/", "a/"]));
    expect(e.code).toBe("results-invalid");
    expect(e.problems[0]!.path).toBe("x/ and y/");
    expect(e.problems[0]!.message).toMatch(
      /^hold one run \(machine b0b0b0b0b0b0b0b0, spec xen-pv64, started .*\) in two copies that differ, and neither continues the other/,
    );
  });

  it("labels a run of a many-run input by its index", () => {
    const { interrupted, resumed } = interruptedAndResumed(3);
    const both: Dataset = { ...a, kind: "merge", runs: [a.runs[0]!, interrupted.runs[0]!] };
    expect(mergeDatasets([both, resumed], ["m/", "r/"]).replaced[0]!.dropped.label).toBe("m/ (runs[1])");
  });
});

describe("machines.csv with hostile text", () => {
  it("neutralises formula-like cells, as samples.csv and summary.csv do", () => {
    const d = readResults(join(import.meta.dirname, "..", "fixtures", "report", "results-a.json"));
    const run = d.runs[0]!;
    const hostile = {
      ...d,
      runs: [
        {
          ...run,
          spec: { ...run.spec, name: '=HYPERLINK("http://x")' },
          fingerprint: { ...run.fingerprint, cpu: { ...run.fingerprint.cpu, model: "+cmd|calc" } },
        },
      ],
    };
    const csv = machinesCsv(hostile);
    expect(csv).toContain(`'+cmd|calc`);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).not.toMatch(/(^|,)[=+]/m);
  });
});
