import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bencherBmf, customSmallerIsBetter, type BmfMetric, type CustomBenchmarkEntry } from "../../src/results/exporters/dashboards.js";
import { readResults } from "../../src/results/read.js";
import { RESULTS_SCHEMA, type CellSummary, type Dataset, type RunRecord, type RunConfig } from "../../src/model/results.js";
import type { Fingerprint } from "../../src/model/fingerprint.js";
import type { Tier } from "../../src/model/tiers.js";
import type { Summary } from "../../src/stats/summary.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/report/", import.meta.url));
const fixture = (name: string): Dataset => readResults(FIXTURES + name);

const summary = (median: number, ciLow: number, ciHigh: number, n = 6): Summary => ({
  n,
  median,
  mad: 0,
  mean: median,
  stddev: 0,
  min: ciLow,
  max: ciHigh,
  p5: ciLow,
  p95: ciHigh,
  ciLow,
  ciHigh,
  outliersLow: 0,
  outliersHigh: 0,
});

function cell(
  strategy: string,
  gross: [number, number, number] | null,
  net: [number, number, number] | null,
  ratio: [number, number, number] | null,
  workload = "uniform",
  tier: Tier = "turbofan",
): CellSummary {
  return {
    id: `${strategy}|${workload}|${tier}`,
    strategy,
    workload,
    tier,
    status: gross ? "ok" : "failed",
    error: gross ? null : "its process crashed",
    inconclusive: null,
    gross: gross && summary(...gross),
    net: net && { diff: net[0], ciLow: net[1], ciHigh: net[2], paired: true },
    ratio: ratio && { ratio: ratio[0], ciLow: ratio[1], ciHigh: ratio[2], paired: true },
    vsReference: null,
    precisionNsSqrtS: null,
    seconds: 0.06,
  };
}

/** reference (table), a strategy (chain), the control (direct) and a failed cell (xen), per workload and tier. */
function run(machineId: string, o: { spec?: string; workloads?: string[]; tiers?: Tier[] } = {}): RunRecord {
  const workloads = o.workloads ?? ["uniform"];
  const tiers = o.tiers ?? ["turbofan"];
  const config: RunConfig = {
    spec: "toy",
    strategies: ["table", "chain", "xen", "direct"],
    workloads,
    tiers,
    reference: "table",
    control: "direct",
    samples: 6,
    processes: 1,
    timeBudgetS: 10,
    seed: 1,
    targetSampleMs: 10,
    streamLength: 65536,
    cpu: 1,
    bodies: null,
  };
  const summaries = workloads.flatMap((w) =>
    tiers.flatMap((t) => [
      cell("table", [10, 9.5, 10.4], [5, 4.5, 5.5], [1, 1, 1], w, t),
      cell("chain", [8, 7.75, 8.5], [3, 2.5, 3.25], [0.8, 0.75, 0.85], w, t),
      cell("direct", [5, 4.9, 5.1], null, [0.5, 0.49, 0.51], w, t),
      cell("xen", null, null, null, w, t),
    ]),
  );
  return {
    complete: true,
    sessions: [],
    tool: {},
    fingerprint: { machineId } as Fingerprint,
    config,
    spec: { name: o.spec ?? "toy", hash: "ab".repeat(32), args: 1, fallback: "-1", handlers: [] },
    modules: {},
    workloads: {},
    cells: [],
    summaries,
  };
}

const dataset = (...runs: RunRecord[]): Dataset => ({ schema: RESULTS_SCHEMA, kind: runs.length > 1 ? "merge" : "run", complete: true, runs, sweep: null });

const gab = (d: Dataset): CustomBenchmarkEntry[] => JSON.parse(customSmallerIsBetter(d)) as CustomBenchmarkEntry[];
const bmf = (d: Dataset): Record<string, Record<string, BmfMetric>> => JSON.parse(bencherBmf(d)) as Record<string, Record<string, BmfMetric>>;

const M1 = "0123456789abcdef";
const M2 = "fedcba9876543210";

describe("customSmallerIsBetter", () => {
  it("net per non-control cell, ratio per non-reference cell; the control and failed cells left out", () => {
    const text = customSmallerIsBetter(dataset(run(M1)));
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    const tooltip = (gross: string, ratio: string) => `gross ${gross}\nratio to table ${ratio}\nmachine ${M1}\nsamples 6`;
    expect(JSON.parse(text)).toEqual([
      { name: "toy uniform table", unit: "ns/dispatch", value: 5, range: "± 0.5", extra: tooltip("10 ns [9.5, 10.4]", "1 [1, 1]") },
      { name: "toy uniform chain", unit: "ns/dispatch", value: 3, range: "± 0.375", extra: tooltip("8 ns [7.75, 8.5]", "0.8 [0.75, 0.85]") },
      { name: "toy uniform chain / table", unit: "x", value: 0.8, range: "± 0.05", extra: tooltip("8 ns [7.75, 8.5]", "0.8 [0.75, 0.85]") },
    ]);
  });

  it("names the tier when the run measured several", () => {
    expect(gab(dataset(run(M1, { tiers: ["turbofan", "liftoff"] }))).map((e) => e.name)).toEqual([
      "toy uniform table (turbofan)",
      "toy uniform chain (turbofan)",
      "toy uniform chain (turbofan) / table",
      "toy uniform table (liftoff)",
      "toy uniform chain (liftoff)",
      "toy uniform chain (liftoff) / table",
    ]);
  });

  it("results-a: 6 net and 4 ratio entries, valid JSON, no control", () => {
    const list = gab(fixture("results-a.json"));
    expect(list).toHaveLength(10);
    expect(list.filter((e) => e.unit === "ns/dispatch")).toHaveLength(6);
    expect(list.filter((e) => e.unit === "x").map((e) => e.name)).toEqual([
      "xen-pv64 xen:pv-guest-build chain / table",
      "xen-pv64 xen:pv-guest-build xen / table",
      "xen-pv64 uniform chain / table",
      "xen-pv64 uniform xen / table",
    ]);
    expect(list.some((e) => / direct\b/.test(e.name))).toBe(false);
    expect(list[0]).toEqual({
      name: "xen-pv64 xen:pv-guest-build table",
      unit: "ns/dispatch",
      value: 5.631108997486255,
      range: "± 2.54",
      extra: "gross 10.8 ns [10.7, 11.4]\nratio to table 1 [1, 1]\nmachine 34923ec707c88d9f\nsamples 6",
    });
  });

  it("sweep-crossover: runs of distinct specs keep bare names", () => {
    const list = gab(fixture("sweep-crossover.json"));
    expect(list).toHaveLength(18);
    expect(list.some((e) => e.name.startsWith("["))).toBe(false);
  });
});

describe("name collisions across runs", () => {
  it("two machines, same spec (results-a + results-b): every name gets its machine prefix", () => {
    const d = dataset(fixture("results-a.json").runs[0]!, fixture("results-b.json").runs[0]!);
    const names = gab(d).map((e) => e.name);
    expect(names).toHaveLength(20);
    expect(new Set(names).size).toBe(20);
    expect(names.filter((n) => n.startsWith("[34923ec7] "))).toHaveLength(10);
    expect(names.filter((n) => n.startsWith("[b0b0b0b0] "))).toHaveLength(10);
    expect(names).toContain("[b0b0b0b0] xen-pv64 uniform xen / table");
    expect(Object.keys(bmf(d))).toEqual(names.filter((n) => !n.endsWith(" / table")));
  });

  it("only the names that would collide get the prefix", () => {
    const names = gab(dataset(run(M1), run(M2, { workloads: ["uniform", "zipf:1"] }))).map((e) => e.name);
    expect(names).toEqual([
      "[01234567] toy uniform table",
      "[01234567] toy uniform chain",
      "[01234567] toy uniform chain / table",
      "[fedcba98] toy uniform table",
      "[fedcba98] toy uniform chain",
      "[fedcba98] toy uniform chain / table",
      "toy zipf:1 table",
      "toy zipf:1 chain",
      "toy zipf:1 chain / table",
    ]);
  });

  it("the same machine twice: the run index tells them apart", () => {
    const names = Object.keys(bmf(dataset(run(M1), run(M1))));
    expect(names).toEqual([
      "[01234567 #0] toy uniform table",
      "[01234567 #0] toy uniform chain",
      "[01234567 #1] toy uniform table",
      "[01234567 #1] toy uniform chain",
    ]);
  });

  it("every fixture gives unique names", () => {
    for (const f of readdirSync(FIXTURES).filter((x) => x.endsWith(".json"))) {
      const names = gab(fixture(f)).map((e) => e.name);
      expect(new Set(names).size, f).toBe(names.length);
      expect(names.length, f).toBeGreaterThan(0);
    }
  });
});

describe("bencherBmf", () => {
  it("latency (net), gross-latency and ratio-to-reference with their CIs; the control and failed cells left out", () => {
    const text = bencherBmf(dataset(run(M1)));
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect(JSON.parse(text)).toEqual({
      "toy uniform table": {
        latency: { value: 5, lower_value: 4.5, upper_value: 5.5 },
        "gross-latency": { value: 10, lower_value: 9.5, upper_value: 10.4 },
      },
      "toy uniform chain": {
        latency: { value: 3, lower_value: 2.5, upper_value: 3.25 },
        "gross-latency": { value: 8, lower_value: 7.75, upper_value: 8.5 },
        "ratio-to-reference": { value: 0.8, lower_value: 0.75, upper_value: 0.85 },
      },
    });
  });

  it("the real fixtures: one benchmark per non-control cell, same names as customSmallerIsBetter", () => {
    const a = bmf(fixture("results-a.json"));
    expect(Object.keys(a)).toHaveLength(6);
    expect(a["xen-pv64 uniform xen"]).toEqual({
      latency: { value: 18.733093825467115, lower_value: 18.267514609350947, upper_value: 18.92790695716595 },
      "gross-latency": { value: 24.40194811139788, lower_value: expect.any(Number), upper_value: expect.any(Number) },
      "ratio-to-reference": { value: 1.307838298818685, lower_value: 1.2801313489543769, upper_value: 1.3302407048713882 },
    });
    const sweep = fixture("sweep-crossover.json");
    expect(Object.keys(bmf(sweep))).toEqual(
      gab(sweep)
        .filter((e) => e.unit === "ns/dispatch")
        .map((e) => e.name),
    );
    expect(Object.keys(bmf(sweep))).toHaveLength(12);
  });
});

describe("dashboards of a run in several engines", () => {
  it("every cell keeps a name of its own: the engine is in it", () => {
    const d = readResults(fileURLToPath(new URL("../report/fixtures/engines.json", import.meta.url)));
    const names = (JSON.parse(customSmallerIsBetter(d)) as CustomBenchmarkEntry[]).map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("xen-pv64 uniform chain (bun)");
    expect(Object.keys(JSON.parse(bencherBmf(d)) as Record<string, BmfMetric>)).toContain("xen-pv64 uniform chain (node@24)");
  });
});
