/**
 * The report of a run in several engines: per workload an engine x strategy
 * heatmap of ratios with their intervals, the summary table grouped by
 * engine, one answer per engine, and an Engines section (what each engine
 * is, what it was seen to inline, what it skipped). A run in one engine
 * renders as it did before engines. The fixtures are real runs: six engines
 * with --inlining engine, and two where node 20 skipped table-ref.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readResults } from "../../src/results/read.js";
import type { CellSummary, Dataset, RunRecord } from "../../src/model/results.js";
import { engineOf } from "../../src/model/cells.js";
import { engineHeatmap, MUTED_FILL, ratioHeatmap, strategyBars } from "../../src/report/charts.js";
import { renderHtml } from "../../src/report/html.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { inliningCheckText } from "../../src/report/engines.js";
import { summaryTable } from "../../src/report/summary.js";
import { runAnswers } from "../../src/results/answers.js";
import { escapeHtml } from "../../src/text/escape.js";

const read = (path: string): Dataset => readResults(fileURLToPath(new URL(path, import.meta.url)));
const six = read("fixtures/engines.json");
const skipped = read("fixtures/engines-skipped.json");
const single = read("../fixtures/report/results-a.json");
const ENGINES = ["node", "node@22", "node@24", "node@26", "deno", "bun"];

const edited = (d: Dataset, edit: (r: RunRecord) => void): Dataset => {
  const copy = structuredClone(d);
  edit(copy.runs[0]!);
  return copy;
};
const cell = (r: RunRecord, strategy: string, engine: string): CellSummary =>
  r.summaries.find((s) => s.strategy === strategy && engineOf(s) === engine && s.workload === "uniform")!;
const count = (text: string, needle: string): number => text.split(needle).length - 1;
const ci = (s: CellSummary): string => `${s.ratio!.ratio.toFixed(2)}x [${s.ratio!.ciLow.toFixed(2)}, ${s.ratio!.ciHigh.toFixed(2)}]`;
/** The tooltips of an SVG chart, unescaped back. */
const titles = (svg: string): string[] =>
  [...svg.matchAll(/<title>([\s\S]*?)<\/title>/g)].map((m) =>
    m[1]!
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&"),
  );

describe("the fixtures", () => {
  it("are runs in several engines, one of them with a skipped strategy", () => {
    expect(six.runs[0]!.config.engines).toEqual(ENGINES);
    expect(Object.keys(six.runs[0]!.engines!)).toEqual(ENGINES);
    expect(skipped.runs[0]!.skipped).toEqual([{ strategy: "table-ref", engine: "node", reason: expect.stringContaining("typed-function-references") }]);
  });
});

describe("engineHeatmap", () => {
  const r = six.runs[0]!;

  it("is drawn only for a run in two or more engines", () => {
    expect(engineHeatmap(single.runs[0]!, "uniform")).toBeNull();
    expect(engineHeatmap(r, "uniform")).toMatch(/^<svg[^>]*data-chart="engine-heatmap"/);
  });

  it("has engines as rows and strategies as columns, the control left out, every label a ratio with its 95% CI", () => {
    const svg = engineHeatmap(r, "uniform")!;
    expect(svg).toMatch(/^<svg[^>]*role="img"/);
    expect(svg).toContain("<title>Gross time as a ratio to table per engine and strategy, uniform</title>");
    // 6 engines x 2 strategies (table, chain; direct is the control)
    expect(count(svg, "<rect ")).toBe(12);
    for (const e of ENGINES) {
      for (const st of ["table", "chain"]) expect(titles(svg)).toContain(`${e}, ${st}: ${ci(cell(r, st, e))}`);
      expect(svg).toContain(`>${e}</text>`);
    }
    expect(titles(svg).some((t) => t.includes(", direct:"))).toBe(false);
    // The visible label: the ratio over its interval (two lines).
    const s = cell(r, "chain", "node@24");
    expect(svg).toContain(`${s.ratio!.ratio.toFixed(2)}x</tspan>`);
    expect(svg).toContain(`[${s.ratio!.ciLow.toFixed(2)}, ${s.ratio!.ciHigh.toFixed(2)}]</tspan>`);
    expect(svg).not.toMatch(/https?:/);
  });

  it("greys an inconclusive cell and shows no interval for it", () => {
    const reason = "too few samples: 1 round; the minimum is 6";
    const d = edited(six, (run) => {
      cell(run, "chain", "bun").inconclusive = reason;
    });
    const s = cell(d.runs[0]!, "chain", "bun");
    const svg = engineHeatmap(d.runs[0]!, "uniform")!;
    expect(titles(svg)).toContain(`bun, chain: ${s.ratio!.ratio.toFixed(2)}x, inconclusive: ${reason}`);
    expect(titles(svg)).not.toContain(`bun, chain: ${ci(s)}`);
    expect(svg).toContain(`fill="${MUTED_FILL}"`);
    expect(count(svg, `fill="${MUTED_FILL}"`)).toBe(1);
    expect(svg).toContain(">inconclusive</tspan>");
    // A conclusive run has no grey cell.
    expect(engineHeatmap(six.runs[0]!, "uniform")).not.toContain(MUTED_FILL);
  });

  it("shows a failed cell greyed with its error", () => {
    const d = edited(six, (run) => {
      Object.assign(cell(run, "chain", "deno"), { status: "failed", error: "trap: unreachable", gross: null, net: null, ratio: null });
    });
    const svg = engineHeatmap(d.runs[0]!, "uniform")!;
    expect(titles(svg)).toContain("deno, chain: failed: trap: unreachable");
    expect(svg).toContain(">failed<title>");
  });

  it("shows a skipped strategy as an empty cell labelled skipped, its reason in the tooltip", () => {
    const run = skipped.runs[0]!;
    const svg = engineHeatmap(run, "uniform")!;
    const reason = run.skipped![0]!.reason;
    expect(titles(svg)).toContain(`node, table-ref: skipped: ${reason}`);
    expect(svg).toContain(">skipped<title>");
    expect(svg).toMatch(/<g [^>]*stroke-dasharray="4,3"[^>]*fill="transparent" aria-label="cell"><rect [^>]*><title>node, table-ref: skipped/);
    expect(titles(svg)).toContain(`node@24, table-ref: ${ci(cell(run, "table-ref", "node@24"))}`);
  });

  it("one per workload and tier in the report, none for a run in one engine", () => {
    expect(count(renderHtml([six]), 'data-chart="engine-heatmap"')).toBe(1);
    const twoTiers = edited(six, (run) => {
      run.config.tiers = ["turbofan", "liftoff"];
      run.summaries.push(...run.summaries.map((s) => ({ ...s, tier: "liftoff" as const, id: `${s.id}|liftoff` })));
    });
    const html = renderHtml([twoTiers]);
    expect(count(html, 'data-chart="engine-heatmap"')).toBe(2);
    expect(html).toContain("per engine and strategy, uniform (liftoff)</title>");
    for (const d of [single, read("../fixtures/report/results-b.json")]) expect(renderHtml([d])).not.toContain("engine-heatmap");
    expect(renderHtml([single, read("../fixtures/report/results-b.json")])).not.toContain("engine-heatmap");
  });
});

describe("bars and the machine heatmap with several engines", () => {
  it("draws bars per engine, each of that engine's cells", () => {
    const r = six.runs[0]!;
    const svg = strategyBars(r, "uniform", "turbofan", "bun")!;
    expect(svg).toContain("<title>Gross ns per dispatch by strategy, uniform (bun)</title>");
    expect(svg).toContain(`chain: ${cell(r, "chain", "bun").gross!.median.toFixed(2)} ns`);
    expect(count(renderHtml([six]), 'data-chart="bars"')).toBe(ENGINES.length);
  });

  it("compares machines within one engine", () => {
    const other = edited(six, (run) => {
      run.fingerprint.machineId = "another-machine";
    });
    const svg = ratioHeatmap([six.runs[0]!, other.runs[0]!], "uniform", "turbofan", "node@24")!;
    expect(svg).toContain("per machine and strategy, uniform (node@24)</title>");
    // 2 machines x 2 strategies, of node@24 alone
    expect(count(svg, "<rect ")).toBe(4);
    expect(svg).toContain(`${cell(six.runs[0]!, "chain", "node@24").ratio!.ratio.toFixed(2)}x`);
    expect(count(renderHtml([six, other]), 'data-chart="heatmap"')).toBe(ENGINES.length);
  });
});

describe("the summary table and answers", () => {
  const html = renderHtml([six]);
  const md = renderMarkdown([six]);

  it("has an engine column, rows grouped by engine in the run's order", () => {
    const t = summaryTable(six.runs[0]!);
    expect(t.header.slice(0, 4)).toEqual(["workload", "strategy", "tier", "engine"]);
    expect([...new Set(t.rows.map((row) => row[3]))]).toEqual(ENGINES);
    expect(t.rows.map((row) => row[3])).toEqual(ENGINES.flatMap((e) => [e, e, e]));
    expect(html).toContain("<th>tier</th><th>engine</th><th>gross ns/dispatch [95% CI]</th>");
    const s = cell(six.runs[0]!, "chain", "node@26");
    expect(html).toContain(`<td>uniform</td><td>chain</td><td>turbofan</td><td>node@26</td><td class="num">${s.gross!.median.toFixed(2)} [`);
    expect(md).toContain("| workload | strategy | tier | engine | gross ns/dispatch [95% CI] |");
    expect(md).toContain("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |");
    expect(md).toContain(`| uniform | chain | turbofan | node\\@26 | ${s.gross!.median.toFixed(2)} [`);
  });

  it("has no engine column for a run in one engine", () => {
    expect(summaryTable(single.runs[0]!).header).not.toContain("engine");
    expect(renderHtml([single])).not.toContain("<th>engine</th>");
    expect(renderMarkdown([single])).not.toContain("| engine |");
  });

  it("has one answer per engine", () => {
    const answers = runAnswers(six.runs[0]!);
    expect(answers).toHaveLength(ENGINES.length);
    for (const [i, e] of ENGINES.entries()) expect(answers[i]).toMatch(new RegExp(`^uniform \\(${e}\\): `));
    for (const a of answers) expect(html).toContain(`<li>${escapeHtml(a)}</li>`);
    expect(count(md, "\n- uniform (")).toBe(ENGINES.length);
  });

  it("names the engines under the heading and notes what was skipped", () => {
    expect(html).toContain(`engines ${ENGINES.join(", ")} (inlining engine), complete`);
    const note = `skipped: table-ref in node: ${skipped.runs[0]!.skipped![0]!.reason}`;
    expect(renderHtml([skipped])).toContain(`<p class="muted note">${escapeHtml(note)}</p>`);
    expect(renderMarkdown([skipped])).toContain("_skipped: table-ref in node: needs typed-function-references");
  });
});

describe("the Engines section", () => {
  const html = renderHtml([six]);
  const section = html.slice(html.indexOf("<h3>Engines</h3>"), html.indexOf("</section>", html.indexOf("<h3>Engines</h3>")));

  it("comes after the machine fingerprint, with each engine's kind, version, VM, inlining and binary", () => {
    expect(html.indexOf("<h3>Engines</h3>")).toBeGreaterThan(html.indexOf("<h3>Machine fingerprint</h3>"));
    expect(section).toContain(
      "<th>engine</th><th>kind</th><th>version</th><th>VM</th><th>inlining</th><th>binary</th><th>inlining check (native: build flags)</th>",
    );
    expect(section).toContain("<td>node</td><td>node</td><td>20.20.2</td><td>V8 11.3.244.8-node.38</td><td>engine</td><td>the node running the lab</td>");
    expect(section).toContain("<td>node@24</td><td>node</td><td>24.22.3</td><td>V8 13.6.233.17-node.63</td><td>engine</td><td>engines install</td>");
    expect(section).toContain("<td>bun</td><td>bun</td><td>1.4.5</td><td>JavaScriptCore d6375c72affe0f70222cdcb45012b10f0bf3a9d5</td>");
  });

  it("shows the inlining check: a trace's count with up to 3 example lines, an options check's answer", () => {
    expect(section).toContain(
      "<td>trace: 77 inlined calls<br><code>[function 84: inlining direct call #0 to function 83]</code><br><code>[function 53: inlining direct call #0 to function 52]</code><br><code>[function 29: inlining direct call #0 to function 28]</code></td>",
    );
    expect(section).toContain("<td>trace: 0 inlined calls</td>");
    expect(section).toContain("<td>options: inlining option off: no</td>");
    const many = edited(six, (run) => {
      run.engines!["deno"]!.inliningCheck!.examples = ["a", "b", "c", "d", "e"];
    });
    expect(renderHtml([many])).toContain("<br><code>c</code></td>");
    expect(renderHtml([many])).not.toContain("<code>d</code>");
    expect(
      inliningCheckText({ ...six.runs[0]!.engines!["bun"]!, inliningCheck: { method: "options", inlinedCalls: null, optionOff: true, examples: [] } }),
    ).toBe("options: inlining option off: yes");
    expect(inliningCheckText({ ...six.runs[0]!.engines!["node"]!, inliningCheck: { method: "trace", inlinedCalls: 1, examples: [] } })).toBe(
      "trace: 1 inlined call",
    );
    expect(inliningCheckText(undefined)).toBe("not checked");
  });

  it("lists the skipped strategies with their reasons", () => {
    const text = renderHtml([skipped]);
    expect(text).toContain("<h3>Engines</h3>");
    expect(text).toContain(`<td>table-ref</td><td>node</td><td>${escapeHtml(skipped.runs[0]!.skipped![0]!.reason)}</td>`);
    expect(section).not.toContain("Skipped");
  });

  it("is absent for a run in one engine", () => {
    expect(renderHtml([single])).not.toContain("<h3>Engines</h3>");
    expect(renderMarkdown([single])).not.toContain("**engines**");
  });

  it("is a short table in Markdown", () => {
    const md = renderMarkdown([six]);
    expect(md).toContain("**engines**");
    expect(md).toContain("| engine | kind | version | VM | inlining | binary | inlining check (native: build flags) |");
    expect(md).toContain("| node\\@24 | node | 24.22.3 | V8 13.6.233.17-node.63 | engine | engines install | trace: 77 inlined calls |");
    expect(md).toContain(
      "| bun | bun | 1.4.5 | JavaScriptCore d6375c72affe0f70222cdcb45012b10f0bf3a9d5 | engine | engines install | options: inlining option off: no |",
    );
  });
});
