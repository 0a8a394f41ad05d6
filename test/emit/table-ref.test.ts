import binaryen from "binaryen";
import { describe, expect, it } from "vitest";
import { BOUNDARY_OPS } from "../../src/check/cases.js";
import { checkModule, instantiate, skipUnsupported } from "../../src/check/check.js";
import { auditModule } from "../../src/emit/audit.js";
import { emitStrategy } from "../../src/emit/emit.js";
import { supportsTypedFunctionReferences, typedFunctionReferencesProbe, unsupportedNote } from "../../src/emit/features.js";
import { planFeatures, planShape, type Node } from "../../src/emit/plan.js";
import { defaultStrategyNames, selectStrategies, strategies, strategyNeeds } from "../../src/emit/strategies/index.js";
import type { Strategy } from "../../src/emit/strategy.js";
import { countOpcodes, decodeFunction, readExports } from "../../src/emit/wasm-reader.js";
import { loadSpec } from "../../src/spec/load.js";
import type { Spec } from "../../src/spec/types.js";
import { builtinLibrary, tinySpec } from "../helpers.js";

const tableRef = strategies["table-ref"]!;
const emit = async (s: Strategy, spec: Spec = tinySpec(), withText = false) => emitStrategy(spec, s, { library: await builtinLibrary(), withText });

/** The running engine's V8 major (0 when it is not V8). */
const v8Major = Number((process.versions.v8 ?? "0").split(".")[0]);

type Dispatch = (op: number, ...args: bigint[]) => bigint;

describe("table-ref: the strategy", () => {
  it("needs typed function references: by name only, never in the default set", () => {
    expect(tableRef.needs).toBe("typed-function-references");
    expect(defaultStrategyNames()).not.toContain("table-ref");
    expect(selectStrategies("all").map((s) => s.name)).not.toContain("table-ref");
    expect(selectStrategies("table,table-ref").map((s) => s.name)).toEqual(["table", "table-ref"]);
    expect(selectStrategies("table-ref+pad:2")[0]).toMatchObject({ name: "table-ref+pad:2", needs: "typed-function-references" });
    expect(strategyNeeds("table-ref+nullpad:1")).toBe("typed-function-references");
    expect(strategyNeeds("table")).toBeUndefined();
    expect(tableRef.summary).toMatch(/not in the default set/);
  });

  it("plans table's dense entries as a typed table; only its plan needs the feature", () => {
    const root = tableRef.plan(tinySpec()).root as Extract<Node, { kind: "tableRef" }>;
    expect(root).toEqual({ kind: "tableRef", entries: (strategies["table"]!.plan(tinySpec()).root as Extract<Node, { kind: "table" }>).entries });
    expect(planShape(tableRef.plan(tinySpec()))).toMatchObject({ callRef: 1, callIndirect: 0, directCalls: 0, brTable: 0 });
    expect(planFeatures(tableRef.plan(tinySpec()))).toEqual(["typed-function-references"]);
    for (const s of Object.values(strategies).filter((x) => x !== tableRef)) expect(planFeatures(s.plan(tinySpec())), s.name).toEqual([]);
  });
});

describe("table-ref: the module", () => {
  it("validates in binaryen (reference types + GC), a typed table filled with the fallback", async () => {
    const m = await emit(tableRef, tinySpec(), true);
    const mod = binaryen.readBinary(m.bytes);
    try {
      mod.setFeatures(binaryen.Features.All);
      expect(mod.validate()).toBeTruthy();
    } finally {
      mod.dispose();
    }
    expect(m.text).toMatch(/\(table \$handlers 13 13 \(ref null \$\d+\) \(ref\.func \$fallback\.uniform\)\)/);
    expect(m.text).toContain("(start $handlers.init)");
    // table's own module keeps the MVP funcref table (its bytes are unchanged: golden tests).
    expect((await emit(strategies["table"]!, tinySpec(), true)).text).toContain("(table $handlers 13 13 funcref)");
  });

  it("the audit finds exactly one call_ref and one table.get, no call_indirect, in dispatch", async () => {
    const m = await emit(tableRef);
    expect(m.audit.violations).toEqual([]);
    expect(m.audit.dispatch).toMatchObject({ call_ref: 1, "table.get": 1, call_indirect: 0, br_table: 0, call: 0, if: 1, "i32.ge_u": 1 });
    expect(m.audit.claims).toMatchObject({ call_ref: 1, "table.get": 1, call_indirect: 0, br_table: 0 });
    // Other strategies record call_ref / table.get too, as zeros.
    expect((await emit(strategies["table"]!)).audit.dispatch).toMatchObject({ call_indirect: 1, call_ref: 0, "table.get": 0 });
  });

  it("a wrong claim, or another strategy's module, is a violation", async () => {
    const spec = tinySpec();
    const m = await emit(tableRef);
    const lying: Strategy = { ...tableRef, claims: () => ({ call_indirect: 1, call_ref: 0 }) };
    const audit = auditModule(m.bytes, lying, tableRef.plan(spec), spec);
    expect(audit.violations).toEqual(["table-ref claims: call_indirect x0, expected 1", "table-ref claims: call_ref x1, expected 0"]);
    const tableBytes = (await emit(strategies["table"]!)).bytes;
    const asTableRef = auditModule(tableBytes, tableRef, tableRef.plan(spec), spec).violations;
    expect(asTableRef).toContain("table-ref claims: call_ref x0, expected 1");
    expect(asTableRef).toContain("table-ref claims: table.get x0, expected 1");
    expect(asTableRef).toContain("table-ref claims: call_indirect x1, expected 0");
    expect(asTableRef).toContain("plan shape: call_ref x0, expected 1");
  });

  it("its bytes parse with the audit's reader: table.get then call_ref of the table's type", async () => {
    const { bytes } = await emit(tableRef, loadSpec("xen:pv64"));
    expect(readExports(bytes).map((e) => e.name)).toEqual(expect.arrayContaining(["dispatch", "run", "memory", "stream_base", "h0"]));
    const ops = decodeFunction(bytes, "dispatch");
    const get = ops.findIndex((i) => i.name === "table.get");
    expect(ops[get]!.immediates).toEqual([0]);
    expect(ops[get + 1]!.name).toBe("call_ref");
    expect(countOpcodes(bytes, "run")).toMatchObject({ call: 1 });
  });
});

describe("table-ref on the running engine", () => {
  it("the feature probe is the audit's kind of module and agrees with the V8 version", () => {
    expect(countOpcodes(typedFunctionReferencesProbe(), "f")).toMatchObject({ "table.get": 1, call_ref: 1 });
    if (typeof process.versions.bun !== "string") expect(supportsTypedFunctionReferences()).toBe(v8Major >= 12);
  });

  it("dispatches exactly as table for every id, out of range and empty slots included, or is skipped saying why", async () => {
    const spec = tinySpec();
    const [table, typed] = [await emit(strategies["table"]!, spec), await emit(tableRef, spec)];
    const module = { strategy: "table-ref", control: false, bytes: typed.bytes };
    const maxId = Math.max(...spec.handlers.map((h) => h.id));
    const ops = [...Array.from({ length: maxId + 4 }, (_, i) => i - 1), ...BOUNDARY_OPS];
    const cases = ops.map((op) => ({ op, args: [7n, 8n, 9n] }));
    if (!supportsTypedFunctionReferences()) {
      // Node 20: the engine rejects the module, so the check skips it and says why.
      expect(() => instantiate(typed.bytes)).toThrow(WebAssembly.CompileError);
      const skipped = skipUnsupported(module)!;
      expect(skipped.skipped).toBe(unsupportedNote("table-ref", "typed-function-references"));
      expect(skipped.skipped).toMatch(/^skipped: table-ref needs typed-function-references, which .+ lacks; it runs on V8 >= 12 \(Node 22\+, Deno\) and Bun/);
      const result = checkModule(spec, module, cases);
      expect(result).toMatchObject({ strategy: "table-ref", cases: 0, mismatches: 0, failure: null, skipped: skipped.skipped });
      expect(skipUnsupported({ ...module, strategy: "table" })).toBeUndefined();
      return;
    }
    expect(skipUnsupported(module)).toBeUndefined();
    const want = instantiate(table.bytes)["dispatch"] as Dispatch;
    const got = instantiate(typed.bytes)["dispatch"] as Dispatch;
    for (const op of ops)
      for (const args of [
        [1n, 2n, 3n],
        [-1n, 2n ** 40n + 5n, 0x0123456789abcdefn],
      ])
        expect(got(op, ...args), `op ${op}`).toBe(want(op, ...args));
    expect(checkModule(spec, module, cases)).toMatchObject({ cases: cases.length, mismatches: 0, failure: null });
  });
});
