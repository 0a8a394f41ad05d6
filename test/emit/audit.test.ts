import binaryen from "binaryen";
import { describe, expect, it } from "vitest";
import { auditModule, checkClaims, expectedFromPlan } from "../../src/emit/audit.js";
import { emitStrategy } from "../../src/emit/emit.js";
import { strategies } from "../../src/emit/strategies/index.js";
import { builtinLibrary, tinySpec } from "../helpers.js";

describe("opcode audit", () => {
  it("passes every strategy's own module", async () => {
    const library = await builtinLibrary();
    for (const s of Object.values(strategies)) {
      const m = emitStrategy(tinySpec(), s, { library });
      expect(m.audit.violations, s.name).toEqual([]);
    }
  });

  it("records the defining opcodes of each strategy", async () => {
    const library = await builtinLibrary();
    const audit = (name: string) => emitStrategy(tinySpec(), strategies[name]!, { library }).audit.dispatch;
    expect(audit("table")).toMatchObject({ call_indirect: 1, br_table: 0, call: 0 });
    expect(audit("chain")).toMatchObject({ call_indirect: 0, br_table: 0, call: 8, "i32.eq": 8 });
    expect(audit("switch")).toMatchObject({ br_table: 1, call: 8 });
    expect(audit("xen")).toMatchObject({ "i64.shl": 1, "i32.gt_u": 1, "i64.and": 2, call: 8 });
    expect(audit("xen-unguarded")).toMatchObject({ "i64.shl": 1, "i32.gt_u": 0 });
    expect(audit("direct")).toMatchObject({ call: 1, if: 0 });
  });

  it("rejects a chain that binaryen's optimizer turned into a br_table", async () => {
    const library = await builtinLibrary();
    const spec = tinySpec();
    const chain = strategies["chain"]!;
    const plan = chain.plan(spec);
    const bytes = emitStrategy(spec, chain, { library }).bytes;
    const mod = binaryen.readBinary(bytes);
    mod.setFeatures(binaryen.Features.All);
    binaryen.setOptimizeLevel(2);
    mod.optimize(); // tablify: 3+ compares of one value become a br_table; -O2 also inlines
    const optimized = mod.emitBinary();
    mod.dispose();
    const audit = auditModule(optimized, chain, plan, spec);
    expect(audit.violations.some((v) => v.startsWith("chain claims: br_table x1, expected 0") || v.includes("chain claims: call x"))).toBe(true);
    expect(audit.violations.length).toBeGreaterThan(0);
  });

  it("rejects one strategy's module audited as another", async () => {
    const library = await builtinLibrary();
    const spec = tinySpec();
    const switchBytes = emitStrategy(spec, strategies["switch"]!, { library }).bytes;
    const audit = auditModule(switchBytes, strategies["chain"]!, strategies["chain"]!.plan(spec), spec);
    expect(audit.violations).toContain("chain claims: br_table x1, expected 0");
    expect(audit.violations).toContain("chain claims: i32.eq x0, expected 8");
  });
});

describe("checkClaims", () => {
  it("accepts exact counts and ranges, names each violation", () => {
    expect(checkClaims({ call: 2, if: 3 }, { call: 2, if: [1, 4], br_table: 0 }, "s")).toEqual([]);
    expect(checkClaims({ br_table: 1 }, { br_table: 0, call: [1, 2] }, "s")).toEqual(["s: br_table x1, expected 0", "s: call x0, expected 1..2"]);
  });

  it("derives the binary's counts from a plan by the lowering rules", () => {
    const plan = strategies["xen"]!.plan(tinySpec());
    expect(expectedFromPlan(plan)).toMatchObject({ call: 8, call_indirect: 0, br_table: 0, "i64.shl": 1, "i32.gt_u": 1, "i64.and": 2 });
  });
});
