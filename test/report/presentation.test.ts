/**
 * How the report presents its numbers: intervals as brackets, the ratio
 * named as the whole call's, negative nets explained, inconclusive cells
 * marked instead of judged, a busy machine's warnings beside its machine line.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readResults } from "../../src/results/read.js";
import type { Dataset, RunRecord } from "../../src/model/results.js";
import type { LoadRecord, LoadSample } from "../../src/model/cells.js";
import { renderHtml } from "../../src/report/html.js";
import { NEGATIVE_NET_NOTE, summaryRow } from "../../src/report/summary.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { escapeHtml } from "../../src/text/escape.js";

const fixture = (name: string): Dataset => readResults(fileURLToPath(new URL(`../fixtures/report/${name}`, import.meta.url)));
const base = fixture("results-a.json");
const withRun = (edit: (r: RunRecord) => void): Dataset => {
  const d = structuredClone(base);
  edit(d.runs[0]!);
  return d;
};
const cell = (r: RunRecord, strategy: string, workload = "uniform") => r.summaries.find((s) => s.strategy === strategy && s.workload === workload)!;

describe("intervals and ratios", () => {
  const d = withRun((r) => {
    const s = cell(r, "xen");
    s.net = { ...s.net!, diff: 13.64, ciLow: 4.8, ciHigh: 16.58 };
  });
  const html = renderHtml([d]);
  const md = renderMarkdown([d]);

  it("prints an asymmetric interval as [low, high], never as ±", () => {
    expect(summaryRow(cell(d.runs[0]!, "xen"))[4]).toBe("13.64 [4.80, 16.58]");
    expect(html).toContain('<td class="num">13.64 [4.80, 16.58]</td>');
    expect(md).toContain("| 13.64 [4.80, 16.58] |");
    expect(html + md).not.toContain("±");
  });

  it("names the ratio column as the whole call's ratio to the reference", () => {
    expect(html).toContain("<th>x table, whole call [95% CI]</th>");
    expect(md).toContain("| x table, whole call [95% CI] |");
    expect(summaryRow(cell(d.runs[0]!, "xen"))[5]).toMatch(/^1\.308x \[1\.280, 1\.330\]$/);
  });
});

describe("negative nets", () => {
  it("are explained under the table, in HTML and Markdown, only when there is one", () => {
    const negative = withRun((r) => {
      const s = cell(r, "chain");
      s.net = { ...s.net!, diff: -0.5, ciLow: -0.9, ciHigh: -0.1 };
    });
    const html = renderHtml([negative]);
    const md = renderMarkdown([negative]);
    expect(NEGATIVE_NET_NOTE).toMatch(/^negative net: this strategy's whole call was faster than the control kernel's/);
    expect(html).toContain(escapeHtml(NEGATIVE_NET_NOTE));
    expect(md).toContain("negative net: this strategy's whole call was faster");
    expect(summaryRow(cell(negative.runs[0]!, "chain"))[7]).toBe("ok; negative net (see the note)");
    const positive = withRun((r) => {
      for (const s of r.summaries) if (s.net) s.net = { ...s.net, diff: 1, ciLow: 0.5, ciHigh: 1.5 };
    });
    expect(renderHtml([positive])).not.toContain("negative net");
    expect(renderMarkdown([positive])).not.toContain("negative net");
  });
});

describe("inconclusive cells", () => {
  it("keep their numbers and say why instead of a verdict", () => {
    const reason = "too few samples: 1 round; the minimum is 6";
    const d = withRun((r) => {
      cell(r, "xen").inconclusive = reason;
    });
    const row = summaryRow(cell(d.runs[0]!, "xen"));
    expect(row[3]).toMatch(/^\d+\.\d\d$/); // its numbers, without an interval (from too few rounds it is not one)
    expect(row[5]).toMatch(/^\d+\.\d{3}x$/);
    expect(row[7]).toBe(`inconclusive: ${reason}`);
    const html = renderHtml([d]);
    expect(html).toMatch(new RegExp(`<tr class="inconclusive">(?:(?!</tr>).)*inconclusive: ${reason}</td></tr>`));
    expect(renderMarkdown([d])).toContain(`| inconclusive: ${reason} |`);
    // The bar chart's tooltip says it too.
    expect(html).toMatch(new RegExp(`<title>xen: \\d+\\.\\d\\d ns, inconclusive: ${reason}</title>`));
  });
});

describe("a busy machine", () => {
  const sample: LoadSample = { at: "2025-01-01T00:00:00.000Z", loadavg: [3.1, 3, 3], ticks: null, others: 2, named: ["yes (pid 7)", "yes (pid 8)"] };
  const load: LoadRecord = {
    cpu: 0,
    cpus: 2,
    busy: true,
    warnings: ["load average 3.1 on 2 CPUs", "2 other runnable processes on CPU 0"],
    steal: null,
    before: sample,
    during: [],
    after: sample,
  };
  const busy = withRun((r) => {
    r.sessions[0] = { ...r.sessions[0]!, load };
  });

  it("shows the load warnings beside the machine line in HTML and Markdown", () => {
    const html = renderHtml([busy]);
    const h2 = html.indexOf("<h2>Machine:");
    const warning = html.indexOf("session 0: load average 3.1 on 2 CPUs");
    expect(warning).toBeGreaterThan(h2);
    expect(warning).toBeLessThan(html.indexOf("<h3>Answers</h3>"));
    expect(html).toContain("session 0: 2 other runnable processes on CPU 0");
    const md = renderMarkdown([busy]);
    const lines = md.split("\n");
    const machine = lines.findIndex((l) => l.startsWith("**machine**"));
    expect(lines.slice(machine + 1, machine + 6).join("\n")).toContain("- session 0: load average 3.1 on 2 CPUs");
    expect(md).toContain("The machine was busy while it measured");
  });

  it("says nothing when the machine was quiet", () => {
    const quiet = withRun((r) => {
      r.sessions[0] = { ...r.sessions[0]!, load: { ...load, busy: false, warnings: [] } };
    });
    expect(renderHtml([quiet])).not.toContain("busy while it measured");
    expect(renderMarkdown([quiet])).not.toContain("busy while it measured");
  });
});
