import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RESULTS_SCHEMA, type RunRecord } from "../../src/model/results.js";
import { collectFingerprint } from "../../src/run/fingerprint.js";
import { loadSpec, specHash } from "../../src/spec/load.js";
import { cli, spawnCli } from "../cli-harness.js";
import { fakeRun } from "../sweep/fake-run.js";

const FIX = join(import.meta.dirname, "..", "fixtures", "report");
const A = join(FIX, "results-a.json");
const B = join(FIX, "results-b.json");
const tmp = () => mkdtempSync(join(tmpdir(), "dispatch-lab-gate-"));

function write(run: RunRecord): string {
  const file = join(tmp(), "results.json");
  writeFileSync(file, JSON.stringify({ schema: RESULTS_SCHEMA, kind: "run", complete: true, runs: [run], sweep: null }));
  return file;
}

/**
 * A hand-built run (20 rounds, little noise: verdicts are certain) with
 * chain costing `chain` ns; 8.8 against 8 is a 10% slower call.
 */
const quiet = (chain: number): string =>
  write(fakeRun({ spec: "xen:pv64", strategies: ["table", "chain"], workloads: ["uniform"], cost: (s) => (s === "chain" ? chain : 9), control: 5 }));

/**
 * A hand-built run of a spec that loads here, on this machine (--confirm
 * re-measures it here): table and the control cost 1000 ns, chain `chain`.
 */
function onThisMachine(spec: string, chain: number): string {
  const run = fakeRun({ spec, strategies: ["table", "chain"], workloads: ["uniform"], cost: (s) => (s === "chain" ? chain : 1000), control: 1000 });
  const loaded = loadSpec(spec);
  return write({ ...run, fingerprint: collectFingerprint(), spec: { ...run.spec, name: loaded.name, hash: specHash(loaded) } });
}

describe("dispatch-lab merge", () => {
  it("merges two machines into one dataset with machines.csv, idempotently", async () => {
    const out = tmp();
    const r = spawnCli(["merge", A, B, A, "--out", out]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("merged 2 runs from 2 machines (1 duplicate run dropped)");
    expect(readFileSync(join(out, "machines.csv"), "utf8").trim().split("\n")).toHaveLength(3);
    const again = tmp();
    expect((await cli(["merge", out, A, "--out", again])).code).toBe(0);
    expect(readFileSync(join(again, "results.json"), "utf8")).toBe(readFileSync(join(out, "results.json"), "utf8"));
  });

  it("claims --out as run does: a folder holding results is refused unless --force", async () => {
    const out = tmp();
    expect((await cli(["merge", A, "--out", out])).code).toBe(0);
    const again = await cli(["merge", B, "--out", out]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already holds a run .*\nfix: replace this one with --force/);
    expect(readFileSync(join(out, "results.json"), "utf8")).toContain(JSON.parse(readFileSync(A, "utf8")).fingerprint.machineId);
    expect((await cli(["merge", B, "--out", out, "--force"])).code).toBe(0);
  });

  it("exits 2 on a bad input and writes nothing", async () => {
    const out = tmp();
    const bad = join(tmp(), "bad.json");
    writeFileSync(bad, "{ not json");
    const r = await cli(["merge", A, bad, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${bad}: not valid JSON`);
    expect(existsSync(join(out, "results.json"))).toBe(false);
  });
});

describe("dispatch-lab compare", () => {
  it("refuses two machines (exit 4) unless --cross-machine", async () => {
    const r = await cli(["compare", A, B]);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/machine mismatch: base ran on 34923ec707c88d9f, current on b0b0b0b0b0b0b0b0/);
    const x = await cli(["compare", A, B, "--cross-machine"]);
    expect(x.code).toBe(0);
    expect(x.out).toMatch(/^compare: 6 cells compared, threshold 5\.0%(: |$)/m);
  });

  it("finds a 10% slower call", () => {
    const r = spawnCli(["compare", quiet(8), quiet(8.8), "--json"]);
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
    const r = spawnCli(
      [
        "gate",
        "--baseline",
        quiet(8),
        "--current",
        quiet(8.8),
        "--junit",
        join(dir, "junit.xml"),
        "--markdown",
        join(dir, "gate.md"),
        "--export-benchmark",
        join(dir, "bench.json"),
        "--export-bmf",
        join(dir, "bmf.json"),
      ],
      { GITHUB_STEP_SUMMARY: summary },
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^gate: REGRESSION/);
    expect(r.out).toContain("regressed: xen:pv64 chain @ uniform");
    expect(readFileSync(join(dir, "junit.xml"), "utf8")).toContain("<failure ");
    expect(readFileSync(summary, "utf8")).toBe(`${readFileSync(join(dir, "gate.md"), "utf8")}\n`);
    expect(JSON.parse(readFileSync(join(dir, "bench.json"), "utf8"))[0]).toMatchObject({ unit: "ns/dispatch" });
    expect(Object.keys(JSON.parse(readFileSync(join(dir, "bmf.json"), "utf8")))).toContain("xen:pv64 uniform chain");
  });

  it("exit 0 on the same results, 3 when 6 samples cannot decide at 5%, 4 against another machine", async () => {
    expect((await cli(["gate", "--baseline", quiet(8), "--current", quiet(8)])).code).toBe(0);
    expect((await cli(["gate", "--baseline", A, "--current", A])).code).toBe(3);
    expect((await cli(["gate", "--baseline", A, "--current", B])).code).toBe(4);
  });

  it("assertions alone: 0 when they hold, 1 when one fails, 3 when one straddles", async () => {
    expect((await cli(["gate", "--current", A, "--assert", "chain < table @ xen:pv-guest-build"])).code).toBe(0);
    expect((await cli(["gate", "--current", A, "--assert", "xen <= table @ uniform"])).code).toBe(1);
    expect((await cli(["gate", "--current", A, "--assert", "xen <= 1.05 * table @ xen:pv-guest-build"])).code).toBe(3);
  });

  it("--confirm re-measures the suspect cells in a fresh run before deciding", async () => {
    // A baseline whose chain took 1 ns against a 1000-ns control, a net no real measurement comes near: chain is a suspect and stays
    // regressed whether the fresh run confirms it or, on a busy machine, gets too few rounds to compare (the first verdict then stands).
    const spec = "synthetic:6,levels=2";
    const r = await cli([
      "gate",
      "--baseline",
      onThisMachine(spec, 1),
      "--current",
      onThisMachine(spec, 1000),
      "--confirm",
      "--confirm-budget",
      "4",
      "--cpu",
      "0",
    ]);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toMatch(/^re-measured: synthetic-6,levels=2 chain @ uniform$/m);
    expect(r.code, r.out).toBe(1);
  });

  it("exit 2 with a clear message: an unknown strategy, a bad expression, nothing to gate on, a bad results file", async () => {
    const unknown = await cli(["gate", "--current", A, "--assert", "brtable <= table @ uniform"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(
      '--assert: "brtable <= table @ uniform": unknown strategy "brtable": did you mean "table"? the results measured table, chain, xen, direct',
    );
    expect((await cli(["gate", "--current", A, "--assert", "xen =< table @ uniform"])).err).toMatch(/unknown operator "=<"/);
    expect((await cli(["gate", "--current", A])).err).toMatch(/nothing to gate on/);
    const other = join(tmp(), "results.json");
    writeFileSync(other, JSON.stringify({ schema: "dispatch-lab/results@9" }));
    const schema = await cli(["gate", "--current", other, "--assert", "xen <= table @ uniform"]);
    expect(schema.code).toBe(2);
    expect(schema.err).toContain('schema "dispatch-lab/results@9" is not dispatch-lab/results@2');
    expect((await cli(["gate", "--current", join(tmp(), "missing"), "--assert", "xen <= table @ uniform"])).code).toBe(2);
    for (const r of [unknown, schema]) expect(r.err).not.toMatch(/\n\s+at /);
  });
});
