import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SAMPLE_COLUMNS, SUMMARY_COLUMNS } from "../../src/results/exporters/csv.js";
import { readResultsAt } from "../../src/results/read.js";
import type { Dataset, RunRecord } from "../../src/model/results.js";
import { BIN, cli, spawnCli } from "../cli-harness.js";

const tmp = () => mkdtempSync(join(tmpdir(), "dispatch-lab-run-"));
/** 6 cells (the control among them), one process each: the smallest run with a sentence per workload. */
const TINY_RUN = [
  "run",
  "--spec",
  "synthetic:6,levels=2",
  "--strategies",
  "table,xen,direct",
  "--workloads",
  "uniform,fixed:hottest",
  "--processes",
  "1",
  "--cpu",
  "0",
];

const readDataset = (dir: string) => JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as Dataset;
const readJson = (dir: string): RunRecord => readDataset(dir).runs[0]!;

describe("dispatch-lab run (end to end, tiny budget)", () => {
  it("writes results.json, samples.csv, summary.csv and prints the table and one sentence per workload", () => {
    const out = tmp();
    const r = spawnCli([...TINY_RUN, "--samples", "6", "--out", out]);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/workload\s+strategy\s+net ns\/dispatch \[95% CI\]\s+whole call vs table \[95% CI\]\s+note/);
    expect(r.out).toMatch(/^uniform: xen's whole call is \d+\.\d\dx table's \[/m);
    expect(r.out).toMatch(/^fixed:hottest: /m);
    expect(r.err).toContain("[dispatch-lab] measured rounds 6/6");
    expect(readDataset(out)).toMatchObject({ schema: "dispatch-lab/results@2", kind: "run", complete: true, sweep: null });
    const results = readJson(out);
    expect(results.complete).toBe(true);
    expect(results.cells).toHaveLength(6);
    expect(results.cells.every((c) => c.samples.length === 6 && c.status === "ok")).toBe(true);
    expect(results.summaries.find((s) => s.strategy === "xen" && s.workload === "uniform")).toMatchObject({
      net: expect.any(Object),
      ratio: expect.any(Object),
    });
    expect(results.fingerprint.machineId).toMatch(/^[0-9a-f]{16}$/);
    // Cells measure on --cpu 0; the runner lives on the staging CPU (1), off the measuring one, where there is one.
    expect(results.sessions[0]!.pinning).toMatchObject({ cpu: cpus().length > 1 ? 1 : 0 });
    expect(results.cells.every((c) => c.pinning?.cpu === 0)).toBe(true);
    expect(results.sessions[0]!.sampledS).toBeCloseTo(
      results.cells.reduce((t, c) => t + c.seconds, 0),
      6,
    );
    expect(results.modules["xen"]!.audit.violations).toEqual([]);
    const samples = readFileSync(join(out, "samples.csv"), "utf8").trim().split("\n");
    expect(samples[0]).toBe(SAMPLE_COLUMNS.join(","));
    expect(samples).toHaveLength(1 + 6 * 6);
    const summary = readFileSync(join(out, "summary.csv"), "utf8").trim().split("\n");
    expect(summary[0]).toBe(SUMMARY_COLUMNS.join(","));
    expect(summary).toHaveLength(1 + 6);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain('data-chart="bars"');
    expect(r.out).toContain(join(out, "report.html"));
  });

  it("CSV columns are pinned (a change is a schema change: update docs/results.md)", () => {
    expect(SAMPLE_COLUMNS).toMatchInlineSnapshot(`
      [
        "machine_id",
        "cpu_model",
        "node_version",
        "v8_version",
        "spec",
        "spec_hash",
        "run_started_at",
        "strategy",
        "workload",
        "tier",
        "engine",
        "engine_version",
        "engine_vm",
        "inlining",
        "round",
        "session",
        "segment",
        "dispatches",
        "sample_ns",
        "ns_per_dispatch",
      ]
    `);
    expect(SUMMARY_COLUMNS.join(",")).toMatchInlineSnapshot(
      `"machine_id,cpu_model,node_version,v8_version,spec,spec_hash,run_started_at,strategy,workload,tier,engine,engine_version,engine_vm,inlining,status,samples,gross_ns_per_dispatch,gross_ci_low_ns,gross_ci_high_ns,gross_mad_ns,gross_mean_ns,gross_stddev_ns,gross_min_ns,gross_p5_ns,gross_p95_ns,outliers_low,outliers_high,net_ns_per_dispatch,net_ci_low_ns,net_ci_high_ns,reference,ratio_to_reference,ratio_ci_low,ratio_ci_high,vs_reference_ns,vs_reference_ci_low_ns,vs_reference_ci_high_ns,inconclusive,precision_ns_sqrt_s,seconds_measured,error"`,
    );
  });

  it("a run killed midway leaves valid files; --resume completes it", async () => {
    const out = tmp();
    // Two cells: rounds are quick, and 40 of them leave time to kill the run midway.
    const run = [
      "run",
      "--spec",
      "synthetic:6,levels=2",
      "--strategies",
      "table,direct",
      "--workloads",
      "uniform",
      "--processes",
      "1",
      "--cpu",
      "0",
      "--samples",
      "40",
      "--out",
      out,
    ];
    const child = spawn(process.execPath, [BIN, ...run], { stdio: "ignore", env: { ...process.env, CI: "true" } });
    // Kill it once some round has been written.
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (existsSync(join(out, "results.json")) && readJson(out).cells.some((c) => c.samples.length >= 2)) break;
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const partial = readJson(out);
    expect(partial.complete).toBe(false);
    const before = partial.cells.reduce((n, c) => n + c.samples.length, 0);
    expect(before).toBeGreaterThan(0);
    expect(readFileSync(join(out, "samples.csv"), "utf8").trim().split("\n").length).toBeGreaterThan(1);

    const r = await cli(["run", "--resume", "--out", out]);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const done = readJson(out);
    expect(done.complete).toBe(true);
    expect(done.sessions).toHaveLength(2);
    expect(done.cells.every((c) => c.samples.length === 40)).toBe(true);
    expect(done.cells.some((c) => c.samples.some((s) => s.session === 1))).toBe(true);
    // Every sample of a cell times the batch its first process calibrated, so the CSV reads back whole.
    for (const c of done.cells) expect(c.ready!.reps, c.id).toBe(partial.cells.find((p) => p.id === c.id)!.ready?.reps ?? c.ready!.reps);
    expect(readResultsAt(join(out, "samples.csv")).runs[0]!.cells.reduce((n, c) => n + c.samples.length, 0)).toBe(done.cells.length * 40);
    expect((await cli(["run", "--resume", "--out", out])).err).toContain("this run is already complete");
  });

  it("bad input: exit 2 before anything runs", async () => {
    const out = tmp();
    expect((await cli([...TINY_RUN, "--workloads", "nope", "--out", out])).code).toBe(2);
    expect((await cli([...TINY_RUN, "--tiers", "fast", "--out", out])).err).toContain('unknown tier "fast"');
    expect((await cli([...TINY_RUN, "--reference", "switch", "--out", out])).err).toContain('"switch" is not among the strategies run');
    expect((await cli(["run", "--resume", "--out", out])).err).toContain(`no run in ${out}: start one with dispatch-lab run --out ${out}`);
    expect((await cli([...TINY_RUN, "--cpu", "999", "--out", out])).err).toContain("999 is not a CPU this process may use");
    expect(existsSync(join(out, "results.json"))).toBe(false);
  });
});
