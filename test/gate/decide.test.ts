import { describe, expect, it } from "vitest";
import type { AssertionResult } from "../../src/gate/assert.js";
import { compareDatasets } from "../../src/gate/compare.js";
import { decide, OUTCOME_EXIT } from "../../src/gate/decide.js";
import { gateJunit, gateMarkdown, gateText } from "../../src/gate/report.js";
import { RESULTS_SCHEMA, type Dataset, type RunRecord } from "../../src/model/results.js";
import { fakeRun } from "../sweep/fake-run.js";

const dataset = (r: RunRecord): Dataset => ({ schema: RESULTS_SCHEMA, kind: "run", complete: true, runs: [r], sweep: null });
const run = (chain: number) => fakeRun({ strategies: ["table", "chain"], workloads: ["uniform"], cost: (s) => (s === "chain" ? chain : 9), control: 5 });
const assertion = (verdict: AssertionResult["verdict"]): AssertionResult => ({
  text: "chain <= table @ uniform",
  lhs: "chain",
  op: "<=",
  factor: 1,
  rhs: "table",
  workload: "uniform",
  tier: "turbofan",
  ratio: { value: 0.9, ciLow: 0.88, ciHigh: 0.92 },
  verdict,
  message: `chain <= table @ uniform: 0.90x [0.88, 0.92]: ${verdict}`,
  run: 0,
  machineId: "0123456789abcdef",
  engine: "node",
});

describe("decide", () => {
  it("maps outcomes to the documented exit codes", () => {
    expect(OUTCOME_EXIT).toEqual({ pass: 0, regression: 1, incomplete: 1, inconclusive: 3, incomparable: 4 });
  });
  it("passes an A/A comparison and a passing assertion", () => {
    expect(decide(compareDatasets(dataset(run(8)), dataset(run(8))), [assertion("pass")])).toMatchObject({ outcome: "pass", reasons: [] });
  });
  it("fails on a regressed cell or a failed assertion, and says which", () => {
    expect(decide(compareDatasets(dataset(run(8)), dataset(run(8.8))), [])).toMatchObject({
      outcome: "regression",
      reasons: ["regressed: synthetic:8 chain @ uniform"],
    });
    expect(decide(null, [assertion("fail")]).reasons).toEqual(["failed: chain <= table @ uniform: 0.90x [0.88, 0.92]: fail"]);
  });
  it("is inconclusive when a verdict is, and incomparable before that", () => {
    expect(decide(null, [assertion("inconclusive")]).outcome).toBe("inconclusive");
    const other = run(8);
    other.fingerprint = { ...other.fingerprint, machineId: "ffffffffffffffff" };
    expect(decide(compareDatasets(dataset(run(8)), dataset(other)), [assertion("inconclusive")]).outcome).toBe("incomparable");
  });
});

describe("gate outputs", () => {
  const g = decide(compareDatasets(dataset(run(8)), dataset(run(8.8))), [assertion("pass"), assertion("inconclusive")]);
  it("JUnit: one testcase per cell and per assertion, failures and skips counted", () => {
    const xml = gateJunit(g);
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="dispatch-lab gate" tests="4" failures="1" skipped="1">/);
    expect(xml).toContain('<testcase classname="synthetic:8.uniform" name="chain (turbofan)"><failure message="regressed: +10.0%');
    expect(xml).toContain('<testcase classname="assertions" name="chain &lt;= table @ uniform / turbofan"><skipped message=');
    expect((xml.match(/<testcase /g) ?? []).length).toBe(4);
  });
  it("Markdown: the headline, the reasons and a table row per cell", () => {
    const md = gateMarkdown(g);
    expect(md.split("\n")[0]).toBe("### dispatch-lab gate: REGRESSION (2 cells compared, threshold 5.0%, 2 assertions)");
    expect(md).toContain("- regressed: synthetic:8 chain @ uniform");
    expect(md).toMatch(/\| synthetic:8 \| uniform \| chain \| turbofan \| 3\.00 ns \| 3\.80 ns \| \+10\.0% \[/);
  });
  it("terminal: a table and the assertions", () => {
    const text = gateText(g);
    expect(text).toMatch(/^gate: REGRESSION/);
    expect(text).toContain("assert chain <= table @ uniform: 0.90x [0.88, 0.92]: pass");
  });
});
