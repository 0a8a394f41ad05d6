/**
 * Engines in compare and gate: cells match only within one engine (kind and
 * major version); a baseline of another engine is incomparable unless
 * --cross-engine, which compares ratios to each side's own control.
 */
import { describe, expect, it } from "vitest";
import { evaluateAssertion, parseAssertion } from "../../src/gate/assert.js";
import { compareDatasets } from "../../src/gate/compare.js";
import { LabError } from "../../src/errors.js";
import { cellId } from "../../src/model/cells.js";
import { RESULTS_SCHEMA, type Dataset, type RunRecord } from "../../src/model/results.js";
import { summarizeCells } from "../../src/results/summarize.js";
import { fakeRun } from "../sweep/fake-run.js";

/** A run of chain and table in the named engines; chain costs `chain` ns in each, table 9, the control 5. */
function inEngines(engines: Record<string, { kind: "node" | "bun"; version: string }>, chain: number): RunRecord {
  const base = fakeRun({ spec: "xen:pv64", strategies: ["table", "chain"], workloads: ["uniform"], cost: (s) => (s === "chain" ? chain : 9), control: 5 });
  const cells = Object.keys(engines).flatMap((engine) => base.cells.map((c) => ({ ...c, engine, id: cellId({ ...c, engine }) })));
  const config = { ...base.config, engines: Object.keys(engines), inlining: "off" as const };
  return {
    ...base,
    config,
    cells,
    summaries: summarizeCells(cells, config),
    engines: Object.fromEntries(
      Object.entries(engines).map(([name, e]) => [
        name,
        { ...e, vm: e.kind === "bun" ? "JavaScriptCore x" : "V8 13.6", inlining: "off" as const, source: "installed" as const },
      ]),
    ),
  };
}

const dataset = (run: RunRecord): Dataset => ({ schema: RESULTS_SCHEMA, kind: "run", complete: true, runs: [run], sweep: null });
const node24 = { "node@24": { kind: "node" as const, version: "24.22.3" } };
const node24patch = { "node@24": { kind: "node" as const, version: "24.23.0" } };
const bun = { bun: { kind: "bun" as const, version: "1.4.5" } };

describe("compare across engines", () => {
  it("matches cells within one engine: a patch release is the same engine, net ns compared", () => {
    const c = compareDatasets(dataset(inEngines(node24, 8)), dataset(inEngines(node24patch, 8.8)));
    expect(c.cells.map((x) => [x.strategy, x.metric, x.engines.current, x.verdict])).toEqual([
      ["table", "net-ns", "node 24.23.0", "unchanged"],
      ["chain", "net-ns", "node 24.23.0", "regressed"],
    ]);
  });

  it("another engine is incomparable, saying so, unless --cross-engine (ratios to each side's control)", () => {
    const [a, b] = [dataset(inEngines(node24, 8)), dataset(inEngines(bun, 8))];
    const c = compareDatasets(a, b);
    expect(c.cells).toEqual([]);
    expect(c.incomparable[0]).toMatch(/^engine mismatch: base ran in node 24, current in bun 1: .*--cross-engine/);
    const x = compareDatasets(a, b, { crossEngine: true });
    expect(x.cells.map((cell) => [cell.strategy, cell.metric, cell.engines.base, cell.engines.current])).toEqual([
      ["table", "ratio-to-control", "node 24.22.3", "bun 1.4.5"],
      ["chain", "ratio-to-control", "node 24.22.3", "bun 1.4.5"],
    ]);
  });

  it("cells of two engines in one run are each matched with their own engine's", () => {
    const both = { ...node24, ...bun };
    const c = compareDatasets(dataset(inEngines(both, 8)), dataset(inEngines(both, 8)));
    expect(c.cells.map((x) => `${x.strategy} ${x.engine}`).sort()).toEqual(["chain bun", "chain node@24", "table bun", "table node@24"]);
  });

  it("--cross-engine with several engines on a side is a usage error: which pairs with which?", () => {
    const both = dataset(inEngines({ ...node24, ...bun }, 8));
    expect(() => compareDatasets(both, dataset(inEngines(bun, 8)), { crossEngine: true })).toThrow(LabError);
    expect(() => compareDatasets(both, dataset(inEngines(bun, 8)), { crossEngine: true })).toThrow(/the base results measured 2 engines/);
  });
});

describe("assertions across engines", () => {
  it("hold per engine: one result each, named in the message", () => {
    const results = evaluateAssertion(parseAssertion("chain <= table @ uniform"), dataset(inEngines({ ...node24, ...bun }, 8)));
    expect(results.map((r) => [r.engine, r.verdict])).toEqual([
      ["node@24", "pass"],
      ["bun", "pass"],
    ]);
    expect(results[1]!.message).toMatch(/^chain <= table @ uniform in bun: 0\.\d\dx \[/);
  });
});
