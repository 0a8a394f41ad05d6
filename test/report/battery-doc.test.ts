/**
 * docs/battery.md and docs/battery/*.svg are generated from data/battery/
 * (`dispatch-lab battery doc`): this fails when they are out of date.
 * Regenerate: node dist/src/cli/main.js battery doc (or UPDATE_DOCS=1 npx vitest run test/report/battery-doc.test.ts)
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { batteryRuns, writeBatteryDoc } from "../../src/lab/battery-data.js";
import { packageRoot } from "../../src/paths.js";
import { batteryDoc } from "../../src/report/battery-doc.js";
import { batteryAnswers } from "../../src/report/battery.js";
import { renderHtml } from "../../src/report/html.js";
import { mergeDatasets } from "../../src/results/merge.js";
import { RESULTS_SCHEMA } from "../../src/model/results.js";
import { escapeHtml } from "../../src/text/escape.js";

const DATA = join(packageRoot, "data", "battery");
const DOC = join(packageRoot, "docs", "battery.md");

describe("docs/battery.md", () => {
  it("is generated from data/battery (UPDATE_DOCS=1 rewrites it)", async () => {
    const runs = batteryRuns(DATA);
    expect(runs.length, "data/battery holds at least the development machine").toBeGreaterThanOrEqual(2);
    const want = batteryDoc(runs, "data/battery/");
    if (process.env["UPDATE_DOCS"]) await writeBatteryDoc(DATA, DOC, "data/battery/");
    const stale = "docs/battery.md is out of date: node dist/src/cli/main.js battery doc";
    expect(readFileSync(DOC, "utf8"), stale).toBe(want.markdown);
    for (const [name, svg] of Object.entries(want.svgs)) {
      const path = join(packageRoot, "docs", "battery", name);
      expect(existsSync(path) && readFileSync(path, "utf8"), `${stale} (${name})`).toBe(svg);
    }
  });

  it("has a table per mix with a row per machine, and every machine's CPU", () => {
    const runs = batteryRuns(DATA);
    const { markdown } = batteryDoc(runs);
    for (const r of runs) {
      expect(markdown).toContain(r.fingerprint.machineId);
      for (const w of r.config.workloads) expect(markdown).toContain(`### ${w}\n`);
    }
    expect(markdown).toMatch(/\| machine \| native \| native:nojt \| native:retpoline \| native:rethunk \| node \|/);
  });
});

describe("data/battery as one dataset", () => {
  it("merges and reports: per spec, a heatmap across machines (a second machine stood in by a copy with another id)", async () => {
    const runs = batteryRuns(DATA);
    const other = structuredClone(runs).map((r) => ({
      ...r,
      fingerprint: { ...r.fingerprint, machineId: "0123456789abcdef", cpu: { ...r.fingerprint.cpu, model: "Another <b>CPU</b> | x" } },
    }));
    const { dataset } = mergeDatasets([
      { schema: RESULTS_SCHEMA, kind: "merge", complete: true, runs, sweep: null },
      { schema: RESULTS_SCHEMA, kind: "merge", complete: true, runs: other, sweep: null },
    ]);
    const html = renderHtml([dataset]);
    expect(html).toContain("<h2>Across machines</h2>");
    for (const r of runs) expect(html).toContain(`${escapeHtml(r.spec.name)}, ${escapeHtml(r.config.workloads[0]!)}`);
    expect(html).not.toContain("<b>CPU</b>");
    // The doc of two machines: a row each per mix, the machines x strategies heatmap, the hostile model escaped.
    const doc = batteryDoc(dataset.runs);
    expect(doc.markdown).toContain("Another \\<b\\>CPU\\</b\\> \\| x [01234567]");
    expect(Object.values(doc.svgs)[0]).toContain('data-chart="heatmap"');
    expect(batteryAnswers(dataset.runs).filter((l) => l.startsWith("On this CPU, "))).toHaveLength(2);
  });
});
