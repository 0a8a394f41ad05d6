/**
 * Simulated counts in the report: a synthetic run whose cells' net ns are
 * made from known costs per instruction and per simulated mispredict (one
 * cell, chain @ cyclic, far off them), measured with time and counts, and
 * the same run measured with counts alone. The counts table per group, the
 * fit's sentence, cells without counts, escaping, summary.csv's columns;
 * and a run without counts renders as it always did.
 */
import { fileURLToPath } from "node:url";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { cellId } from "../../src/model/cells.js";
import { COUNT_EVENTS, type EventCounts } from "../../src/model/counts.js";
import { RESULTS_SCHEMA, type CellRecord, type Dataset, type RunRecord } from "../../src/model/results.js";
import { summarizeRun } from "../../src/results/answers.js";
import { COUNTS_COLUMNS, SUMMARY_COLUMNS, summaryCsv } from "../../src/results/exporters/csv.js";
import { readResults } from "../../src/results/read.js";
import { COUNTS_TITLE, countsFitSentence, countsOnly, countsRows, countsText, runCountsFit, showsCounts } from "../../src/report/counts.js";
import { renderHtml } from "../../src/report/html.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { resultsTable } from "../../src/report/terminal.js";
import { seededRng } from "../../src/stats/rng.js";

const fixture = (): Dataset => readResults(fileURLToPath(new URL("../fixtures/format/run-v2.json", import.meta.url)));
const dataset = (r: RunRecord): Dataset => ({ schema: RESULTS_SCHEMA, kind: "run", complete: true, runs: [r], sweep: null });

const STRATEGIES = ["table", "chain", "xen", "switch", "tree", "direct"];
const WORKLOADS = ["uniform", "cyclic", "skewed"];
/** The machine's costs: net ns = 0.2 + 0.3 per net instruction + 5 per net simulated mispredict. */
const model = (ir: number, mp: number) => 0.2 + 0.3 * ir + 5 * mp;
/** The control's gross ns and counts per dispatch. */
const CONTROL_NS = 3;
const CONTROL_COUNTS: EventCounts = { Ir: 10, Bc: 2, Bcm: 0.01, Bi: 0, Bim: 0 };
/** Net instructions and net simulated mispredicts per strategy and workload (not collinear). */
const NET: Record<string, Record<string, [number, number]>> = {
  table: { uniform: [6, 0.9], cyclic: [6, 0.05], skewed: [6, 0.4] },
  chain: { uniform: [14, 0.8], cyclic: [14, 0.02], skewed: [5, 0.2] },
  xen: { uniform: [9, 0.3], cyclic: [9, 0.1], skewed: [7, 0.25] },
  switch: { uniform: [5, 0.85], cyclic: [5, 0.03], skewed: [5, 0.35] },
  tree: { uniform: [11, 1.2], cyclic: [11, 0.6], skewed: [8, 0.7] },
};
/** The cell the model fits badly: its real predictor misses what the simulated one does not. */
const OFF = { strategy: "chain", workload: "cyclic", by: 3 };

const countsOf = (strategy: string, workload: string): EventCounts => {
  if (strategy === "direct") return CONTROL_COUNTS;
  const [ir, mp] = NET[strategy]![workload]!;
  return { Ir: CONTROL_COUNTS.Ir + ir, Bc: 2 + ir / 3, Bcm: CONTROL_COUNTS.Bcm + mp * 0.6, Bi: 1, Bim: mp * 0.4 };
};

const netNs = (strategy: string, workload: string): number => {
  if (strategy === "direct") return 0;
  const [ir, mp] = NET[strategy]![workload]!;
  return model(ir, mp) + (strategy === OFF.strategy && workload === OFF.workload ? OFF.by : 0);
};

/**
 * The run: every strategy x workload on node at turbofan, `rounds` samples
 * each (none: counted only), 0.2% noise per sample, and its counts; a cell
 * may instead have a countsError. Summarised as a real run is.
 */
function syntheticRun(opts: { measure?: ("time" | "counts")[]; rounds?: number; errors?: Record<string, string>; valgrind?: string } = {}): RunRecord {
  const { measure = ["time", "counts"], rounds = 8, errors = {}, valgrind = "valgrind-3.19.0" } = opts;
  const base = fixture().runs[0]!;
  const rng = seededRng(3);
  const timed = measure.includes("time");
  const cells = WORKLOADS.flatMap((workload) =>
    STRATEGIES.map((strategy): CellRecord => {
      const c = { strategy, workload, tier: "turbofan" } as const;
      const gross = CONTROL_NS + netNs(strategy, workload);
      const samples = timed
        ? Array.from({ length: rounds }, (_, round) => {
            const ns = gross * (1 + (rng.float() - 0.5) * 0.004);
            return { round, session: 0, segment: 0, ns: ns * 65536, nsPerDispatch: ns };
          })
        : [];
      const error = errors[`${strategy}@${workload}`];
      return {
        ...c,
        id: cellId(c),
        flags: [],
        status: "ok",
        samples,
        seconds: timed ? 0.1 : 0,
        ...(error
          ? { countsError: error }
          : { counts: { perDispatch: countsOf(strategy, workload), dispatches: 65536 * 4, valgrind, flags: ["--tool=callgrind", "--branch-sim=yes"] } }),
      };
    }),
  );
  const run: RunRecord = {
    ...base,
    config: { ...base.config, strategies: STRATEGIES, workloads: WORKLOADS, samples: timed ? rounds : null, measure },
    modules: {},
    workloads: {},
    cells,
    summaries: [],
  };
  summarizeRun(run);
  return run;
}

/** The same run with chain @ cyclic on the machine's costs too: no cell stands out. */
function exactRun(): RunRecord {
  const r = syntheticRun();
  for (const c of r.cells)
    if (c.strategy === OFF.strategy && c.workload === OFF.workload)
      for (const s of c.samples) {
        s.nsPerDispatch -= OFF.by;
        s.ns = s.nsPerDispatch * 65536;
      }
  summarizeRun(r);
  return r;
}

const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");
const summaryOf = (r: RunRecord, strategy: string, workload: string) => r.summaries.find((s) => s.strategy === strategy && s.workload === workload)!;

describe("counts: the run's summaries carry them (results/summarize.ts)", () => {
  it("per dispatch, and net of the control's in the same group", () => {
    const r = syntheticRun();
    const s = summaryOf(r, "chain", "uniform");
    expect(s.counts!.perDispatch).toEqual(countsOf("chain", "uniform"));
    expect(s.counts!.net!.Ir).toBeCloseTo(14, 12);
  });
});

describe("counts: the fit of net ns on the simulated counts", () => {
  const r = syntheticRun();
  const f = runCountsFit(r)!;

  it("takes the timed cells with counts, the control left out", () => {
    expect(f.cells).toHaveLength(5 * 3);
    expect(f.cells.some((c) => c.summary.strategy === "direct")).toBe(false);
    const chain = f.cells.find((c) => c.label === "chain @ cyclic")!;
    expect(chain.instructions).toBeCloseTo(14, 9);
    expect(chain.mispredicts).toBeCloseTo(0.02, 9);
    expect(chain.ns).toBe(summaryOf(r, "chain", "cyclic").net!.diff);
  });

  it("finds the machine's 5 ns per simulated mispredict and 0.3 ns per instruction when every cell is on them", () => {
    const fit = runCountsFit(exactRun())!.fit!;
    expect(fit.nsPerMispredict).toBeCloseTo(5, 1);
    expect(fit.nsPerInstruction).toBeCloseTo(0.3, 2);
    expect(fit.nsPerMispredictCI[0]).toBeLessThanOrEqual(5);
    expect(fit.nsPerMispredictCI[1]).toBeGreaterThanOrEqual(5);
    expect(fit.nsPerInstructionCI[0]).toBeLessThanOrEqual(0.3);
    expect(fit.nsPerInstructionCI[1]).toBeGreaterThanOrEqual(0.3);
    expect(fit.r2).toBeGreaterThan(0.99);
    expect(fit.badly).toEqual([]);
  });

  it("names chain @ cyclic as fitting badly, the one cell off them", () => {
    expect(f.fit!.badly.map((b) => b.point.label)).toEqual(["chain @ cyclic"]);
  });

  it("says so in one sentence: ns per mispredict on this machine with its interval, per instruction, R^2, the worst cells", () => {
    const fit = f.fit!;
    const sentence = countsFitSentence(r)!;
    const measured = summaryOf(r, "chain", "cyclic").net!.diff;
    const worst = fit.badly[0]!;
    expect(sentence).toMatch(
      /^about \d+\.\d+ ns per simulated mispredict on this machine \[\d+\.\d+, \d+\.\d+\] and 0\.\d{3} ns per instruction \[0\.\d{3}, 0\.\d{3}\]; R\^2 = 0\.\d\d over 15 timed cells; fits worst: /,
    );
    expect(sentence).toContain(`fits worst: chain @ cyclic (measured ${measured.toFixed(2)} ns, model ${worst.model.toFixed(2)} ns).`);
    expect(sentence).toContain(`R^2 = ${fit.r2.toFixed(2)}`);
  });

  it("without an off cell, says no cell is far off the model", () => {
    expect(countsFitSentence(exactRun())).toMatch(/; no cell is more than 2 residual SDs off the model\.$/);
  });

  it("with too few timed cells with counts, says why there is no fit", () => {
    const few = syntheticRun({
      errors: Object.fromEntries(
        STRATEGIES.flatMap((s) => WORKLOADS.map((w) => [`${s}@${w}`, "deno cannot be counted repeatably"] as const)).filter(
          ([k]) => !["table@uniform", "chain@uniform", "xen@uniform", "direct@uniform"].includes(k),
        ),
      ),
    });
    expect(runCountsFit(few)!.fit).toBeNull();
    expect(countsFitSentence(few)).toBe("no fit of net ns on the simulated counts: 3 timed cells have counts and a conclusive net (6 needed).");
  });

  it("leaves inconclusive cells out (too few rounds: 1)", () => {
    const short = syntheticRun({ rounds: 1 });
    expect(runCountsFit(short)!.cells).toEqual([]);
    expect(countsFitSentence(short)).toMatch(/: 0 timed cells have counts/);
  });
});

describe("counts: time and counts side by side", () => {
  const r = syntheticRun();

  it("the terminal: the ns table, then the simulated counts with net ns beside net instructions and mispredicts, the legend, the sentence", () => {
    const out = plain(resultsTable(r));
    const lines = out.split("\n");
    expect(lines[0]).toMatch(/^workload\s+strategy\s+net ns\/dispatch \[95% CI\]/);
    const at = lines.indexOf(`${COUNTS_TITLE}, per dispatch`);
    expect(at).toBeGreaterThan(0);
    expect(lines[at - 1]).toBe("");
    expect(lines[at + 1]).toMatch(
      /^workload\s+strategy\s+Ir\s+Bc\s+Bcm \(sim\.\)\s+Bi\s+Bim \(sim\.\)\s+net Ir\s+net mispredicts \(sim\.\)\s+net ns\/dispatch \[95% CI\]\s+note$/,
    );
    const chain = lines.find((l, i) => i > at && /^\s+chain\s/.test(l) && l.includes("fits badly"))!;
    const s = summaryOf(r, "chain", "cyclic");
    expect(chain).toContain("24.00"); // Ir 10 + 14
    expect(chain).toContain("14.00"); // net Ir
    expect(chain).toContain("0.02"); // net mispredicts
    expect(chain).toContain(`${s.net!.diff.toFixed(2)} [${s.net!.ciLow.toFixed(2)}, ${s.net!.ciHigh.toFixed(2)}]`);
    expect(out).toMatch(/^cyclic\s+table\s+16\.00/m);
    expect(out).toMatch(/^\s+direct\s+10\.00\s+2\.00\s+0\.01\s+0\.00\s+0\.00\s+–\s+–\s+–\s+the control kernel$/m);
    expect(out).toContain(
      "Simulated by valgrind's branch model (valgrind-3.19.0), per dispatch: Ir instructions, Bc conditional branches, Bcm conditional mispredicts (simulated)",
    );
    expect(out).toContain(countsFitSentence(r)!);
    expect(out.indexOf(countsFitSentence(r)!)).toBeGreaterThan(at);
  });

  it("HTML: a section after the summary table, with net ns beside the counts and the sentence", () => {
    const html = renderHtml([dataset(r)]);
    const { document } = parseHTML(html);
    const section = document.querySelector("div.counts")!;
    expect(section.querySelector("h3")!.textContent).toBe(COUNTS_TITLE);
    const heads = [...section.querySelectorAll("th")].map((th) => th.textContent);
    expect(heads).toContain("net mispredicts (sim.)");
    expect(heads).toContain("net ns/dispatch [95% CI]");
    expect(section.querySelectorAll("tbody tr")).toHaveLength(STRATEGIES.length * WORKLOADS.length);
    expect(section.querySelector("p.fit")!.textContent).toBe(countsFitSentence(r));
    expect(html.indexOf("gross ns/dispatch [95% CI]")).toBeLessThan(html.indexOf('<div class="counts">'));
  });

  it("Markdown: the summary table, then the counts table and the sentence", () => {
    const md = renderMarkdown([dataset(r)]);
    expect(md).toContain(`**${COUNTS_TITLE}**`);
    expect(md).toMatch(
      /^\| workload \| strategy \| Ir \| Bc \| Bcm \(sim\.\) \| Bi \| Bim \(sim\.\) \| net Ir \| net mispredicts \(sim\.\) \| net ns\/dispatch \[95% CI\] \| note \|$/m,
    );
    expect(md).toMatch(/^\| cyclic \| chain \| 24\.00 \|/m);
    expect(md).toContain("fits worst: chain @ cyclic (measured");
    expect(md.indexOf("gross ns/dispatch")).toBeLessThan(md.indexOf(COUNTS_TITLE));
  });

  it("summary.csv: the counts columns after the others, empty for a cell without counts", () => {
    const withError = syntheticRun({ errors: { "xen@skewed": "=cmd|' /C calc'!A0" } });
    const lines = summaryCsv(dataset(withError)).trim().split("\n");
    expect(lines[0]).toBe([...SUMMARY_COLUMNS, ...COUNTS_COLUMNS].join(","));
    // The names are the file's format: pinned as one line.
    expect(COUNTS_COLUMNS.join(",")).toBe(
      "ir_per_dispatch,bc_per_dispatch,bcm_per_dispatch,bi_per_dispatch,bim_per_dispatch,net_ir_per_dispatch,net_mispredicts_per_dispatch,counts_error",
    );
    const row = (strategy: string, workload: string) => lines.find((l) => l.includes(`,${strategy},${workload},`))!;
    expect(row("chain", "uniform").endsWith(",24,6.666666666666667,0.49,1,0.32000000000000006,14,0.8,")).toBe(true);
    // The formula-like error gets its leading quote, as every text cell of the file.
    expect(row("xen", "skewed").endsWith(",0.1,,,,,,,,,'=cmd|' /C calc'!A0")).toBe(true);
  });
});

describe("counts: a run that measured counts alone", () => {
  const r = syntheticRun({ measure: ["counts"] });

  it("has no ns: its counts table stands where the ns table would, without an ns column or a fit", () => {
    expect(countsOnly(r)).toBe(true);
    expect(runCountsFit(r)).toBeNull();
    expect(countsFitSentence(r)).toBeNull();
    const out = plain(resultsTable(r));
    const lines = out.split("\n");
    expect(lines[0]).toBe(`${COUNTS_TITLE}, per dispatch`);
    expect(lines[1]).toMatch(/^workload\s+strategy\s+Ir\s+Bc\s+Bcm \(sim\.\)\s+Bi\s+Bim \(sim\.\)\s+net Ir\s+net mispredicts \(sim\.\)\s+note$/);
    expect(out).not.toContain("ns/dispatch");
    expect(out).not.toContain("not measured");
    expect(lines).toHaveLength(2 + STRATEGIES.length * WORKLOADS.length + 1);
    expect(out).toMatch(/^uniform\s+table\s+16\.00\s+4\.00\s+0\.55\s+1\.00\s+0\.36\s+6\.00\s+0\.90$/m);
  });

  it("HTML and Markdown: the counts instead of an empty ns table", () => {
    const html = renderHtml([dataset(r)]);
    expect(html).not.toContain("gross ns/dispatch");
    expect(html).toContain('<div class="counts">');
    expect(html).toContain("no timings: this run measured simulated counts only");
    expect(html).not.toContain('<p class="fit">');
    const md = renderMarkdown([dataset(r)]);
    expect(md).not.toContain("gross ns/dispatch");
    expect(md).toMatch(/^\| uniform \| table \| 16\.00 \|/m);
  });
});

describe("counts: cells without counts, and untrusted text", () => {
  const hostile = "<script>alert(1)</script> \u001b[2J | *x* @someone";
  const r = syntheticRun({ errors: { "chain@uniform": hostile, "direct@skewed": "deno cannot be counted repeatably" }, valgrind: "valgrind-<b>3</b>" });

  it("shows why a cell has no counts, and that a group without its control's counts has no net", () => {
    const t = countsRows(r);
    const row = (strategy: string, workload: string) => t.rows[t.summaries.findIndex((s) => s.strategy === strategy && s.workload === workload)]!;
    expect(row("chain", "uniform").slice(2, 9)).toEqual(Array(7).fill("–"));
    expect(row("chain", "uniform").at(-1)).toBe(`not counted: ${hostile}`);
    expect(row("direct", "skewed").at(-1)).toBe("not counted: deno cannot be counted repeatably");
    expect(row("table", "skewed").slice(7, 9)).toEqual(["–", "–"]);
    expect(row("table", "skewed").at(-1)).toBe("no net: direct not counted");
    // Without a net, they are not fitted.
    expect(runCountsFit(r)!.cells.some((c) => c.summary.workload === "skewed" || c.label === "chain @ uniform")).toBe(false);
  });

  it("escapes them in every rendering", () => {
    const text = resultsTable(r);
    expect(text).not.toContain("\u001b[2J");
    expect(text).toContain("\\x1b[2J");
    const html = renderHtml([dataset(r)]);
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain("<b>3</b>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const { document } = parseHTML(html);
    expect(document.querySelector("div.counts")!.textContent).toContain(`not counted: ${hostile.replace("\u001b", "\\x1b")}`);
    const md = renderMarkdown([dataset(r)]);
    expect(md).not.toContain("<script>");
    expect(md).toContain("\\<script\\>");
    expect(md).toContain("\\| \\*x\\* \\@someone");
    expect(md).toContain("valgrind-\\<b\\>3\\</b\\>");
  });
});

describe("counts: a run without them renders as it always did", () => {
  const d = fixture();
  const r = d.runs[0]!;

  it("shows none of it", () => {
    expect(showsCounts(r)).toBe(false);
    expect(countsText(r)).toEqual([]);
    expect(runCountsFit(r)).toBeNull();
    expect(resultsTable(r)).not.toContain(COUNTS_TITLE);
    expect(renderHtml([d])).not.toContain("counts");
    expect(renderMarkdown([d])).not.toContain(COUNTS_TITLE);
    expect(summaryCsv(d).split("\n")[0]).toBe(SUMMARY_COLUMNS.join(","));
  });

  it("a run that says it measured time alone is the same, byte for byte", () => {
    const timeOnly: RunRecord = { ...r, config: { ...r.config, measure: ["time"] } };
    expect(resultsTable(timeOnly)).toBe(resultsTable(r));
    expect(renderMarkdown([dataset(timeOnly)])).toBe(renderMarkdown([dataset(r)]));
    expect(summaryCsv(dataset(timeOnly))).toBe(summaryCsv(dataset(r)));
    // The config table lists `measure`: the rest of the page is the same.
    const strip = (html: string) => html.replace(/<tr><td>measure<\/td><td>time<\/td><\/tr>/, "");
    expect(strip(renderHtml([dataset(timeOnly)]))).toBe(renderHtml([dataset(r)]));
  });

  it("every event is a column", () => {
    expect(COUNT_EVENTS).toEqual(["Ir", "Bc", "Bcm", "Bi", "Bim"]);
  });
});
