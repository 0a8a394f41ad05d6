import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli as inProcess, spawnCli } from "../cli-harness.js";

const FIX = join(import.meta.dirname, "..", "fixtures", "report");
const cli = (...args: string[]) => inProcess(args);

describe("dispatch-lab report", () => {
  it("writes one self-contained HTML file for several machines", () => {
    const out = join(mkdtempSync(join(tmpdir(), "dl-report-")), "report.html");
    const r = spawnCli(["report", join(FIX, "results-a.json"), join(FIX, "results-b.json"), "--out", out]);
    expect(r.code).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).toContain('data-chart="heatmap"');
    expect(html).not.toMatch(/https?:/);
  });

  it("--format md prints Markdown tables", async () => {
    const r = await cli("report", join(FIX, "results-a.json"), "--format", "md");
    expect(r.code).toBe(0);
    expect(r.out).toContain("| workload | strategy | tier |");
  });

  it("bad input: exit 2 naming the file", async () => {
    const r = await cli("report", "/nope/results.json");
    expect(r.code).toBe(2);
    expect(r.err).toContain("/nope/results.json: cannot read");
    expect((await cli("report", join(FIX, "results-a.json"), "--format", "pdf")).code).toBe(2);
  });
});
