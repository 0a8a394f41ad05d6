import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { summarizeRun } from "../../src/results/answers.js";
import { RESULTS_SCHEMA, type Dataset } from "../../src/model/results.js";
import { fakeRun } from "../sweep/fake-run.js";

const BIN = join(import.meta.dirname, "..", "..", "dist", "src", "cli", "main.js");
const FIX = join(import.meta.dirname, "..", "fixtures", "report");
const A = join(FIX, "results-a.json");
const B = join(FIX, "results-b.json");
const tmp = () => mkdtempSync(join(tmpdir(), "dispatch-lab-gate-"));

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 120_000, env: { ...process.env, CI: "true", GITHUB_STEP_SUMMARY: "", ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/**
 * A hand-built run (20 rounds, little noise: verdicts are certain) with
 * chain costing `chain` ns; 8.8 against 8 is a 10% slower call.
 */
function quiet(chain: number): string {
  const run = fakeRun({ spec: "xen:pv64", strategies: ["table", "chain"], workloads: ["uniform"], cost: (s) => (s === "chain" ? chain : 9), control: 5 });
  const file = join(tmp(), "results.json");
  writeFileSync(file, JSON.stringify({ schema: RESULTS_SCHEMA, kind: "run", complete: true, runs: [run], sweep: null }));
  return file;
}

describe("dispatch-lab merge", () => {
  it("merges two machines into one dataset with machines.csv, idempotently", () => {
    const out = tmp();
    const r = cli(["merge", A, B, A, "--out", out]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("merged 2 runs from 2 machines (1 duplicate run dropped)");
    expect(readFileSync(join(out, "machines.csv"), "utf8").trim().split("\n")).toHaveLength(3);
    const again = tmp();
    expect(cli(["merge", out, A, "--out", again]).code).toBe(0);
    expect(readFileSync(join(again, "results.json"), "utf8")).toBe(readFileSync(join(out, "results.json"), "utf8"));
  });

  it("exits 2 on a bad input and writes nothing", () => {
    const out = tmp();
    const bad = join(tmp(), "bad.json");
    writeFileSync(bad, "{ not json");
    const r = cli(["merge", A, bad, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${bad}: not valid JSON`);
    expect(existsSync(join(out, "results.json"))).toBe(false);
  });
});

describe("dispatch-lab compare", () => {
  it("refuses two machines (exit 4) unless --cross-machine", () => {
    const r = cli(["compare", A, B]);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/machine mismatch: base ran on 34923ec707c88d9f, current on b0b0b0b0b0b0b0b0/);
    const x = cli(["compare", A, B, "--cross-machine"]);
    expect(x.code).toBe(0);
    expect(x.out).toMatch(/^compare: \(6 cells compared, threshold 5\.0%, 0 assertions\)/);
  });

  it("finds a 10% slower call", () => {
    const r = cli(["compare", quiet(8), quiet(8.8), "--json"]);
    expect(r.code).toBe(0);
    const cells = (JSON.parse(r.out) as { cells: { strategy: string; verdict: string }[] }).cells;
    expect(cells.map((c) => [c.strategy, c.verdict])).toEqual([
      ["table", "unchanged"],
      ["chain", "regressed"],
    ]);
  });
});

describe("dispatch-lab gate", () => {
  it("exit 1 on a regression, with JUnit, Markdown and the step summary written", () => {
    const dir = tmp();
    const summary = join(dir, "summary.md");
    const r = cli(["gate", "--baseline", quiet(8), "--current", quiet(8.8), "--junit", join(dir, "junit.xml"), "--markdown", join(dir, "gate.md"), "--export-benchmark", join(dir, "bench.json"), "--export-bmf", join(dir, "bmf.json")], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^gate: REGRESSION/);
    expect(r.out).toContain("regressed: xen:pv64 chain @ uniform");
    expect(readFileSync(join(dir, "junit.xml"), "utf8")).toContain("<failure ");
    expect(readFileSync(summary, "utf8")).toBe(readFileSync(join(dir, "gate.md"), "utf8") + "\n");
    expect(JSON.parse(readFileSync(join(dir, "bench.json"), "utf8"))[0]).toMatchObject({ unit: "ns/dispatch" });
    expect(Object.keys(JSON.parse(readFileSync(join(dir, "bmf.json"), "utf8")))).toContain("xen:pv64 uniform chain");
  });

  it("exit 0 on the same results, 3 when 6 samples cannot decide at 5%, 4 against another machine", () => {
    expect(cli(["gate", "--baseline", quiet(8), "--current", quiet(8)]).code).toBe(0);
    expect(cli(["gate", "--baseline", A, "--current", A]).code).toBe(3);
    expect(cli(["gate", "--baseline", A, "--current", B]).code).toBe(4);
  });

  it("assertions alone: 0 when they hold, 1 when one fails, 3 when one straddles", () => {
    expect(cli(["gate", "--current", A, "--assert", "chain < table @ xen:pv-guest-build"]).code).toBe(0);
    expect(cli(["gate", "--current", A, "--assert", "xen <= table @ uniform"]).code).toBe(1);
    expect(cli(["gate", "--current", A, "--assert", "xen <= 1.05 * table @ xen:pv-guest-build"]).code).toBe(3);
  });

  it("--confirm re-measures the suspect cells in a fresh run before deciding", () => {
    const current = tmp();
    expect(cli(["run", "--spec", "synthetic:6,levels=2", "--strategies", "table,chain,direct", "--workloads", "uniform", "--samples", "6", "--processes", "1", "--cpu", "0", "--out", current]).code).toBe(0);
    // A baseline in which chain's call took 30% of the time: chain is a suspect, and a re-measurement on a busy machine still confirms it.
    const d = JSON.parse(readFileSync(join(current, "results.json"), "utf8")) as Dataset;
    for (const c of d.runs[0]!.cells) if (c.strategy === "chain") for (const s of c.samples) [s.ns, s.nsPerDispatch] = [s.ns * 0.3, s.nsPerDispatch * 0.3];
    summarizeRun(d.runs[0]!); // the reader holds a complete run's statistics to its samples
    const baseline = join(tmp(), "results.json");
    writeFileSync(baseline, JSON.stringify(d));
    const r = cli(["gate", "--baseline", baseline, "--current", current, "--confirm", "--confirm-budget", "6", "--cpu", "0"]);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toMatch(/^re-measured: .*synthetic-6,levels=2 chain @ uniform/m);
    expect(r.code, r.out).toBe(1);
  });

  it("exit 2 with a clear message: an unknown strategy, a bad expression, nothing to gate on, a bad results file", () => {
    const unknown = cli(["gate", "--current", A, "--assert", "brtable <= table @ uniform"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('--assert: "brtable <= table @ uniform": unknown strategy "brtable": did you mean "table"? the results measured table, chain, xen, direct');
    expect(cli(["gate", "--current", A, "--assert", "xen =< table @ uniform"]).err).toMatch(/unknown operator "=<"/);
    expect(cli(["gate", "--current", A]).err).toMatch(/nothing to gate on/);
    const other = join(tmp(), "results.json");
    writeFileSync(other, JSON.stringify({ schema: "dispatch-lab/results@9" }));
    const schema = cli(["gate", "--current", other, "--assert", "xen <= table @ uniform"]);
    expect(schema.code).toBe(2);
    expect(schema.err).toContain('schema "dispatch-lab/results@9" is not dispatch-lab/results@2');
    expect(cli(["gate", "--current", join(tmp(), "missing"), "--assert", "xen <= table @ uniform"]).code).toBe(2);
    for (const r of [unknown, schema]) expect(r.err).not.toMatch(/\n\s+at /);
  });
});
