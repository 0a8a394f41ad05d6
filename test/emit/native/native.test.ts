import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkCases } from "../../../src/check/cases.js";
import { checkModule, instantiate, skipUnsupported } from "../../../src/check/check.js";
import { checkNative, referenceResults } from "../../../src/check/native.js";
import { emitStrategy, type EmittedModule } from "../../../src/emit/emit.js";
import { compileNative, type Compiled } from "../../../src/emit/native/compile.js";
import { nativeChecksum, nativeDispatch } from "../../../src/emit/native/invoke.js";
import { lowerC } from "../../../src/emit/native/lower-c.js";
import { strategies } from "../../../src/emit/strategies/index.js";
import { seededRng } from "../../../src/stats/rng.js";
import { loadSpec } from "../../../src/spec/load.js";
import type { Spec } from "../../../src/spec/types.js";
import { builtinLibrary, tinySpec } from "../../helpers.js";

/**
 * Native builds of every strategy (the default set, the xen-unguarded hazard
 * and table-ref) dispatch exactly as the wasm modules do, and their harness
 * sums what the wasm `run` sums. One compile per strategy per spec; handlers.c
 * and harness.c compile once per spec (shared objects).
 */
const HAS_CC = spawnSync("cc", ["--version"]).status === 0;
if (!HAS_CC) console.log("test/emit/native: skipped: no C compiler `cc` on PATH (apt-get install gcc)");

const SPECS: [string, () => Spec][] = [
  ["xen:pv64", () => loadSpec("xen:pv64")],
  ["synthetic:96,levels=4,sparse=8", () => loadSpec("synthetic:96,levels=4,sparse=8")],
  ["synthetic:48,levels=4,sparse=2,body=mem:4", () => loadSpec("synthetic:48,levels=4,sparse=2,body=mem:4")],
  ["tiny (alu, mem, narrow params)", tinySpec],
  ["synthetic:24,levels=3,args=0", () => loadSpec("synthetic:24,levels=3,args=0")],
];
const NAMES = Object.keys(strategies);

interface Built {
  spec: Spec;
  modules: Map<string, EmittedModule>;
  native: Map<string, Compiled>;
}

describe.skipIf(!HAS_CC)("native builds", () => {
  const built = new Map<string, Built>();

  beforeAll(async () => {
    const library = await builtinLibrary();
    await Promise.all(
      SPECS.map(async ([label, load]) => {
        const spec = load();
        const dir = mkdtempSync(join(tmpdir(), "native-test-"));
        const modules = new Map<string, EmittedModule>();
        const native = new Map<string, Compiled>();
        await Promise.all(
          NAMES.map(async (name) => {
            const s = strategies[name]!;
            const plan = s.plan(spec);
            modules.set(name, emitStrategy(spec, s, { library }));
            const lowered = lowerC(spec, plan);
            if (!lowered.ok) throw new Error(lowered.reason);
            const out = await compileNative(lowered.units, { dir, name });
            if (!out.ok) throw new Error(out.note);
            native.set(name, out);
          }),
        );
        built.set(label, { spec, modules, native });
      }),
    );
  }, 120_000);

  for (const [label] of SPECS) {
    it(`${label}: every strategy's native dispatch is the wasm's, case by case`, async () => {
      const { spec, modules, native } = built.get(label)!;
      const cases = checkCases(spec, { random: 300, seed: 11 });
      const reference = modules.get("table")!.bytes;
      for (const name of NAMES) {
        const module = modules.get(name)!;
        const got = await nativeDispatch(native.get(name)!.binary, cases);
        const nativeCheck = await checkNative(spec, { strategy: name, control: module.control, binary: native.get(name)!.binary }, cases, reference);
        if (skipUnsupported(module)) {
          // table-ref on an engine without typed function references: held to the reference alone.
          expect(got, name).toEqual(referenceResults(spec, reference, cases, false));
          expect(nativeCheck.mismatches, name).toBe(0);
          continue;
        }
        const dispatch = instantiate(module.bytes)["dispatch"] as (...a: (number | bigint)[]) => bigint;
        expect(got, name).toEqual(cases.map((c) => dispatch(c.op, ...c.args)));
        const wasmCheck = checkModule(spec, module, cases);
        expect({ mismatches: nativeCheck.mismatches, routes: nativeCheck.routes, failure: nativeCheck.failure }, name).toEqual({
          mismatches: wasmCheck.mismatches,
          routes: wasmCheck.routes,
          failure: null,
        });
        if (!module.hazard) expect(nativeCheck.mismatches, name).toBe(0);
      }
    });
  }

  it("xen-unguarded reproduces the hazard natively: 65 and 87 reach iret on pv64", async () => {
    const { spec, modules, native } = built.get("xen:pv64")!;
    const cases = checkCases(spec, { random: 0, seed: 1 });
    const check = await checkNative(
      spec,
      { strategy: "xen-unguarded", control: false, binary: native.get("xen-unguarded")!.binary },
      cases,
      modules.get("table")!.bytes,
    );
    expect(check.mismatches).toBeGreaterThan(0);
    const iret = spec.handlers.find((h) => h.name === "iret")!;
    const misrouted = check.examples.filter((m) => m.op === 65 || m.op === 87).map((m) => m.routedTo);
    expect(misrouted).toEqual([`iret (${iret.id})`, `iret (${iret.id})`]);
  });

  for (const label of ["xen:pv64", "synthetic:48,levels=4,sparse=2,body=mem:4"]) {
    it(`${label}: the native harness sums what the wasm run sums`, async () => {
      const { spec, modules, native } = built.get(label)!;
      const rng = seededRng(5);
      const maxId = Math.max(...spec.handlers.map((h) => h.id));
      const stream = Int32Array.from({ length: 2000 }, () => {
        const r = rng.float();
        return r < 0.7 ? rng.pick(spec.handlers).id : r < 0.9 ? rng.int(0, maxId + 70) : rng.int(-(2 ** 31), 2 ** 31 - 1);
      });
      const reps = 3;
      for (const name of NAMES) {
        const module = modules.get(name)!;
        if (skipUnsupported(module)) continue;
        const exports = instantiate(module.bytes);
        const base = (exports["stream_base"] as WebAssembly.Global).value as number;
        const memory = exports["memory"] as WebAssembly.Memory;
        const need = base + stream.byteLength - memory.buffer.byteLength;
        if (need > 0) memory.grow(Math.ceil(need / 65536));
        new Int32Array(memory.buffer, base, stream.length).set(stream);
        const wasm = (exports["run"] as (b: number, c: number, r: number) => bigint)(base, stream.length, reps);
        expect(await nativeChecksum(native.get(name)!.binary, stream, reps, base), name).toBe(wasm);
      }
    });
  }

  it("records the compiler's version line and every flag", () => {
    const out = built.get("xen:pv64")!.native.get("chain")!;
    expect(out.version).toBe(spawnSync("cc", ["--version"], { encoding: "utf8" }).stdout.split("\n")[0]!.trim());
    expect(out.flags).toEqual(["-O2", "-fno-optimize-sibling-calls", "-fno-lto"]);
  });
});
