import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readResults } from "../../src/results/read.js";
import type { Dataset, RunRecord } from "../../src/model/results.js";
import { fingerprintSummary } from "../../src/model/fingerprint.js";
import { ratioHeatmap, strategyBars } from "../../src/report/charts.js";
import { escapeHtml, renderHtml } from "../../src/report/html.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { runAnswers } from "../../src/results/answers.js";

/** The fixtures are results@1 files (one run each): they also pin that old files still read. */
const fixture = (name: string): Dataset => readResults(fileURLToPath(new URL(`../fixtures/report/${name}`, import.meta.url)));
const da = fixture("results-a.json");
const db = fixture("results-b.json");
const a = da.runs[0]!;
const b = db.runs[0]!;
const one = (r: RunRecord): Dataset => ({ ...da, runs: [r] });

const count = (text: string, needle: string | RegExp): number =>
  typeof needle === "string" ? text.split(needle).length - 1 : (text.match(new RegExp(needle.source, `${needle.flags.replace("g", "")}g`)) ?? []).length;

describe("fixtures", () => {
  it("come from two machines with the same configuration", () => {
    expect(a.fingerprint.machineId).not.toBe(b.fingerprint.machineId);
    for (const r of [a, b]) {
      expect(r.config.strategies).toEqual(["table", "chain", "xen", "direct"]);
      expect(r.config.workloads).toEqual(["xen:pv-guest-build", "uniform"]);
      expect(r.summaries).toHaveLength(8);
    }
  });
});

describe("charts", () => {
  it("renders bars per workload as an accessible SVG with marks and no namespace URL", () => {
    const svg = strategyBars(a, "uniform")!;
    expect(svg).toMatch(/^<svg[^>]*data-chart="bars"/);
    expect(svg).toMatch(/^<svg[^>]*role="img"/);
    expect(svg).toMatch(/^<svg[^>]*aria-label="[^"]*uniform"/);
    expect(svg).toContain("<title>Gross ns per dispatch by strategy, uniform</title>");
    expect(svg).toContain("ns per dispatch (gross, median, 95% CI)");
    expect(count(svg, /<rect /)).toBeGreaterThanOrEqual(4);
    expect(svg).toContain("direct (control)");
    expect(svg).not.toMatch(/https?:/);
  });

  it("returns null for a workload that was not measured", () => {
    expect(strategyBars(a, "no-such-workload")).toBeNull();
  });

  it("draws the heatmap only for several machines", () => {
    expect(ratioHeatmap([a])).toBeNull();
    expect(ratioHeatmap([a, a])).toBeNull();
    const svg = ratioHeatmap([a, b], "uniform")!;
    expect(svg).toMatch(/^<svg[^>]*data-chart="heatmap"/);
    expect(svg).toContain("<title>");
    // 2 machines x 3 non-control strategies
    expect(count(svg, /<rect /)).toBeGreaterThanOrEqual(6);
    expect(svg).toContain("1.31x");
  });
});

describe("renderHtml", () => {
  const one = renderHtml([da]);
  const two = renderHtml([da, db]);

  it("is one self-contained document", () => {
    for (const html of [one, two]) {
      expect(html.startsWith("<!doctype html>")).toBe(true);
      expect(count(html, "<html")).toBe(1);
      expect(count(html, "</html>")).toBe(1);
      expect(count(html, "<body>")).toBe(1);
      expect(count(html, "<svg")).toBe(count(html, "</svg>"));
      expect(count(html, "<table")).toBe(count(html, "</table>"));
      expect(count(html, "<section")).toBe(count(html, "</section>"));
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<link/i);
      expect(html).not.toMatch(/<img/i);
      expect(html).not.toMatch(/@import|url\(/i);
      expect(html).not.toMatch(/https?:/i);
      expect(html).toContain("prefers-color-scheme: dark");
    }
  });

  it("shows every fingerprint detail, mitigation and answer", () => {
    for (const r of [a, b]) {
      expect(two).toContain(escapeHtml(fingerprintSummary(r.fingerprint)));
      expect(two).toContain(r.fingerprint.machineId);
      for (const [name, content] of Object.entries(r.fingerprint.mitigations)) {
        expect(two).toContain(`<td>${escapeHtml(name)}</td><td>${escapeHtml(content)}</td>`);
      }
      for (const answer of runAnswers(r)) expect(two).toContain(escapeHtml(answer));
      expect(two).toContain(escapeHtml(r.fingerprint.kernel.release));
      expect(two).toContain(escapeHtml(r.fingerprint.runtime.v8));
    }
    expect(Object.keys(a.fingerprint.mitigations).length).toBeGreaterThan(5);
    expect(one).not.toContain(b.fingerprint.machineId);
  });

  it("escapes text", () => {
    expect(b.fingerprint.cpu.model).toContain('<test & "escape">');
    expect(two).toContain("&lt;test &amp; &quot;escape&quot;&gt;");
    expect(two).not.toContain("<test ");
  });

  it("has the summary table with formatted numbers", () => {
    const s = a.summaries.find((x) => x.strategy === "xen" && x.workload === "uniform")!;
    expect(one).toContain(`<td class="num">${s.gross!.median.toFixed(2)} [${s.gross!.ciLow.toFixed(2)}, ${s.gross!.ciHigh.toFixed(2)}]</td>`);
    expect(one).toContain(`<td class="num">${s.ratio!.ratio.toFixed(3)}x [`);
    expect(one).toContain("<th>x table, whole call [95% CI]</th>");
    expect(one).toContain("<th>gross ns/dispatch [95% CI]</th>");
  });

  it("has one bar chart per workload and input, and heatmaps only with two machines", () => {
    expect(count(one, 'data-chart="bars"')).toBe(a.config.workloads.length);
    expect(count(two, 'data-chart="bars"')).toBe(a.config.workloads.length + b.config.workloads.length);
    expect(count(one, 'data-chart="heatmap"')).toBe(0);
    expect(count(two, 'data-chart="heatmap"')).toBe(a.config.workloads.length);
    expect(count(renderHtml([da, da]), 'data-chart="heatmap"')).toBe(0);
  });

  it("rejects an empty list", () => {
    expect(() => renderHtml([])).toThrow(/no results/);
  });
});

describe("renderMarkdown", () => {
  const md = renderMarkdown([da, db]);

  it("has a machine line, the answers and a pipe table per input", () => {
    const header = "| workload | strategy | tier | gross ns/dispatch [95% CI] | net ns/dispatch [95% CI] | x table, whole call [95% CI] | samples | status |";
    expect(count(md, header)).toBe(2);
    expect(count(md, "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |")).toBe(2);
    expect(md).toContain(`**machine** \`${a.fingerprint.machineId}\``);
    expect(md).toContain(`**machine** \`${b.fingerprint.machineId}\``);
    // Intervals stay brackets in Markdown: only `](` (a link) has its bracket escaped.
    expect(md).toMatch(/^- uniform: .*1\.31x table('s)? \[1\.28, 1\.33\]/m);
    const s = a.summaries.find((x) => x.strategy === "chain" && x.workload === "uniform")!;
    const row = `| uniform | chain | turbofan | ${s.gross!.median.toFixed(2)} [${s.gross!.ciLow.toFixed(2)}, ${s.gross!.ciHigh.toFixed(2)}] | ${s.net!.diff.toFixed(2)} [${s.net!.ciLow.toFixed(2)}, ${s.net!.ciHigh.toFixed(2)}] | ${s.ratio!.ratio.toFixed(3)}x [${s.ratio!.ciLow.toFixed(3)}, ${s.ratio!.ciHigh.toFixed(3)}] | 6 | ok |`;
    expect(md).toContain(row);
    expect(md).toContain("| uniform | direct | turbofan |");
  });

  it("escapes pipes in cells", () => {
    const failed: RunRecord = structuredClone(a);
    failed.summaries[0] = { ...failed.summaries[0]!, status: "failed", error: "trap | unreachable", gross: null, net: null, ratio: null };
    const text = renderMarkdown([one(failed)]);
    expect(text).toContain("| failed: trap \\| unreachable |");
    for (const line of text.split("\n").filter((l) => l.startsWith("| xen:pv-guest-build | table"))) {
      expect(line.replace(/\\\|/g, "").split("|")).toHaveLength(10);
    }
  });
});
