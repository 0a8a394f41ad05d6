/**
 * Issue #10, "honest verdicts": no firm answer from too few rounds, a
 * fastest only when resolved, intervals as brackets, ratios named as the
 * whole call's, and a gate that names what it did not gate.
 */
import { describe, expect, it } from "vitest";
import { compareDatasets } from "../../src/gate/compare.js";
import { evaluateAssertion, parseAssertion } from "../../src/gate/assert.js";
import { decide, OUTCOME_EXIT } from "../../src/gate/decide.js";
import { gateJunit, gateMarkdown, gateText } from "../../src/gate/report.js";
import { summarizeCells } from "../../src/results/summarize.js";
import { MIN_ROUNDS, tooFewRounds } from "../../src/stats/rounds.js";
import { RESULTS_SCHEMA, type Dataset, type RunRecord } from "../../src/model/results.js";
import { answers } from "../../src/results/answers.js";
import { NEGATIVE_NET_NOTE } from "../../src/report/summary.js";
import { inconclusiveText, resultsTable } from "../../src/report/terminal.js";
import { positionCurves, inconclusiveSentences } from "../../src/sweep/curves.js";
import { fakeRun, handlers } from "../sweep/fake-run.js";

const dataset = (...runs: RunRecord[]): Dataset => ({ schema: RESULTS_SCHEMA, kind: "run", complete: true, runs, sweep: null });
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");

/** A run of table 9, chain 7, xen `xen` ns (control 5), over `rounds` rounds. */
const run = (rounds: number, xen = 7.5, extra: string[] = []) => {
  const r = fakeRun({
    strategies: ["table", "chain", "xen", ...extra],
    workloads: ["uniform"],
    rounds,
    cost: (s) => (s === "chain" ? 7 : s === "xen" ? xen : 9),
  });
  return Object.assign(r, { answers: answers(r.summaries, r.config, r.cells) });
};

describe("too few rounds: inconclusive, never a verdict", () => {
  it("the minimum is 6 rounds, and the reason says how many there were", () => {
    expect(MIN_ROUNDS).toBe(6);
    expect(tooFewRounds(1)).toBe("too few samples: 1 round; the minimum is 6");
    expect(tooFewRounds(5, "shared with the control direct")).toBe("too few samples: 5 rounds shared with the control direct; the minimum is 6");
    expect(tooFewRounds(6)).toBeNull();
  });

  it("a one-round run marks every cell inconclusive, and its answer names no winner and no faster/slower", () => {
    const r = run(1);
    expect(r.summaries.every((s) => s.inconclusive === "too few samples: 1 round; the minimum is 6")).toBe(true);
    const [answer] = r.answers;
    expect(answer).toContain("xen: inconclusive (too few samples: 1 round; the minimum is 6)");
    expect(answer).toContain("fastest: not named");
    expect(answer).not.toMatch(/faster|slower|fastest: (chain|xen|table)/);
  });

  it("a cell that shares too few rounds with the control is inconclusive even with many samples of its own", () => {
    const r = run(20);
    const control = r.cells.find((c) => c.strategy === "direct")!;
    control.samples = control.samples.slice(0, 3);
    const chain = summarizeCells(r.cells, r.config).find((s) => s.strategy === "chain")!;
    expect(chain.inconclusive).toBe("too few samples: 3 rounds shared with the control direct; the minimum is 6");
  });

  it("enough rounds: conclusive, with the whole call's ratio, the dispatch's difference and both intervals", () => {
    const r = run(20);
    expect(r.summaries.every((s) => s.inconclusive === null)).toBe(true);
    expect(r.answers[0]).toMatch(
      /^uniform: xen's whole call is 0\.8\dx table's \[0\.\d\d, 0\.\d\d\], the dispatch 1\.\d\d ns faster \(net difference \[-1\.\d\d, -1\.\d\d\] ns\); chain's whole call is 0\.7\dx table's/,
    );
  });
});

describe("fastest: only when the interval separates it from the runner-up", () => {
  it("named, with its ratio to the runner-up, when separated", () => {
    expect(run(20).answers[0]).toMatch(/fastest: chain \(0\.7\dx table; 0\.9\dx the runner-up xen \[0\.9\d, 0\.9\d\]\), on this machine\.$/);
  });

  it("not resolved when the runner-up is within the interval", () => {
    expect(run(20, 7).answers[0]).toMatch(
      /fastest: not resolved \((chain|xen) is 1\.00x the runner-up (chain|xen) \[(0\.99|1\.00), 1\.0\d\]\), on this machine\.$/,
    );
  });
});

describe("the terminal table", () => {
  it("prints intervals as brackets, names the ratio as the whole call's, and explains a negative net", () => {
    const r = fakeRun({ strategies: ["table", "chain"], workloads: ["uniform"], rounds: 20, cost: (s) => (s === "chain" ? 4.5 : 9) });
    const text = plain(resultsTable(r));
    expect(text).not.toContain("±");
    expect(text).toMatch(/chain\s+-0\.\d\d \[-0\.\d\d, -0\.\d\d\]\s+0\.50x \[0\.\d\d, 0\.\d\d\]\s+negative net/);
    expect(text).toContain("whole call vs table [95% CI]");
    expect(text).toContain(NEGATIVE_NET_NOTE); // the report's note, word for word
  });

  it("marks inconclusive cells with their reason, prints no interval for them, and says what to do", () => {
    const text = plain(resultsTable(run(2)));
    expect(text).toContain("inconclusive: too few samples: 2 rounds; the minimum is 6");
    expect(text).toMatch(/chain\s+\d+\.\d\d \(no interval\)\s+0\.\d\dx \(no interval\)/);
    expect(plain(inconclusiveText(run(2)).join("\n"))).toBe(
      "inconclusive: 4 of 4 cells (too few samples: 2 rounds; the minimum is 6): no verdict is drawn from them; give the run more --time-budget (or --samples 6 or more)",
    );
    expect(inconclusiveText(run(20))).toEqual([]);
  });
});

describe("gate on too few rounds", () => {
  it("is inconclusive (exit 3) and says why, instead of 'no cell was measured on both sides'", () => {
    const c = compareDatasets(dataset(run(1)), dataset(run(1)));
    expect(c.incomparable).toEqual([]);
    expect(c.cells).toEqual([]);
    expect(c.skipped[0]!.reason).toMatch(/^too few samples: 1 round shared with the control direct; the minimum is 6 in the baseline run/);
    const g = decide(c, []);
    expect(g.outcome).toBe("inconclusive");
    expect(OUTCOME_EXIT[g.outcome]).toBe(3);
    expect(gateText(g)).toContain("inconclusive: synthetic:8 table @ uniform / turbofan on 01234567: too few samples: 1 round");
  });

  it("an assertion on a one-round run is inconclusive, never a pass", () => {
    const [a] = evaluateAssertion(parseAssertion("chain <= 0.9 * table @ uniform"), dataset(run(1)));
    expect(a!.verdict).toBe("inconclusive");
    expect(a!.message).toContain("too few samples: 1 round shared by chain and table; the minimum is 6");
    expect(decide(null, [a!]).outcome).toBe("inconclusive");
  });

  it("a baseline run without the control says so (it is not blamed on the spec or machine)", () => {
    const strip = (r: RunRecord) => ({ ...r, cells: r.cells.filter((c) => c.strategy !== "direct") });
    const c = compareDatasets(dataset(strip(run(20))), dataset(strip(run(20))));
    expect(c.incomparable).toEqual([]);
    expect(c.skipped[0]!.reason).toMatch(/^the baseline run has no measured control direct/);
  });
});

describe("gate names what it did not gate", () => {
  const base = dataset(run(20, 7.5, ["switch"]));
  const current = dataset(run(20));

  it("lists cells only on one side by name", () => {
    const g = decide(compareDatasets(base, current), []);
    expect(g.outcome).toBe("pass");
    expect(gateText(g)).toContain("not gated: 1 cells only in the baseline: synthetic:8 switch @ uniform / turbofan on 01234567");
    expect(gateMarkdown(g)).toContain("not gated: 1 cells only in the baseline");
  });

  it("--require-all fails (exit 1) when the current results lack a baseline cell", () => {
    const g = decide(compareDatasets(base, current), [], { requireAll: true });
    expect(g.outcome).toBe("incomplete");
    expect(gateText(g)).toMatch(/^gate: INCOMPLETE/);
    expect(OUTCOME_EXIT[g.outcome]).toBe(1);
    expect(g.reasons).toEqual([
      "missing: synthetic:8 switch @ uniform / turbofan on 01234567 (in the baseline, not measured in the current results; --require-all)",
    ]);
    expect(gateJunit(g)).toContain("<failure");
  });
});

describe("sweeps draw no line through inconclusive points", () => {
  it("a one-round position sweep has no fit and says why", () => {
    const r = fakeRun({
      handlers: handlers(6),
      strategies: ["table", "chain"],
      workloads: [0, 1, 2, 3, 4, 5].map((i) => `fixed:${i}`),
      rounds: 1,
      cost: (s, w) => (s === "chain" ? 6 + Number(w.slice(6)) : 9),
    });
    expect(positionCurves(r, 1).every((c) => c.fit === null && c.points.every((p) => p.net === null))).toBe(true);
    expect(inconclusiveSentences([r], ["xen:pv64"])).toEqual([
      "xen:pv64: 18 of 18 cells inconclusive (too few samples: 1 round; the minimum is 6): left out of the curves; give the sweep more --time-budget.",
    ]);
  });

  it("with enough rounds the fit is there", () => {
    const r = fakeRun({
      handlers: handlers(6),
      strategies: ["table", "chain"],
      workloads: [0, 1, 2, 3, 4, 5].map((i) => `fixed:${i}`),
      rounds: 12,
      cost: (s, w) => (s === "chain" ? 6 + Number(w.slice(6)) : 9),
    });
    const chain = positionCurves(r, 1).find((c) => c.strategy === "chain")!;
    expect(chain.fit!.slope).toBeCloseTo(1, 1);
  });
});

describe("a short budget uses fewer processes rather than too few rounds", () => {
  it("keeps every segment while each still leaves 6 rounds, then drops segments", async () => {
    const { planRounds } = await import("../../src/run/round-plan.js");
    expect(planRounds(3, 1000, 100, 10_000)).toEqual({ segments: 3, rounds: 80 });
    expect(planRounds(3, 1000, 100, 2500)).toEqual({ segments: 2, rounds: 15 });
    expect(planRounds(3, 1000, 100, 1500)).toEqual({ segments: 1, rounds: 15 });
    expect(planRounds(3, 1000, 100, 300)).toEqual({ segments: 1, rounds: 3 });
  });
});

describe("a failed strategy is not silently left out of the ranking", () => {
  it("the answer says which strategies failed and were not ranked", () => {
    const r = fakeRun({ strategies: ["table", "chain", "xen"], workloads: ["uniform"], rounds: 20, cost: (s) => (s === "chain" ? 7 : s === "xen" ? 7.5 : 9) });
    const xen = r.cells.find((c) => c.strategy === "xen")!;
    Object.assign(xen, { status: "failed", error: "child exited with code 9", samples: [] });
    const [answer] = answers(summarizeCells(r.cells, r.config), r.config, r.cells);
    expect(answer).toMatch(/fastest: chain \(.*\) \(xen failed: not ranked\), on this machine\.$/);
  });
});

describe("--assert names a near strategy or workload", () => {
  it("did you mean, with what the results measured", () => {
    expect(() => evaluateAssertion(parseAssertion("chian <= table @ unifrom"), dataset(run(20)))).toThrow(
      /unknown strategy "chian": did you mean "chain"\? the results measured/,
    );
    expect(() => evaluateAssertion(parseAssertion("chain <= table @ unifrom"), dataset(run(20)))).toThrow(
      /unknown workload "unifrom": did you mean "uniform"\?/,
    );
  });
});

describe("the CLI says up front when --samples cannot give an interval, and escapes names it prints", () => {
  it("warns for --samples below 6", async () => {
    const { samplesWarning } = await import("../../src/cli/command.js");
    expect(samplesWarning({ samples: 3 } as Parameters<typeof samplesWarning>[0])).toEqual([
      "warning: --samples 3 is below the 6 rounds an interval needs: every cell will be inconclusive (no verdict, gate exits 3)",
    ]);
    expect(samplesWarning({ samples: 6 } as Parameters<typeof samplesWarning>[0])).toEqual([]);
  });

  it("a failure's reason from a trace name shows its escape codes, never sends them", async () => {
    const { failuresText } = await import("../../src/report/terminal.js");
    const r = fakeRun({ strategies: ["table", "chain"], workloads: ["uniform"], rounds: 6, cost: () => 9 });
    Object.assign(r.summaries[1]!, { status: "failed", error: "trace:a\u001b[8mhidden\u0007.txt: no such file" });
    const [line] = failuresText(r);
    expect(line).not.toMatch(/\u001b\[8m|\u0007/);
    expect(line).toContain("\\x1b[8mhidden\\x07");
  });
});
