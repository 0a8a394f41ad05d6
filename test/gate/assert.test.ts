import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LabError } from "../../src/errors.js";
import { evaluateAssertion, parseAssertion, verdictOf, type Assertion } from "../../src/gate/assert.js";
import { readResults } from "../../src/results/read.js";
import type { Dataset } from "../../src/model/results.js";

const FIX = join(import.meta.dirname, "..", "fixtures", "report");
const dataset = (): Dataset => readResults(join(FIX, "results-a.json"));
const EXAMPLE = "xen <= 1.05 * table @ xen:pv-guest-build";

/** The LabError fn throws: its code, and its problems as "path: message". */
function errorOf(fn: () => unknown): { code: string; messages: string[]; fix: string | undefined } {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof LabError)) throw e;
    return { code: e.code, messages: e.problems.map((p) => `${p.path}: ${p.message}`), fix: e.fix };
  }
  throw new Error("did not throw");
}

const parseError = (text: string) => errorOf(() => parseAssertion(text));

describe("parseAssertion", () => {
  it("parses the example", () => {
    expect(parseAssertion(EXAMPLE)).toEqual({
      text: EXAMPLE,
      lhs: "xen",
      op: "<=",
      factor: 1.05,
      rhs: "table",
      workload: "xen:pv-guest-build",
      tier: undefined,
    });
  });

  it("takes the factor on either side of the strategy, or none (1)", () => {
    const pick = (a: Assertion) => [a.op, a.factor, a.rhs];
    expect(pick(parseAssertion("xen < table * 0.9 @ uniform"))).toEqual(["<", 0.9, "table"]);
    expect(pick(parseAssertion("xen >= 2 * table @ uniform"))).toEqual([">=", 2, "table"]);
    expect(pick(parseAssertion("xen > table @ uniform"))).toEqual([">", 1, "table"]);
  });

  it("ignores whitespace", () => {
    const tight = parseAssertion("xen<=1.05*table@xen:pv-guest-build/liftoff");
    const loose = parseAssertion("  xen   <=  1.05 *  table  @   xen:pv-guest-build  /  liftoff ");
    expect({ ...tight, text: "" }).toEqual({ ...loose, text: "" });
    expect(tight).toMatchObject({ lhs: "xen", op: "<=", factor: 1.05, rhs: "table", workload: "xen:pv-guest-build", tier: "liftoff" });
  });

  it("reads a tier suffix and @ *", () => {
    expect(parseAssertion("xen <= table @ uniform / tiered")).toMatchObject({ workload: "uniform", tier: "tiered" });
    expect(parseAssertion("xen <= table @ *")).toMatchObject({ workload: "*", tier: undefined });
    expect(parseAssertion("xen <= table @ * / turbofan")).toMatchObject({ workload: "*", tier: "turbofan" });
  });

  it("allows + : _ - in strategy names and , : . in workloads", () => {
    expect(parseAssertion("chain+pad:1 < 0.5 * br_table-v2 @ zipf:1.1,mixed")).toMatchObject({
      lhs: "chain+pad:1",
      rhs: "br_table-v2",
      factor: 0.5,
      workload: "zipf:1.1,mixed",
    });
  });

  it("names the faulty part of each mistake, with the grammar as the fix", () => {
    const cases: [string, string][] = [
      ["xen <= table", `missing "@ WORKLOAD" (the workload the ratio is taken on, or * for every workload)`],
      ["xen =< table @ uniform", `unknown operator "=<": use <=, <, >= or >`],
      ["xen == table @ uniform", `unknown operator "==": use <=, <, >= or >`],
      ["xen table @ uniform", `missing the operator (<=, <, >= or >) between the two strategies`],
      ["<= table @ uniform", `missing the left-hand strategy before "<="`],
      ["xen <= @ uniform", `missing the right-hand strategy after "<="`],
      ["xen <= 1.05 * @ uniform", `missing the right-hand strategy after "<="`],
      ["xen <= 1.05 @ uniform", `missing the right-hand strategy: "1.05" is a factor; write 1.05 * RHS`],
      ["xen <= 0 * table @ uniform", `factor "0" is not positive: a factor is a decimal greater than 0, such as 1.05`],
      ["xen <= table * -1 @ uniform", `factor "-1" is not positive: a factor is a decimal greater than 0, such as 1.05`],
      ["xen <= abc * table @ uniform", `no factor in "abc * table": one side of "*" must be a positive decimal, such as 1.05`],
      ["xen <= 2 * table * 3 @ uniform", `more than one "*" in "2 * table * 3": write FACTOR * RHS or RHS * FACTOR`],
      ["x.y <= table @ uniform", `bad strategy name "x.y": letters, digits and _ - + : only`],
      ["xen <= table @ ", `empty workload after "@": name one, or * for every workload`],
      ["xen <= table @ / turbofan", `empty workload after "@": name one, or * for every workload`],
      ["xen <= table @ uniform /", `missing tier after "/": turbofan, liftoff, tiered`],
      ["xen <= table @ uniform / sparkplug", `unknown tier "sparkplug" after "/": turbofan, liftoff, tiered`],
    ];
    for (const [text, message] of cases) {
      const e = parseError(text);
      expect(e.code, text).toBe("usage");
      expect(e.messages, text).toEqual([`--assert: "${text}": ${message}`]);
      expect(e.fix, text).toContain("LHS OP [FACTOR *] RHS [* FACTOR] @ WORKLOAD [/ TIER]");
      expect(e.fix, text).toContain(`e.g. --assert "${EXAMPLE}"`);
    }
  });
});

describe("verdictOf", () => {
  const ci = { ciLow: 0.9, ciHigh: 1.1 };
  it("passes when the whole CI satisfies the comparison, fails when it all violates it", () => {
    expect([verdictOf("<=", 1.1, ci), verdictOf("<=", 0.89, ci), verdictOf("<=", 1, ci)]).toEqual(["pass", "fail", "inconclusive"]);
    expect([verdictOf("<", 1.11, ci), verdictOf("<", 0.9, ci), verdictOf("<", 1.1, ci)]).toEqual(["pass", "fail", "inconclusive"]);
    expect([verdictOf(">=", 0.9, ci), verdictOf(">=", 1.11, ci), verdictOf(">=", 1, ci)]).toEqual(["pass", "fail", "inconclusive"]);
    expect([verdictOf(">", 0.89, ci), verdictOf(">", 1.1, ci), verdictOf(">", 0.9, ci)]).toEqual(["pass", "fail", "inconclusive"]);
  });

  it("is inconclusive on a NaN bound", () => {
    expect(verdictOf("<=", 2, { ciLow: 0.5, ciHigh: NaN })).toBe("inconclusive");
  });
});

describe("evaluateAssertion on a fixture run", () => {
  const summary = (d: Dataset, strategy: string, workload: string) =>
    d.runs[0]!.summaries.find((s) => s.strategy === strategy && s.workload === workload)!.ratio!;

  it("gives the run's own ratio and a verdict that follows from its CI", () => {
    const d = dataset();
    const [r, ...more] = evaluateAssertion(parseAssertion(EXAMPLE), d);
    expect(more).toEqual([]);
    expect(r!.ratio.value).toBe(summary(d, "xen", "xen:pv-guest-build").ratio);
    expect(r!.ratio.ciLow).toBeLessThanOrEqual(r!.ratio.value);
    expect(r!.ratio.ciHigh).toBeGreaterThanOrEqual(r!.ratio.value);
    expect(r!.verdict).toBe(verdictOf("<=", 1.05, r!.ratio));
    expect(r).toMatchObject({
      lhs: "xen",
      op: "<=",
      factor: 1.05,
      rhs: "table",
      workload: "xen:pv-guest-build",
      tier: "turbofan",
      run: 0,
      machineId: "34923ec707c88d9f",
    });
    expect(r!.message).toMatch(/^xen <= 1\.05 x table @ xen:pv-guest-build: 0\.79x \[\d+\.\d\d, \d+\.\d\d\]: (pass|fail|inconclusive)$/);
  });

  it("passes and fails where the CI is far from the factor", () => {
    const [pass] = evaluateAssertion(parseAssertion("chain < table @ xen:pv-guest-build"), dataset());
    expect(pass).toMatchObject({ verdict: "pass", ratio: { value: summary(dataset(), "chain", "xen:pv-guest-build").ratio } });
    const [fail] = evaluateAssertion(parseAssertion("xen <= table @ uniform / turbofan"), dataset());
    expect(fail!.verdict).toBe("fail");
    expect(fail!.message).toBe(`xen <= table @ uniform / turbofan: 1.31x [${fail!.ratio.ciLow.toFixed(2)}, ${fail!.ratio.ciHigh.toFixed(2)}]: fail`);
  });

  it("is inconclusive when the factor lies inside the CI", () => {
    const a = parseAssertion("chain <= table @ uniform");
    const [first] = evaluateAssertion(a, dataset());
    const [r] = evaluateAssertion({ ...a, factor: first!.ratio.value }, dataset());
    expect(r!.verdict).toBe("inconclusive");
  });

  it("@ * gives one result per workload; a merged dataset one per run", () => {
    const all = evaluateAssertion(parseAssertion("chain < table @ *"), dataset());
    expect(all.map((r) => [r.workload, r.tier])).toEqual([
      ["xen:pv-guest-build", "turbofan"],
      ["uniform", "turbofan"],
    ]);
    const b = readResults(join(FIX, "results-b.json"));
    const merged: Dataset = { ...dataset(), kind: "merge", runs: [...dataset().runs, ...b.runs] };
    const rs = evaluateAssertion(parseAssertion("xen <= table @ uniform"), merged);
    expect(rs.map((r) => [r.run, r.machineId])).toEqual([
      [0, "34923ec707c88d9f"],
      [1, "b0b0b0b0b0b0b0b0"],
    ]);
  });

  it("takes an explicit seed for the bootstrap, not for the ratio", () => {
    const [r] = evaluateAssertion(parseAssertion(EXAMPLE), dataset(), 12345);
    expect(r!.ratio.value).toBe(summary(dataset(), "xen", "xen:pv-guest-build").ratio);
  });
});

describe("evaluateAssertion errors", () => {
  const evalError = (text: string, d = dataset()) => errorOf(() => evaluateAssertion(parseAssertion(text), d));
  const MEASURED = "the results measured table, chain, xen, direct";

  it("names the strategies, workloads and tiers that exist", () => {
    const cases: [string, string[]][] = [
      ["brtable <= table @ uniform", [`unknown strategy "brtable": did you mean "table"? ${MEASURED}`]],
      ["xen <= tree * 2 @ uniform", [`unknown strategy "tree": ${MEASURED}`]],
      ["a < b @ uniform", [`unknown strategy "a": ${MEASURED}`, `unknown strategy "b": ${MEASURED}`]],
      ["xen <= table @ zipf:1.1", [`unknown workload "zipf:1.1": the results measured xen:pv-guest-build, uniform`]],
      ["xen <= table @ uniform / liftoff", [`tier "liftoff" was not measured on uniform: the results measured turbofan`]],
      ["xen <= table @ * / tiered", [`tier "tiered" was not measured: the results measured turbofan`]],
    ];
    for (const [text, messages] of cases) {
      const e = evalError(text);
      expect(e.code, text).toBe("usage");
      expect(e.messages, text).toEqual(messages.map((m) => `--assert: "${text}": ${m}`));
    }
  });

  it("says when the run's first tier or a cell of a run that has the workload is missing", () => {
    const d = dataset();
    d.runs[0]!.config.tiers = ["liftoff", "turbofan"];
    expect(evalError("xen <= table @ uniform", d).messages).toEqual([
      `--assert: "xen <= table @ uniform": the run's first tier was not measured on uniform: name one with "/ TIER": the results measured turbofan`,
    ]);
    const e = dataset();
    e.runs[0]!.cells = e.runs[0]!.cells.filter((c) => !(c.strategy === "xen" && c.workload === "uniform"));
    expect(evalError("xen <= table @ uniform", e).messages).toEqual([
      `--assert: "xen <= table @ uniform": xen on uniform / turbofan (run 0, machine 34923ec707c88d9f) was not measured`,
    ]);
  });

  it("says a cell without samples failed, with its error", () => {
    const d = dataset();
    const cell = d.runs[0]!.cells.find((c) => c.strategy === "xen" && c.workload === "uniform")!;
    Object.assign(cell, { status: "failed", error: "trapped: unreachable", samples: [] });
    const text = "xen <= table @ uniform";
    expect(evalError(text, d).messages).toEqual([
      `--assert: "${text}": xen on uniform / turbofan (run 0, machine 34923ec707c88d9f) has no samples: it failed: trapped: unreachable`,
    ]);
  });
});
