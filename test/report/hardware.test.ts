/**
 * "wasm against the hardware": a synthetic run in two wasm engines (node,
 * deno) and two native builds (native, native:retpoline), its cells' samples
 * made from known per-cell costs with round drift and noise, summarised as
 * a real run is. The section ranks each engine's strategies by net, takes
 * tau against the o2 build, the wasm premium with its interval, and says the
 * native answer per variant; a run without native engines shows none of it.
 */
import { fileURLToPath } from "node:url";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { readResults } from "../../src/results/read.js";
import { cellId } from "../../src/model/cells.js";
import type { EngineRecord } from "../../src/model/engines.js";
import type { CellRecord, CellSummary, Dataset, RunRecord } from "../../src/model/results.js";
import { compilerShort, nativeAnswers, nativeBaseline, runAnswers, summarizeRun } from "../../src/results/answers.js";
import { hardware, hardwareHtml, hardwareMarkdown, hardwareText, HARDWARE_TITLE } from "../../src/report/hardware.js";
import { renderHtml } from "../../src/report/html.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { resultsTable } from "../../src/report/terminal.js";
import { seededRng } from "../../src/stats/rng.js";

const fixture = (): Dataset => readResults(fileURLToPath(new URL("fixtures/engines.json", import.meta.url)));

const STRATEGIES = ["table", "xen", "chain", "switch", "direct"];
/** Gross ns per dispatch per engine and strategy (the median before drift). Nets: gross - direct. */
const COST: Record<string, Record<string, number>> = {
  // nets table 2, xen 5.64, chain 3, switch 1: switch, table, chain, xen; xen / table = 1.91
  native: { table: 4, xen: 7.64, chain: 5, switch: 3, direct: 2 },
  // nets table 18, xen 8.8, chain 4, switch 16; xen / table = 0.54
  "native:retpoline": { table: 20, xen: 10.8, chain: 6, switch: 18, direct: 2 },
  // nets table 3, xen 6, chain 5, switch 2: the native order (tau 1)
  node: { table: 6, xen: 9, chain: 8, switch: 5, direct: 3 },
  // nets table 2, xen 1, chain 5, switch 4: xen, table, switch, chain (tau -1/3)
  deno: { table: 5, xen: 4, chain: 8, switch: 7, direct: 3 },
};
const ENGINES = ["node", "deno", "native", "native:retpoline"];

const nativeRecord = (variant: "o2" | "retpoline", vm = "gcc (Debian 12.2.0-14+deb12u1) 12.2.0", compiler = "cc"): EngineRecord => ({
  kind: "native",
  version: "12.2.0",
  vm,
  inlining: "off",
  source: "built",
  native: { compiler, variant, flags: ["-O2", ...(variant === "retpoline" ? ["-mindirect-branch=thunk"] : [])] },
});

/**
 * A run on the engines fixture's machine: every engine x strategy cell with
 * `rounds` samples, round r slowed by 30% when r % 3 == 2 (drift every cell
 * of the round shares) and 1% noise of its own. Summarised as a run is.
 */
function syntheticRun(opts: { rounds?: number; engines?: string[]; roundOffset?: Record<string, number> } = {}): RunRecord {
  const { rounds = 12, engines = ENGINES, roundOffset = {} } = opts;
  const base = fixture().runs[0]!;
  const rng = seededRng(42);
  const cells: CellRecord[] = engines.flatMap((engine) =>
    STRATEGIES.map((strategy): CellRecord => {
      const tier = engine.startsWith("native") ? "native" : "turbofan";
      const samples = Array.from({ length: rounds }, (_, i) => {
        const round = i + (roundOffset[engine] ?? 0);
        const ns = COST[engine]![strategy]! * (round % 3 === 2 ? 1.3 : 1) * (1 + (rng.float() - 0.5) * 0.02);
        return { round, session: 0, segment: 0, ns: ns * 65536, nsPerDispatch: ns };
      });
      const c = { strategy, workload: "uniform", tier, engine } as const;
      return { ...c, id: cellId(c), flags: [], status: "ok", samples, seconds: 0.1 } as CellRecord;
    }),
  );
  const recorded: Record<string, EngineRecord> = {
    node: base.engines!["node"]!,
    deno: base.engines!["deno"]!,
    native: nativeRecord("o2"),
    "native:retpoline": nativeRecord("retpoline"),
  };
  const run: RunRecord = {
    ...base,
    config: { ...base.config, strategies: STRATEGIES, engines, cc: "cc", samples: rounds },
    modules: {},
    cells,
    summaries: [],
    engines: Object.fromEntries(engines.map((e) => [e, recorded[e]!])),
  };
  summarizeRun(run);
  return run;
}

const summaryOf = (r: RunRecord, strategy: string, engine: string): CellSummary => r.summaries.find((s) => s.strategy === strategy && s.engine === engine)!;
const ratioText = (s: CellSummary) => `${s.ratio!.ratio.toFixed(2)}x`;
const ciText = (lo: number, hi: number) => `[${lo.toFixed(2)}, ${hi.toFixed(2)}]`;

describe("hardware: the section's data", () => {
  const run = syntheticRun();
  const h = hardware(run)!;
  const w = h.workloads[0]!;

  it("holds the wasm engines to the o2 build, named from its compiler's version line", () => {
    expect(h.baseline).toBe("native");
    expect(h.build).toBe("gcc 12.2 -O2");
    expect(h.workloads.map((x) => x.workload)).toEqual(["uniform"]);
  });

  it("ranks each native build's and each wasm engine's strategies by net, fastest first, the control left out", () => {
    const order = (g: { entries: { strategy: string }[] }) => g.entries.map((e) => e.strategy);
    expect(w.natives.map((g) => g.engine)).toEqual(["native", "native:retpoline"]);
    expect(order(w.natives[0]!)).toEqual(["switch", "table", "chain", "xen"]);
    expect(order(w.natives[1]!)).toEqual(["chain", "xen", "switch", "table"]);
    expect(w.wasm.map((c) => c.ranking.label)).toEqual(["node", "deno"]);
    expect(order(w.wasm[0]!.ranking)).toEqual(["switch", "table", "chain", "xen"]);
    expect(order(w.wasm[1]!.ranking)).toEqual(["xen", "table", "switch", "chain"]);
    const first = w.wasm[0]!.ranking.entries[0]!;
    const s = summaryOf(run, "switch", "node");
    expect(first).toEqual({ strategy: "switch", net: s.net!.diff, ciLow: s.net!.ciLow, ciHigh: s.net!.ciHigh, inconclusive: null });
  });

  it("takes Kendall's tau-b of every ranking against the baseline's", () => {
    expect(w.natives[0]!).toMatchObject({ tau: null, tauN: 0 });
    // chain, xen, switch, table against switch, table, chain, xen: 2 concordant, 4 discordant pairs
    expect(w.natives[1]!.tau).toBeCloseTo(-1 / 3, 12);
    expect(w.wasm[0]!.ranking).toMatchObject({ tau: 1, tauN: 4 });
    expect(w.wasm[1]!.ranking.tau).toBeCloseTo(-1 / 3, 12);
  });

  it("gives the premium per strategy, wasm net - native net, with a paired bootstrap interval around it", () => {
    const node = w.wasm[0]!;
    expect(node.premiums.map((p) => p.strategy)).toEqual(["table", "xen", "chain", "switch"]);
    for (const p of node.premiums) {
      const want = summaryOf(run, p.strategy, "node").net!.diff - summaryOf(run, p.strategy, "native").net!.diff;
      expect(p.value).toBeCloseTo(want, 9);
      expect(p.method).toBe("paired");
      expect(p.inconclusive).toBeNull();
      expect(p.ciLow).toBeLessThanOrEqual(p.value);
      expect(p.ciHigh).toBeGreaterThanOrEqual(p.value);
    }
    // xen: 6 - 5.64 ns; the drift is shared by the round, so the interval stays tight
    const xen = node.premiums.find((p) => p.strategy === "xen")!;
    expect(xen.value).toBeCloseTo(0.36, 1);
    expect(xen.ciHigh - xen.ciLow).toBeLessThan(1);
    expect(node.medianPremium).toBeCloseTo(
      [...node.premiums.map((p) => p.value)]
        .sort((a, b) => a - b)
        .slice(1, 3)
        .reduce((a, b) => a + b) / 2,
      12,
    );
    // the same run gives the same intervals
    expect(hardware(run)).toEqual(h);
  });

  it("pairing by round beats combining the nets' half-widths: the interval is narrower than the quadrature one", () => {
    const bare = structuredClone(run);
    for (const c of bare.cells) c.samples = [];
    const quadrature = hardware(bare)!.workloads[0]!.wasm[0]!.premiums;
    const paired = w.wasm[0]!.premiums;
    for (const [i, q] of quadrature.entries()) {
      const p = paired[i]!;
      const wn = summaryOf(run, q.strategy, "node").net!;
      const nn = summaryOf(run, q.strategy, "native").net!;
      expect(q.method).toBe("quadrature");
      expect(q.value).toBe(wn.diff - nn.diff);
      expect(q.ciLow).toBeCloseTo(q.value - Math.hypot(wn.diff - wn.ciLow, nn.ciHigh - nn.diff), 12);
      expect(q.ciHigh).toBeCloseTo(q.value + Math.hypot(wn.ciHigh - wn.diff, nn.diff - nn.ciLow), 12);
      expect(p.ciHigh - p.ciLow).toBeLessThan(q.ciHigh - q.ciLow);
    }
  });

  it("resamples each cell on its own when the four share too few rounds, and calls the premium inconclusive", () => {
    const apart = syntheticRun({ roundOffset: { native: 100, "native:retpoline": 100 } });
    const p = hardware(apart)!.workloads[0]!.wasm[0]!.premiums[0]!;
    expect(p.method).toBe("independent");
    expect(p.inconclusive).toBe("too few samples: 0 rounds shared by the four cells; the minimum is 6");
    expect(hardware(apart)!.workloads[0]!.wasm[0]!.medianPremium).toBeNull();
  });

  it("takes o2 as the baseline when present, else the first native engine in --engines order", () => {
    expect(nativeBaseline({ engines: ["native:retpoline", "node", "native"] })).toBe("native");
    expect(nativeBaseline({ engines: ["node", "native:retpoline", "native:nojt"] })).toBe("native:retpoline");
    const noO2 = syntheticRun({ engines: ["node", "deno", "native:retpoline"] });
    const x = hardware(noO2)!;
    expect(x.baseline).toBe("native:retpoline");
    expect(x.build).toBe("gcc 12.2 -O2 with retpoline");
    expect(nativeAnswers(noO2)).toEqual([
      `uniform: natively (gcc 12.2 -O2 with retpoline) xen is ${ratioText(summaryOf(noO2, "xen", "native:retpoline"))} table ${ciText(summaryOf(noO2, "xen", "native:retpoline").ratio!.ciLow, summaryOf(noO2, "xen", "native:retpoline").ratio!.ciHigh)}, on this machine.`,
      expect.stringMatching(/^uniform: natively \(gcc 12\.2 -O2 with retpoline\) chain is /),
    ]);
  });
});

describe("the native answers", () => {
  const run = syntheticRun();

  it("say per strategy in focus its ratio in the o2 build, then with each variant", () => {
    const s = (strategy: string, engine: string) => summaryOf(run, strategy, engine);
    const clause = (x: CellSummary) => `${ratioText(x)} ${ciText(x.ratio!.ciLow, x.ratio!.ciHigh)}`;
    const xen = s("xen", "native");
    expect(xen.ratio!.ratio).toBeCloseTo(1.91, 1);
    expect(s("xen", "native:retpoline").ratio!.ratio).toBeCloseTo(0.54, 1);
    expect(nativeAnswers(run)).toEqual([
      `uniform: natively (gcc 12.2 -O2) xen is ${ratioText(xen)} table ${ciText(xen.ratio!.ciLow, xen.ratio!.ciHigh)}; with retpoline ${clause(s("xen", "native:retpoline"))}, on this machine.`,
      `uniform: natively (gcc 12.2 -O2) chain is ${ratioText(s("chain", "native"))} table ${ciText(s("chain", "native").ratio!.ciLow, s("chain", "native").ratio!.ciHigh)}; with retpoline ${clause(s("chain", "native:retpoline"))}, on this machine.`,
    ]);
  });

  it("are in the run's answers (results.json), after the existing ones", () => {
    const all = runAnswers(run);
    expect(all.slice(-2)).toEqual(nativeAnswers(run));
    expect(all.length).toBe(2 + run.summaries.length / STRATEGIES.length);
  });

  it("say an inconclusive cell is inconclusive, and a ratio whose interval holds 1 resolves nothing", () => {
    const few = syntheticRun({ rounds: 3 });
    expect(nativeAnswers(few)[0]).toBe(
      "uniform: natively (gcc 12.2 -O2) xen is inconclusive (too few samples: 3 rounds; the minimum is 6); with retpoline inconclusive (too few samples: 3 rounds; the minimum is 6), on this machine.",
    );
    const even = structuredClone(run);
    const cell = even.summaries.find((x) => x.strategy === "xen" && x.engine === "native:retpoline")!;
    cell.ratio = { ratio: 1.01, ciLow: 0.97, ciHigh: 1.05, paired: true };
    expect(nativeAnswers(even)[0]).toMatch(/; with retpoline 1\.01x \[0\.97, 1\.05\] \(no difference this run can resolve\), on this machine\.$/);
  });

  it("name a failed or skipped variant so", () => {
    const r = structuredClone(run);
    const cell = r.summaries.find((x) => x.strategy === "xen" && x.engine === "native:retpoline")!;
    cell.status = "failed";
    cell.error = "compile failed";
    expect(nativeAnswers(r)[0]).toMatch(/; with retpoline failed, on this machine\.$/);
    r.summaries = r.summaries.filter((x) => x !== cell);
    r.skipped = [{ strategy: "xen", engine: "native:retpoline", reason: "x86 only" }];
    expect(nativeAnswers(r)[0]).toMatch(/; with retpoline not measured \(skipped: x86 only\), on this machine\.$/);
  });

  it("name the compiler by family and major.minor, or as recorded when its version line is unknown", () => {
    expect(compilerShort(nativeRecord("o2"))).toBe("gcc 12.2");
    expect(compilerShort(nativeRecord("o2", "Debian clang version 14.0.6"))).toBe("clang 14.0");
    expect(compilerShort(nativeRecord("o2", "tcc version 0.9.27 (x86_64 Linux)", "tcc"))).toBe("tcc 12.2");
    expect(compilerShort(undefined)).toBe("an unknown compiler");
  });
});

describe("no section without native engines, or without wasm engines", () => {
  it("a run in wasm engines only: nothing, and its answers and reports are as before", () => {
    const d = fixture();
    const r = d.runs[0]!;
    expect(hardware(r)).toBeNull();
    expect(hardwareHtml(r)).toBe("");
    expect(hardwareMarkdown(r)).toEqual([]);
    expect(hardwareText(r)).toEqual([]);
    expect(nativeAnswers(r)).toEqual([]);
    expect(renderHtml([d])).not.toContain(HARDWARE_TITLE);
    expect(renderMarkdown([d])).not.toContain(HARDWARE_TITLE);
    expect(resultsTable(r)).not.toContain(HARDWARE_TITLE);
  });

  it("a run in native engines only: nothing", () => {
    const r = syntheticRun({ engines: ["native", "native:retpoline"] });
    expect(hardware(r)).toBeNull();
    expect(nativeAnswers(r)).toEqual([]);
    expect(hardwareHtml(r)).toBe("");
  });
});

describe("the renderings", () => {
  const run = syntheticRun();
  const dataset = (r: RunRecord): Dataset => ({ schema: "dispatch-lab/results@2", kind: "run", complete: true, runs: [r], sweep: null });

  it("report.html has the section after the engines section: rankings with tau, premiums with intervals, the answers", () => {
    const html = renderHtml([dataset(run)]);
    const at = html.indexOf(`<h3>${HARDWARE_TITLE}</h3>`);
    expect(at).toBeGreaterThan(html.indexOf("<h3>Engines</h3>"));
    const section = html.slice(at);
    expect(section).toContain("<th>rank (net ns/dispatch)</th><th>native</th><th>native:retpoline</th><th>node</th><th>deno</th>");
    expect(section).toContain(
      "<td>tau vs native</td><td>(baseline)</td><td>-0.33 (4 strategies)</td><td>1.00 (4 strategies)</td><td>-0.33 (4 strategies)</td>",
    );
    const xen = hardware(run)!.workloads[0]!.wasm[0]!.premiums.find((p) => p.strategy === "xen")!;
    expect(section).toContain(`<td>xen</td><td class="num">+${xen.value.toFixed(2)} ${ciText(xen.ciLow, xen.ciHigh)}</td>`);
    for (const a of nativeAnswers(run)) expect(section).toContain(`<li>${a}</li>`);
  });

  it("the Markdown report has it too", () => {
    const md = renderMarkdown([dataset(run)]);
    expect(md).toContain(`**${HARDWARE_TITLE}**`);
    expect(md).toContain("| tau vs native | (baseline) | -0.33 (4 strategies) | 1.00 (4 strategies) | -0.33 (4 strategies) |");
    for (const a of nativeAnswers(run)) expect(md).toContain(`- ${a}`);
  });

  it("the terminal prints it short: tau and the median premium per wasm engine", () => {
    const text = hardwareText(run);
    const [node, deno] = hardware(run)!.workloads[0]!.wasm;
    // premiums: node 1, 0.36, 2, 1; deno 0, -4.64, 2, 3: both medians positive
    expect(node!.medianPremium).toBeGreaterThan(0);
    expect(deno!.medianPremium).toBeGreaterThan(0);
    expect(text).toEqual([
      `${HARDWARE_TITLE} (native: gcc 12.2 -O2; tau of the net ranking against it, premium = wasm net - native net):`,
      "uniform:",
      `  node: tau 1.00 over 4, median premium +${node!.medianPremium!.toFixed(2)} ns/dispatch`,
      `  deno: tau -0.33 over 4, median premium +${deno!.medianPremium!.toFixed(2)} ns/dispatch`,
    ]);
    const table = resultsTable(run).replace(/\u001b\[[0-9;]*m/g, "");
    expect(table).toContain(text.join("\n"));
  });
});

describe("untrusted names", () => {
  const STRATEGY = "sw|itch*<svg onload=alert(3)>";
  const ENGINE = "deno<img src=x onerror=alert(1)>\u001b[2J";
  const COMPILER = "cc<script>alert(2)</script>\u001b]0;t\u0007";

  /** The synthetic run with a hostile strategy, engine and compiler (whole JSON strings swapped, as a results file could hold them). */
  function hostile(): RunRecord {
    const run = syntheticRun();
    let text = JSON.stringify(run);
    for (const [from, to] of [
      ["switch", STRATEGY],
      ["deno", ENGINE],
    ])
      text = text.split(JSON.stringify(from)).join(JSON.stringify(to));
    const r = JSON.parse(text) as RunRecord;
    for (const e of ["native", "native:retpoline"]) Object.assign(r.engines![e]!, { vm: COMPILER, native: { ...r.engines![e]!.native!, compiler: COMPILER } });
    return r;
  }
  const r = hostile();

  it("reach the section as data", () => {
    const h = hardware(r)!;
    expect(h.build).toBe(`${COMPILER} 12.2 -O2`);
    expect(h.workloads[0]!.wasm[1]!.ranking.label).toBe(ENGINE);
    expect(h.workloads[0]!.wasm[0]!.premiums.map((p) => p.strategy)).toContain(STRATEGY);
  });

  it("are text in HTML, Markdown and the terminal", () => {
    const html = hardwareHtml(r);
    const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
    expect(document.querySelectorAll("script, img, svg").length).toBe(0);
    expect(document.body.textContent).toContain(STRATEGY);
    expect(document.body.textContent).toContain("cc<script>alert(2)</script>\\x1b]0;t\\x07");
    expect(html).not.toContain("\u001b");

    const md = hardwareMarkdown(r).join("\n");
    // every < is backslash-escaped: no raw HTML
    expect(md).not.toMatch(/(?<!\\)<(svg|img|script)/);
    expect(md).toContain("sw\\|itch\\*\\<svg onload=alert(3)\\>");
    expect(md).not.toContain("\u001b");

    const text = hardwareText(r).join("\n");
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(text).toContain("deno<img src=x onerror=alert(1)>\\x1b[2J");
    expect(text).toContain("cc<script>alert(2)</script>\\x1b]0;t\\x07 12.2 -O2");
  });
});
