/**
 * A tiny real run in every engine .ci/run installs (node@24, deno, bun):
 * each starts the lab's child through the JSON-lines protocol, proves its
 * inlining off and measures. Where an
 * engine is not installed the test says so; in CI a missing one fails.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { installedEngines } from "../../src/engines/installed.js";
import { run } from "../../src/lab/run.js";
import { parseEngines } from "../../src/model/engines.js";

/** The engines CI installs (`dispatch-lab engines install node@24 deno bun` in .ci/run). */
const CI_ENGINES = ["node@24", "deno", "bun"];

const installed = installedEngines();
const present = CI_ENGINES.filter((name) => {
  const [ref] = parseEngines(name);
  return installed.some((e) => e.kind === ref!.kind && (ref!.version === null || e.version.startsWith(`${ref!.version}.`)));
});
const absent = CI_ENGINES.filter((e) => !present.includes(e));

describe("real engines", () => {
  it("CI has every engine it installs", () => {
    if (absent.length && !process.env["CI"])
      console.warn(`real-engines: not installed here, so not run: ${absent.join(", ")} (dispatch-lab engines install ${absent.join(" ")})`);
    if (process.env["CI"]) expect(absent, "CI must install these (.ci/run)").toEqual([]);
  });

  it.runIf(present.length > 0)(
    `a tiny run in node and ${present.join(", ") || "(none installed)"}: every cell measured, inlining proven off`,
    async () => {
      // The running node is `node`: an installed copy of its own version would be the same engine named twice (refused).
      const engines = ["node", ...present.filter((e) => e !== `node@${process.versions.node.split(".")[0]}`)];
      const { results } = await run({
        spec: "xen:pv64",
        strategies: "table",
        workloads: "uniform",
        engines: engines.join(","),
        samples: 2, // enough to see every engine measure; verdicts are not this test's
        processes: 1,
        timeBudgetS: 120,
        cpu: 0,
        out: mkdtempSync(join(tmpdir(), "dispatch-lab-engines-")),
      });
      expect(results.cells.filter((c) => c.status !== "ok").map((c) => `${c.id}: ${c.error}`)).toEqual([]);
      expect(Object.keys(results.engines ?? {})).toEqual(engines);
      for (const [name, e] of Object.entries(results.engines ?? {}))
        expect(e.inliningCheck?.method === "trace" ? e.inliningCheck.inlinedCalls : e.inliningCheck?.optionOff, name).toBe(
          e.inliningCheck?.method === "trace" ? 0 : true,
        );
    },
    240_000,
  );
});
