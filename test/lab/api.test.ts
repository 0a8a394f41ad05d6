import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatRatio, verdictOf } from "../../src/gate/assert.js";
import * as lab from "../../src/lab.js";
import { RESULTS_SCHEMA, type Dataset } from "../../src/model/results.js";
import { fakeRun } from "../sweep/fake-run.js";

/** docs/api.md's example, as a user's project would run it (fewer samples: structure, not speed). */
describe("the library API (docs/api.md)", () => {
  it("exports the stages and the gate", () => {
    for (const name of [
      "emit",
      "check",
      "run",
      "sweep",
      "compare",
      "gate",
      "mergeDatasets",
      "readResults",
      "readResultsAt",
      "customSmallerIsBetter",
      "bencherBmf",
    ])
      expect(typeof (lab as Record<string, unknown>)[name], name).toBe("function");
  });

  it("runs a small matrix and asserts a within-run ratio, with the CI in the message", async () => {
    const { dataset } = await lab.run({
      spec: "xen:pv64",
      strategies: "table,xen,direct",
      workloads: "xen:pv-guest-build",
      samples: 6,
      processes: 1,
      cpu: 0,
      out: mkdtempSync(join(tmpdir(), "dispatch-lab-api-")),
    });
    const outcome = await lab.gate({ current: dataset, asserts: ["xen <= 1.05 * table @ xen:pv-guest-build"] });
    expect(outcome.assertions).toHaveLength(1);
    const a = outcome.assertions[0]!;
    // Which verdict a real run gets is the machine's; that it is the one its interval implies (6 rounds: enough to draw one) is the lab's.
    expect(a.verdict).toBe(verdictOf("<=", 1.05, a.ratio));
    expect(a.message).toBe(
      `xen <= 1.05 x table @ xen:pv-guest-build: ${formatRatio(a.ratio.value)}x [${formatRatio(a.ratio.ciLow)}, ${formatRatio(a.ratio.ciHigh)}]: ${a.verdict}`,
    );
    expect(outcome.exitCode).toBe({ pass: 0, fail: 1, inconclusive: 3 }[a.verdict]);
    // The same results against themselves: the rank test finds no difference, so nothing regressed or improved.
    expect(lab.compare(dataset, dataset).cells.filter((c) => c.verdict === "regressed" || c.verdict === "improved")).toEqual([]);
  }, 120_000);

  it("gives each verdict, and its exit code, where a hand-built run's interval puts it", async () => {
    // xen at 0.8x, 1.05x and 1.3x table, 20 quiet rounds: the CI lies below, around and above 1.05.
    const dataset = (xen: number): Dataset => ({
      schema: RESULTS_SCHEMA,
      kind: "run",
      complete: true,
      runs: [fakeRun({ strategies: ["table", "xen"], workloads: ["uniform"], cost: (s) => (s === "xen" ? xen : 10) })],
      sweep: null,
    });
    const verdicts = [];
    for (const xen of [8, 10.5, 13]) {
      const outcome = await lab.gate({ current: dataset(xen), asserts: ["xen <= 1.05 * table @ uniform"] });
      verdicts.push([outcome.assertions[0]!.verdict, outcome.exitCode]);
    }
    expect(verdicts).toEqual([
      ["pass", 0],
      ["inconclusive", 3],
      ["fail", 1],
    ]);
  });

  it("throws a LabError, never exits, on a user mistake", async () => {
    await expect(lab.gate({ current: join(tmpdir(), "no-such-results"), asserts: ["xen <= table @ uniform"] })).rejects.toBeInstanceOf(lab.LabError);
  });
});
