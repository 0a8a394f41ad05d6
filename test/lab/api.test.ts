import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as lab from "../../src/lab.js";

/** docs/api.md's example, as a user's project would run it (fewer samples: structure, not speed). */
describe("the library API (docs/api.md)", () => {
  it("exports the stages and the gate", () => {
    for (const name of ["emit", "check", "run", "sweep", "compare", "gate", "mergeDatasets", "readResults", "readResultsAt", "customSmallerIsBetter", "bencherBmf"]) expect(typeof (lab as Record<string, unknown>)[name], name).toBe("function");
  });

  it("runs a small matrix and asserts a within-run ratio, with the CI in the message", async () => {
    const { dataset } = await lab.run({ spec: "xen:pv64", strategies: "table,xen,direct", workloads: "xen:pv-guest-build", samples: 6, processes: 1, cpu: 0, out: mkdtempSync(join(tmpdir(), "dispatch-lab-api-")) });
    const outcome = await lab.gate({ current: dataset, asserts: ["xen <= 1.05 * table @ xen:pv-guest-build"] });
    expect(outcome.assertions).toHaveLength(1);
    const a = outcome.assertions[0]!;
    expect(a.message).toMatch(/^xen <= 1\.05 x table @ xen:pv-guest-build: \d+\.\d+x \[\d+\.\d+, \d+\.\d+\]: (pass|fail|inconclusive)( \(too few samples: .*\))?$/);
    expect(outcome.exitCode).toBe({ pass: 0, fail: 1, inconclusive: 3 }[a.verdict]);
    // The same results against themselves: nothing regressed or improved (6 samples may leave it inconclusive).
    expect(lab.compare(dataset, dataset).cells.filter((c) => c.verdict === "regressed" || c.verdict === "improved")).toEqual([]);
  }, 120_000);

  it("throws a LabError, never exits, on a user mistake", async () => {
    await expect(lab.gate({ current: join(tmpdir(), "no-such-results") , asserts: ["xen <= table @ uniform"] })).rejects.toBeInstanceOf(lab.LabError);
  });
});
