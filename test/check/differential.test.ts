import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkCases } from "../../src/check/cases.js";
import { checkModule, instantiate } from "../../src/check/check.js";
import { emitModules } from "../../src/emit/emit.js";
import { checkNative } from "../../src/check/native.js";
import { compileNative } from "../../src/emit/native/compile.js";
import { lowerC } from "../../src/emit/native/lower-c.js";
import { selectStrategies, strategies } from "../../src/emit/strategies/index.js";
import { loadSpec } from "../../src/spec/load.js";
import type { HandlerInput, ParamType, Spec } from "../../src/spec/types.js";
import { validateSpec } from "../../src/spec/validate.js";
import { builtinLibrary, tinySpec } from "../helpers.js";

const HAS_CC = spawnSync("cc", ["--version"]).status === 0;
if (!HAS_CC) console.log("test/check/differential: the native property skipped: no C compiler `cc` (apt-get install gcc)");

async function checkAll(spec: Spec, strategies = "all", random = 200) {
  const modules = emitModules(spec, selectStrategies(strategies), { library: await builtinLibrary() });
  const cases = checkCases(spec, { random, seed: 7 });
  return modules.map((m) => checkModule(spec, m, cases));
}

const paramType = fc.constantFrom<ParamType>("i32", "i64");

/** Random specs: sparse ids, random priority levels (or none), random param lists and bodies. */
const specArb = fc
  .record({
    args: fc.integer({ min: 0, max: 6 }),
    ids: fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 3000 })), { minLength: 1, maxLength: 40 }),
    seed: fc.array(
      fc.record({
        prio: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
        params: fc.array(paramType, { maxLength: 6 }),
        body: fc.constantFrom("noop", "alu", "mem"),
      }),
      { minLength: 40, maxLength: 40 },
    ),
  })
  .map(({ args, ids, seed }) => {
    const handlers: HandlerInput[] = ids.map((id, i) => {
      const s = seed[i]!;
      return { id, name: `h_${id}`, ...(s.prio ? { priority: s.prio } : {}), params: s.params.slice(0, args), body: { kind: s.body, ops: 3 } };
    });
    return validateSpec({ name: "random", args, handlers });
  });

describe("differential check", () => {
  it("every strategy dispatches random specs identically (property)", async () => {
    await fc.assert(
      fc.asyncProperty(specArb, async (spec) => {
        for (const r of await checkAll(spec, "all", 100))
          expect(r.mismatches, `${r.strategy} on ${JSON.stringify(spec.handlers.map((h) => [h.id, h.priority]))}`).toBe(0);
      }),
      { numRuns: 25, seed: 20221115 },
    );
  });

  it.skipIf(!HAS_CC)(
    "every strategy's native build dispatches random specs as the reference (property)",
    async () => {
      await fc.assert(
        fc.asyncProperty(specArb, async (spec) => {
          const modules = emitModules(spec, selectStrategies("all"), { library: await builtinLibrary() });
          const cases = checkCases(spec, { random: 100, seed: 7 });
          const dir = mkdtempSync(join(tmpdir(), "differential-native-"));
          const reference = modules.find((m) => m.strategy === "table")!.bytes;
          const checks = await Promise.all(
            modules
              .filter((m) => !m.hazard)
              .map(async (m) => {
                const lowered = lowerC(spec, strategies[m.strategy]!.plan(spec));
                if (!lowered.ok) throw new Error(lowered.reason);
                const built = await compileNative(lowered.units, { dir, name: m.strategy });
                if (!built.ok) throw new Error(built.note);
                return checkNative(spec, { strategy: m.strategy, control: m.control, binary: built.binary }, cases, reference);
              }),
          );
          for (const r of checks) expect(r.mismatches, `native ${r.strategy} on ${JSON.stringify(spec.handlers.map((h) => [h.id, h.priority]))}`).toBe(0);
        }),
        { numRuns: 6, seed: 20221115 },
      );
    },
    120_000,
  );

  it.each(["xen:pv64", "xen:hvm64", "xen:arm", "synthetic:300,levels=4,sparse=8,seed=3"])("%s: all strategies match", async (name) => {
    const results = await checkAll(loadSpec(name), "all", 2000);
    expect(results.map((r) => [r.strategy, r.mismatches])).toEqual(results.map((r) => [r.strategy, 0]));
  });

  it("ids at the top of the range (65535) and in several mask words", async () => {
    const spec = validateSpec({
      name: "edges",
      handlers: [
        { id: 1, name: "a", priority: 1 },
        { id: 65, name: "b", priority: 1 },
        { id: 200, name: "c", priority: 2 },
        { id: 201, name: "d", priority: 2 },
        { id: 202, name: "e", priority: 2 },
        { id: 65535, name: "top" },
        { id: 0, name: "zero" },
      ],
    });
    for (const r of await checkAll(spec, "all", 500)) expect(r.mismatches, r.strategy).toBe(0);
  });
});

describe("the hazard variant misroutes exactly as Xen's did", () => {
  it("pv64: every op >= 64 (unsigned) with op mod 64 in {1, 23} reaches iret; nothing else differs", async () => {
    const spec = loadSpec("xen:pv64");
    const [unguarded] = emitModules(spec, selectStrategies("xen-unguarded"), { library: await builtinLibrary() });
    const cases = checkCases(spec, { random: 3000, seed: 1 });
    const exports = instantiate(unguarded!.bytes);
    const dispatch = exports["dispatch"] as (...a: (number | bigint)[]) => bigint;
    const iret = exports["h23"] as (...a: bigint[]) => bigint;
    const misrouted = cases.filter((c) => {
      const expected = (exports[`h${c.op}`] as ((...a: bigint[]) => bigint) | undefined)?.(...c.args) ?? spec.fallback;
      return dispatch(c.op, ...c.args) !== expected;
    });
    const hazard = (op: number) => op >>> 0 >= 64 && [1, 23].includes(op & 63);
    expect(misrouted.map((c) => c.op)).toEqual(cases.filter((c) => hazard(c.op)).map((c) => c.op));
    expect(misrouted.map((c) => c.op)).toEqual(expect.arrayContaining([65, 87]));
    for (const c of misrouted) expect(dispatch(c.op, ...c.args)).toBe(iret(...c.args));
    const report = checkModule(spec, unguarded!, cases);
    expect(Object.keys(report.routes)).toEqual(["iret (23)"]);
  });
});

describe("handlers", () => {
  it("an i32 param sees the low 32 bits; every declared arg and the id change the result", async () => {
    const spec = tinySpec();
    const [m] = emitModules(spec, selectStrategies("table"), { library: await builtinLibrary() });
    const x = instantiate(m!.bytes) as Record<string, (...a: bigint[]) => bigint>;
    const args = [0x1234_5678_9abc_def0n, 0x0fed_cba9_8765_4321n, 42n];
    // zero(i64, i32): the second arg's high half is ignored, its low half and the first arg are not.
    expect(x["h0"]!(args[0]!, args[1]! ^ (1n << 40n), args[2]!)).toBe(x["h0"]!(...args));
    expect(x["h0"]!(args[0]!, args[1]! ^ 1n, args[2]!)).not.toBe(x["h0"]!(...args));
    expect(x["h0"]!(args[0]! ^ (1n << 40n), args[1]!, args[2]!)).not.toBe(x["h0"]!(...args));
    // Args a handler does not declare do not matter.
    expect(x["h0"]!(args[0]!, args[1]!, 7n)).toBe(x["h0"]!(...args));
    // Distinct handlers give distinct results for the same args.
    const results = spec.handlers.map((h) => x[`h${h.id}`]!(...args));
    expect(new Set(results).size).toBe(results.length);
  });
});
