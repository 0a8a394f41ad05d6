import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "..", "..", "dist", "src", "cli", "main.js");
const FIX = join(import.meta.dirname, "..", "fixtures", "report");
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe("dispatch-lab report", () => {
  it("writes one self-contained HTML file for several machines", () => {
    const out = join(mkdtempSync(join(tmpdir(), "dl-report-")), "report.html");
    const r = cli("report", join(FIX, "results-a.json"), join(FIX, "results-b.json"), "--out", out);
    expect(r.code).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).toContain('data-chart="heatmap"');
    expect(html).not.toMatch(/https?:/);
  });

  it("--format md prints Markdown tables", () => {
    const r = cli("report", join(FIX, "results-a.json"), "--format", "md");
    expect(r.code).toBe(0);
    expect(r.out).toContain("| workload | strategy | tier |");
  });

  it("bad input: exit 2 naming the file", () => {
    const r = cli("report", "/nope/results.json");
    expect(r.code).toBe(2);
    expect(r.err).toContain("/nope/results.json: cannot read");
    expect(cli("report", join(FIX, "results-a.json"), "--format", "pdf").code).toBe(2);
  });
});
