/**
 * Names from a user's files (spec, workload, trace, strategy, error text)
 * reach report.html, its SVG charts, the Markdown report and the CSVs as
 * text, never as markup, formulas or control sequences.
 */
import { fileURLToPath } from "node:url";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { readResults } from "../../src/results/read.js";
import type { Dataset } from "../../src/model/results.js";
import { samplesCsv, summaryCsv } from "../../src/results/exporters/csv.js";
import { renderHtml } from "../../src/report/html.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { textTable } from "../../src/text/text-table.js";

const fixturePath = (name: string): string => fileURLToPath(new URL(`../fixtures/report/${name}`, import.meta.url));

const WORKLOAD = "uniform<img src=x onerror=alert(9)>";
const TRACE = 'trace:x"><script>alert(5)</script>';
const STRATEGY = "chain<svg onload=alert(3)>";
const SPEC = "=cmd|' /C calc'!A0<script>alert(1)</script>\u001b]0;x\u0007";

/** A fixture with every name replaced by a payload (whole JSON strings only, so numbers and sentences stay). */
function hostile(name: string, swap: Record<string, string>): Dataset {
  let text = JSON.stringify(readResults(fixturePath(name)));
  for (const [from, to] of Object.entries(swap)) text = text.split(JSON.stringify(from)).join(JSON.stringify(to));
  const d = JSON.parse(text) as Dataset;
  for (const r of d.runs) r.spec.name = SPEC;
  return d;
}

/** Elements and attributes that run script or load anything, as a browser's parser would see them. */
function activeContent(html: string): string[] {
  const { document } = parseHTML(html);
  const found: string[] = [];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (["script", "img", "iframe", "object", "embed", "link", "base", "form", "foreignobject"].includes(tag)) found.push(`<${tag}>`);
    for (const a of el.attributes) if (/^on/i.test(a.name) || /javascript:/i.test(a.value)) found.push(`${tag} ${a.name}`);
  }
  return found;
}

const PLAIN = { uniform: WORKLOAD, "xen:pv-guest-build": TRACE, chain: STRATEGY };

describe("report.html", () => {
  const runs = [hostile("results-a.json", PLAIN), hostile("results-b.json", PLAIN)];
  const sweeps = ["position", "scale", "crossover", "body"].map((k) => hostile(`sweep-${k}.json`, { table: STRATEGY, chain: TRACE, uniform: WORKLOAD }));
  const html = renderHtml([...runs, ...sweeps]);

  it("shows hostile names as text: no script, handler or loaded resource in the page or its SVG charts", () => {
    expect(html).toContain("&lt;img src=x onerror=alert(9)&gt;");
    expect(html).toContain("&lt;script&gt;alert(5)&lt;/script&gt;");
    expect(html).not.toMatch(/<(script|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/<svg\s+onload/i);
    expect(activeContent(html)).toEqual([]);
    // Every chart's <title> (tooltips) and labels are escaped too.
    for (const title of html.match(/<title>[\s\S]*?<\/title>/g) ?? []) expect(title.slice(7, -8)).not.toMatch(/[<>]/);
    expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  it("names the hostile strategy in a chart (so the test reaches the chart code)", () => {
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs.length).toBeGreaterThan(6);
    expect(svgs.filter((s) => s.includes("chain&lt;svg onload=alert(3)&gt;")).length).toBeGreaterThan(2);
  });

  it("carries a Content-Security-Policy that allows no script and no network", () => {
    const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)?.[1];
    expect(csp).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).not.toMatch(/https?:|\*/);
    // Before anything that could load or run: the first element after <meta charset>.
    expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<title>"));
  });
});

describe("engine names", () => {
  // Engine names, versions, VMs and trace lines come from a results file too; "bun" is also an engine's kind.
  const ENGINE = "node@24<img src=x onerror=alert(7)>";
  const BUN = 'bun"><script>alert(8)</script>';
  const engines = (name: string): Dataset => {
    let text = JSON.stringify(readResults(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url))));
    for (const [from, to] of Object.entries({ "node@24": ENGINE, bun: BUN, chain: STRATEGY, "table-ref": STRATEGY }))
      text = text.split(JSON.stringify(from)).join(JSON.stringify(to));
    const d = JSON.parse(text) as Dataset;
    for (const r of d.runs) {
      for (const e of Object.values(r.engines ?? {})) {
        e.vm = `V8 <svg onload=alert(10)>\u001b[2J`;
        if (e.inliningCheck?.examples.length) e.inliningCheck.examples[0] = "<script>alert(11)</script>";
      }
      for (const k of r.skipped ?? []) k.reason = "<img src=x onerror=alert(12)>";
    }
    return d;
  };
  const html = renderHtml([engines("engines.json"), engines("engines-skipped.json")]);
  const md = renderMarkdown([engines("engines.json"), engines("engines-skipped.json")]);

  it("are text in the engine heatmap, the tables and the Engines section", () => {
    expect(activeContent(html)).toEqual([]);
    expect(html).not.toMatch(/<(script|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/<svg\s+onload/i);
    for (const title of html.match(/<title>[\s\S]*?<\/title>/g) ?? []) expect(title.slice(7, -8)).not.toMatch(/[<>]/);
    expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    const heatmaps = html.match(/<svg[^>]*data-chart="engine-heatmap"[\s\S]*?<\/svg>/g) ?? [];
    expect(heatmaps).toHaveLength(2);
    expect(heatmaps[0]).toContain(">node@24&lt;img src=x onerror=alert(7)&gt;</text>");
    expect(heatmaps[0]).toContain(">bun&quot;&gt;&lt;script&gt;alert(8)&lt;/script&gt;</text>");
    expect(heatmaps[1]).toContain("skipped: &lt;img src=x onerror=alert(12)&gt;</title>");
    expect(html).toContain("<td>node@24&lt;img src=x onerror=alert(7)&gt;</td>");
    expect(html).toContain("<code>&lt;script&gt;alert(11)&lt;/script&gt;</code>");
    expect(html).toContain("<td>V8 &lt;svg onload=alert(10)&gt;\\x1b[2J</td>");
  });

  it("keep every Markdown table row's columns", () => {
    expect(md).not.toMatch(/(^|[^\\])<(script|img|svg)/i);
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(md).toContain("node\\@24\\<img src=x onerror=alert(7)\\>");
    const lines = md.split("\n");
    let header = 0;
    const columns = (line: string) => line.replace(/\\\|/g, "").split("|").length;
    for (const [i, line] of lines.entries()) {
      if (!line.startsWith("| ")) continue;
      if (!lines[i - 1]?.startsWith("| ")) header = columns(line);
      expect(columns(line), line).toBe(header);
    }
  });
});

describe("report Markdown", () => {
  const md = renderMarkdown([hostile("results-a.json", { ...PLAIN, "table | x": "y" }), hostile("sweep-scale.json", { chain: "chain](javascript:alert(1))" })]);

  it("has no raw HTML, no link or image, and every table row keeps its columns", () => {
    expect(md).not.toMatch(/(^|[^\\])<(script|img|svg)/i);
    expect(md).not.toMatch(/[^\\]\]\(javascript/);
    expect(md).toContain("uniform\\<img src=x onerror=alert(9)\\>");
    const columns = (line: string) => line.replace(/\\\|/g, "").split("|").length;
    let header = 0;
    for (const [i, line] of md.split("\n").entries()) {
      if (!line.startsWith("| ")) continue;
      if (!md.split("\n")[i - 1]?.startsWith("| ")) header = columns(line);
      expect(columns(line), line).toBe(header);
    }
  });

  it("sends no control character (the spec name's ESC and BEL are shown)", () => {
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(md).toContain("\\x1b");
  });
});

describe("CSV", () => {
  const d = hostile("results-a.json", { uniform: '=HYPERLINK("http://x")', chain: "@SUM(A1)" });
  it("neutralises text cells a spreadsheet would run as formulas, and keeps negative numbers numbers", () => {
    const summary = summaryCsv(d);
    const samples = samplesCsv(d);
    for (const text of [summary, samples]) {
      expect(text).not.toMatch(/(^|,)"?[=+@]/m);
      expect(text).toContain(`'@SUM(A1)`);
      expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
      expect(text).toContain(`'=cmd`);
    }
    // A negative net stays a number (-0.5 is not text): the fixture's xen has a negative vs-reference difference.
    expect(summary).toMatch(/,-\d+\.\d+,/);
  });
});

describe("text tables", () => {
  it("show a cell's control characters as escapes and keep the columns aligned", () => {
    const lines = textTable(
      [
        ["workload", "ns"],
        [`${TRACE}\u001b[2J\u0007`, "1.00"],
        ["uniform", "2.00"],
      ],
      "right",
    );
    for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f]/);
    expect(lines[1]).toContain("\\x1b[2J\\x07");
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });
});
