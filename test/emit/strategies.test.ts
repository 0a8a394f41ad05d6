import { describe, expect, it } from "vitest";
import { planShape, walkPlan, type Node, type Plan } from "../../src/emit/plan.js";
import { defaultStrategyNames, selectStrategies, strategies } from "../../src/emit/strategies/index.js";
import { MAX_BR_TABLE } from "../../src/emit/strategies/switch.js";
import { maskMode, xenPlan } from "../../src/emit/strategies/xen.js";
import { LabError } from "../../src/errors.js";
import { loadSpec } from "../../src/spec/load.js";
import { validateSpec } from "../../src/spec/validate.js";
import { tinySpec } from "../helpers.js";

/** The ids a plan calls directly, in the order they appear. */
function directCallIds(p: Plan): number[] {
  const ids: number[] = [];
  walkPlan(p.root, (n) => {
    if (n.kind === "call") ids.push(n.id);
  });
  return ids;
}

const plan = (name: string, spec = tinySpec()) => strategies[name]!.plan(spec);

describe("strategy registry", () => {
  it("leaves hazard variants out of the default set", () => {
    expect(defaultStrategyNames()).toEqual(["table", "chain", "xen", "switch", "bsearch", "hybrid", "direct"]);
    expect(selectStrategies("all").map((s) => s.name)).not.toContain("xen-unguarded");
    expect(selectStrategies("xen-unguarded").map((s) => s.name)).toEqual(["xen-unguarded"]);
  });

  it("rejects an unknown strategy, listing the valid ones", () => {
    expect(() => selectStrategies("chain,nope")).toThrow(LabError);
    try {
      selectStrategies("chain,nope");
    } catch (e) {
      expect((e as LabError).message).toBe('--strategies: unknown strategy "nope"');
      expect((e as LabError).fix).toContain("table, chain, xen, switch, bsearch, hybrid, direct, xen-unguarded");
    }
  });
});

describe("plans", () => {
  it("chain: one compare per handler in priority order, then id order", () => {
    const root = plan("chain");
    expect(root.root.kind).toBe("chain");
    expect(directCallIds(root)).toEqual([0, 2, 3, 5, 6, 7, 9, 12]);
    expect(planShape(root)).toMatchObject({ eqTests: 8, directCalls: 8, callIndirect: 0, brTable: 0 });
  });

  it("table: a dense table up to the max id with fallback holes", () => {
    const root = plan("table").root as Extract<Node, { kind: "table" }>;
    expect(root.entries).toEqual([0, null, 2, 3, null, 5, 6, 7, null, 9, null, null, 12]);
  });

  it("bsearch: n - 1 splits and n leaves", () => {
    expect(planShape(plan("bsearch"))).toMatchObject({ ltTests: 7, eqTests: 8, directCalls: 8 });
  });

  it("hybrid: compares for prioritised handlers, a table for the rest", () => {
    const p = plan("hybrid");
    expect(directCallIds(p)).toEqual([0, 2, 3, 5, 6, 7]);
    const chain = p.root as Extract<Node, { kind: "chain" }>;
    expect(chain.otherwise).toEqual({ kind: "table", entries: [null, null, null, null, null, null, null, null, null, 9, null, null, 12] });
  });

  it("direct: calls the hottest handler whatever the number", () => {
    expect(plan("direct").root).toEqual({ kind: "call", id: 0 });
  });

  it("switch: one br_table up to V8's limit, then 32 Ki chunks", () => {
    expect(planShape(plan("switch")).brTable).toBe(1);
    const wide = validateSpec({
      name: "wide",
      handlers: [
        { id: 0, name: "a" },
        { id: MAX_BR_TABLE, name: "b" },
      ],
    });
    const shape = planShape(plan("switch", wide));
    expect(shape).toMatchObject({ brTable: 2, ltTests: 1, directCalls: 2 });
  });
});

describe("xen plan: the awk's shape", () => {
  it("tiny: compare, two-handler mask, three-handler mask + inner tree, compare tail", () => {
    const p = xenPlan(tinySpec(), true);
    expect(p.mask).toBe("guarded");
    const root = p.root as Extract<Node, { kind: "chain" }>;
    expect(root.arms.map((a) => a.test)).toEqual([
      { kind: "eq", value: 0 },
      { kind: "mask", words: [{ word: 0, bits: (1n << 2n) | (1n << 3n) }] },
      { kind: "mask", words: [{ word: 0, bits: (1n << 5n) | (1n << 6n) | (1n << 7n) }] },
    ]);
    // Two handlers: one compare, the second not re-checked (the mask proved it).
    expect(root.arms[1]!.then).toEqual({
      kind: "chain",
      arms: [{ test: { kind: "eq", value: 2 }, then: { kind: "call", id: 2 } }],
      otherwise: { kind: "call", id: 3 },
    });
    // Three or more: an inner dispatch whose default is the fallback.
    expect(planShape({ root: root.arms[2]!.then })).toMatchObject({ eqTests: 3, ltTests: 2, directCalls: 3 });
    // The unprioritised tail with two handlers: both compared.
    expect(planShape({ root: root.otherwise })).toMatchObject({ eqTests: 2, directCalls: 2 });
  });

  it("pv64: level 1 {mmu_update, iret} and level 2 {stack_switch, multicall, set_segment_base, mmuext_op} are masks", () => {
    const p = xenPlan(loadSpec("xen:pv64"), true);
    const root = p.root as Extract<Node, { kind: "chain" }>;
    expect(root.arms.map((a) => a.test)).toEqual([
      { kind: "mask", words: [{ word: 0, bits: (1n << 1n) | (1n << 23n) }] },
      { kind: "mask", words: [{ word: 0, bits: (1n << 3n) | (1n << 13n) | (1n << 25n) | (1n << 26n) }] },
    ]);
  });

  it("no mask when every prioritised level has one handler", () => {
    const spec = validateSpec({
      name: "s",
      handlers: [
        { id: 1, name: "a", priority: 1 },
        { id: 2, name: "b", priority: 2 },
        { id: 3, name: "c" },
        { id: 4, name: "d" },
      ],
    });
    expect(maskMode(spec, true)).toBeUndefined();
    expect(xenPlan(spec, true).mask).toBeUndefined();
  });

  it("ids >= 64 in a masked level get one mask word per 64 numbers", () => {
    const spec = validateSpec({
      name: "s",
      handlers: [
        { id: 1, name: "a", priority: 1 },
        { id: 65, name: "b", priority: 1 },
        { id: 130, name: "c", priority: 1 },
        { id: 3, name: "d" },
      ],
    });
    const p = xenPlan(spec, true);
    expect(p.mask).toBe("multiword");
    const root = p.root as Extract<Node, { kind: "chain" }>;
    expect(root.arms[0]!.test).toEqual({
      kind: "mask",
      words: [
        { word: 0, bits: 1n << 1n },
        { word: 1, bits: 1n << 1n },
        { word: 2, bits: 1n << 2n },
      ],
    });
  });

  it("unguarded: every id lands in word 0 at bit id mod 64", () => {
    const spec = validateSpec({
      name: "s",
      handlers: [
        { id: 1, name: "a", priority: 1 },
        { id: 65, name: "b", priority: 1 },
        { id: 3, name: "c" },
      ],
    });
    const root = xenPlan(spec, false).root as Extract<Node, { kind: "chain" }>;
    expect(root.arms[0]!.test).toEqual({ kind: "mask", words: [{ word: 0, bits: 1n << 1n }] });
  });
});
