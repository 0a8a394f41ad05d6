import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCases } from "../../../src/check/cases.js";
import { compileNative, NATIVE_FLAGS } from "../../../src/emit/native/compile.js";
import { nativeDispatch } from "../../../src/emit/native/invoke.js";
import { lowerC } from "../../../src/emit/native/lower-c.js";
import {
  auditDisassembly,
  auditMachineCode,
  checkMachineClaims,
  dispatchCode,
  type MachineAudit,
  parseObjdump,
} from "../../../src/emit/native/machine-audit.js";
import { shapeFlags, shapeFlagsWhy, strategyShapeFlags } from "../../../src/emit/native/shape-flags.js";
import {
  compilerFamily,
  NATIVE_VARIANTS,
  type NativeVariant,
  RETURN_THUNK_C,
  RETURN_THUNK_UNIT,
  VARIANTS,
  variantFlags,
  variantUnits,
} from "../../../src/emit/native/variants.js";
import { strategies } from "../../../src/emit/strategies/index.js";
import type { Strategy } from "../../../src/emit/strategy.js";
import { loadSpec } from "../../../src/spec/load.js";
import type { Spec } from "../../../src/spec/types.js";
import { tinySpec } from "../../helpers.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "objdump");
const fixture = (name: string): string => readFileSync(join(FIXTURES, `${name}.txt`), "utf8");
/** The fixtures' dispatch.c is the tiny spec's (test/fixtures/objdump/README.md). */
const tiny = tinySpec();
const S = (name: string): Strategy => strategies[name]!;
const countsOf = (text: string) => {
  const code = dispatchCode(parseObjdump(text));
  if (typeof code === "string") throw new Error(code);
  return code;
};

describe("parseObjdump and the counts, on fixture disassembly", () => {
  it("x86-64 gcc table: one indirect call through the table, the bounds check, adapters apart", () => {
    const text = fixture("x86-64-gcc-table");
    const d = parseObjdump(text);
    expect(d).toMatchObject({ format: "elf64-x86-64", arch: "x86-64" });
    expect(d.functions.map((f) => f.name)).toEqual(expect.arrayContaining(["dispatch", "dl_adapt0", "dl_adapt12"]));
    const call = d.functions.find((f) => f.name === "dispatch")!.instructions.find((i) => i.mnemonic === "call")!;
    expect(call.operands).toMatch(/^\*/);
    const { counted, others } = countsOf(text);
    expect(counted.counts).toMatchObject({ indirectCalls: 1, bareIndirect: 1, indirectJumps: 0, directCalls: 0, compares: 1, orderedBranches: 1 });
    // The adapters call their handler directly (the relocation names it).
    expect(others["dl_adapt0"]).toMatchObject({ directCalls: 1, directCallTargets: 1, indirectCalls: 0, indirectJumps: 0 });
    expect(auditDisassembly(text, S("table"), tiny).violations).toEqual([]);
  });

  it("x86-64 gcc chain (shape flags): a compare and an equality branch per handler, each handler called", () => {
    const text = fixture("x86-64-gcc-chain");
    const { counted } = countsOf(text);
    expect(counted.callees).toEqual(["h0", "h12", "h2", "h3", "h5", "h6", "h7", "h9"]);
    expect(counted.counts).toMatchObject({ indirectJumps: 0, compares: 8, equalityBranches: 8, orderedBranches: 0, tailCalls: 0 });
    expect(auditDisassembly(text, S("chain"), tiny).violations).toEqual([]);
  });

  it("x86-64 gcc chain without the shape flags: if-to-switch made it a jump table, and the audit says so", () => {
    const text = fixture("x86-64-gcc-chain-jump-table");
    expect(countsOf(text).counted.counts.indirectJumps).toBe(1);
    const audit = auditDisassembly(text, S("chain"), tiny);
    expect(audit.violations).toContain("chain claims: indirectJumps x1, expected 0 (a jump table or computed jump: the compiler made a switch of compares)");
    // The same object passes as a switch: the shape is switch's, not chain's.
    expect(auditDisassembly(text, S("switch"), tiny).violations).toEqual([]);
  });

  it("x86-64 gcc xen: masks, compares and direct calls, no indirect branch", () => {
    const text = fixture("x86-64-gcc-xen");
    expect(countsOf(text).counted.counts).toMatchObject({ indirectCalls: 0, indirectJumps: 0, directCallTargets: 8 });
    expect(auditDisassembly(text, S("xen"), tiny).violations).toEqual([]);
  });

  it("x86-64 clang switch: the jump table's `jmp *`", () => {
    const text = fixture("x86-64-clang-switch");
    expect(countsOf(text).counted.counts).toMatchObject({ indirectJumps: 1, bareIndirect: 1, indirectCalls: 0, directCallTargets: 8 });
    expect(auditDisassembly(text, S("switch"), tiny).violations).toEqual([]);
    // Under nojt the same code would be a violation: the variant forbids jump tables.
    expect(auditDisassembly(text, S("switch"), tiny, "nojt").violations).toEqual([
      "switch claims: indirectJumps x1, expected at most 0 (a jump table or computed jump: the compiler made a switch of compares)",
    ]);
  });

  it("x86-64 clang chain with -fno-jump-tables: no jump table, but a search tree, so not a chain", () => {
    const text = fixture("x86-64-clang-chain-nojt");
    const { counts } = countsOf(text).counted;
    expect(counts.indirectJumps).toBe(0);
    expect(counts.orderedBranches).toBeGreaterThan(0);
    expect(auditDisassembly(text, S("chain"), tiny).violations).toEqual([
      `chain claims: orderedBranches x${counts.orderedBranches}, expected 0 (ordered branches: the compiler rebuilt the compare chain as a search tree)`,
    ]);
  });

  it("retpoline: calls to gcc's __x86_indirect_thunk_rax and clang's __llvm_retpoline_r11 are indirect calls (relocations name them)", () => {
    for (const [name, thunk] of [
      ["x86-64-gcc-retpoline-table", "__x86_indirect_thunk_rax"],
      ["x86-64-clang-retpoline-table", "__llvm_retpoline_r11"],
    ] as const) {
      const text = fixture(name);
      const code = countsOf(text);
      expect(code.counted.counts, name).toMatchObject({ indirectCalls: 1, bareIndirect: 0, directCalls: 0 });
      expect(code.counted.thunks, name).toEqual([thunk]);
      // The thunk is the compiler's own function in the object: not counted as another function.
      expect(Object.keys(code.others), name).not.toContain(thunk);
      expect(auditDisassembly(text, S("table"), tiny, "retpoline").violations, name).toEqual([]);
    }
    // A plain `call *` is what the retpoline variant forbids.
    expect(auditDisassembly(fixture("x86-64-gcc-table"), S("table"), tiny, "retpoline").violations).toEqual([
      "variant retpoline: bareIndirect x1, expected 0 (an indirect branch outside a retpoline thunk)",
    ]);
  });

  it("ibt: `notrack jmp *` is an indirect jump (prefix apart), endbr64 at entry", () => {
    const text = fixture("x86-64-gcc-ibt-switch");
    const jump = parseObjdump(text)
      .functions.find((f) => f.name === "dispatch")!
      .instructions.find((i) => i.prefixes.includes("notrack"))!;
    expect(jump).toMatchObject({ mnemonic: "jmp", prefixes: ["notrack"] });
    expect(jump.operands).toMatch(/^\*%r/);
    const { counted } = countsOf(text);
    expect(counted.counts).toMatchObject({ indirectJumps: 1, endbr: 1 });
    expect(counted.first).toBe("endbr64");
    expect(auditDisassembly(text, S("switch"), tiny, "ibt").violations).toEqual([]);
    expect(auditDisassembly(fixture("x86-64-clang-switch"), S("switch"), tiny, "ibt").violations).toEqual([
      "variant ibt: endbr x0, expected at least 1 (no endbr64 landing pad)",
      "variant ibt: dispatch starts with push, not endbr64",
    ]);
  });

  it("rethunk: `jmp __x86_return_thunk` is a return (gcc, and clang 16's thunk-extern)", () => {
    for (const [name, strategy] of [
      ["x86-64-gcc-rethunk-chain", "chain"],
      ["x86-64-clang16-rethunk-table", "table"],
    ] as const) {
      const text = fixture(name);
      const { counts, thunks } = countsOf(text).counted;
      expect(counts.returns, name).toBeGreaterThan(0);
      expect(counts, name).toMatchObject({ bareReturns: 0, tailCalls: 0 });
      expect(thunks, name).toEqual(["__x86_return_thunk"]);
      expect(auditDisassembly(text, S(strategy), tiny, "rethunk").violations, name).toEqual([]);
    }
    expect(auditDisassembly(fixture("x86-64-gcc-chain"), S("chain"), tiny, "rethunk").violations[0]).toMatch(
      /^variant rethunk: bareReturns x\d+, expected 0 \(a plain ret, not through the return thunk\)$/,
    );
  });

  it("aarch64: blr is the table's indirect call, br the switch's jump table, bl the direct calls", () => {
    const table = fixture("aarch64-clang-table");
    expect(parseObjdump(table)).toMatchObject({ format: "elf64-littleaarch64", arch: "aarch64" });
    expect(countsOf(table).counted.counts).toMatchObject({ indirectCalls: 1, bareIndirect: 1, indirectJumps: 0, compares: 1, orderedBranches: 1, returns: 2 });
    expect(auditDisassembly(table, S("table"), tiny).violations).toEqual([]);
    const sw = fixture("aarch64-clang-switch");
    const { counted } = countsOf(sw);
    expect(counted.counts).toMatchObject({ indirectJumps: 1, indirectCalls: 0, directCallTargets: 8 });
    expect(counted.callees).toEqual(["h0", "h12", "h2", "h3", "h5", "h6", "h7", "h9"]);
    expect(auditDisassembly(sw, S("switch"), tiny).violations).toEqual([]);
    // gcc's chain: cbz for id 0 (a compare and an equality branch in one), cmp + b.eq for the rest.
    const chain = fixture("aarch64-gcc-chain");
    expect(countsOf(chain).counted.counts).toMatchObject({ compares: 8, equalityBranches: 8, orderedBranches: 0, directCallTargets: 8, indirectJumps: 0 });
    expect(auditDisassembly(chain, S("chain"), tiny).violations).toEqual([]);
    // The x86 variants' checks do not apply to aarch64 code.
    expect(auditDisassembly(table, S("table"), tiny, "retpoline").violations).toEqual([]);
  });

  it("a part gcc split off (dispatch.cold) counts as dispatch; jumps to it are no tail call", () => {
    const code = countsOf(fixture("x86-64-gcc-cold-part"));
    expect(code.parts).toEqual(["dispatch", "dispatch.cold"]);
    expect(code.counted.callees).toEqual(["h1", "h2", "report"]);
    expect(code.counted.counts).toMatchObject({ directCalls: 3, tailCalls: 0, compares: 2 });
  });

  it("a linked binary (targets from objdump's <symbol>), Mach-O names, raw bytes, and a dispatch that tail-calls", () => {
    const linked = [
      "dispatch:     file format elf64-x86-64",
      "",
      "Disassembly of section .text:",
      "",
      "0000000000001140 <dispatch>:",
      "    1140:\tf3 0f 1e fa          \tendbr64",
      "    1144:\t83 ff 01             \tcmp    $0x1,%edi",
      "    1147:\t74 07                \tje     1150 <dispatch+0x10>",
      "    1149:\te9 12 00 00 00       \tjmp    1160 <h2>",
      "    1150:\te8 1b 00 00 00       \tcall   1170 <h1@plt>",
      "    1155:\tc3                   \tret",
      "    1156:\t66 2e 0f 1f 84 00 00 \tcs nopw 0x0(%rax,%rax,1)",
      "    115d:\t00 00 00 ",
      "",
      "0000000000001160 <h2>:",
      "    1160:\tc3                   \tret",
    ].join("\n");
    const code = countsOf(linked);
    expect(code.counted.callees).toEqual(["h1"]);
    expect(code.counted.counts).toMatchObject({ instructions: 6, directCalls: 1, tailCalls: 1, compares: 1, equalityBranches: 1, returns: 1, endbr: 1 });
    expect(auditDisassembly(linked, S("direct"), tiny).violations).toContain(
      "build: tailCalls x1, expected 0 (a sibling call: a dispatch must call its handler and return)",
    );
    const macho = [
      "dispatch.o:\tfile format mach-o-arm64",
      "",
      "Disassembly of section __TEXT,__text:",
      "",
      "0000000000000000 <_dispatch>:",
      "       0:\tcmp\tw0, #0x5",
      "       4:\tb.hi\t0x10 <_dispatch+0x10>",
      "       8:\tbl\t0x0 <_h1>",
      "       c:\tret",
    ].join("\n");
    expect(countsOf(macho).counted).toMatchObject({ callees: ["h1"], counts: { compares: 1, orderedBranches: 1, returns: 1 } });
  });

  it("a disassembly with no dispatch, or of another architecture, is a violation, not a crash", () => {
    expect(auditDisassembly("x.o:     file format elf64-x86-64\n", S("chain"), tiny).violations).toEqual(["no function `dispatch` in the disassembly"]);
    expect(auditDisassembly("x.o:     file format elf32-littleriscv\n", S("chain"), tiny).violations[0]).toMatch(/neither x86-64 nor aarch64/);
  });

  it("claims read as lines: exact, ranges and open ends", () => {
    const counts = countsOf(fixture("x86-64-gcc-chain")).counted.counts;
    expect(checkMachineClaims(counts, { compares: 3, equalityBranches: { min: 9 }, directCalls: { max: 2 }, returns: { min: 5, max: 6 } }, "w")).toEqual([
      "w: compares x8, expected 3",
      "w: equalityBranches x8, expected at least 9",
      `w: directCalls x${counts.directCalls}, expected at most 2`,
      `w: returns x${counts.returns}, expected 5..6`,
    ]);
  });
});

describe("variants", () => {
  const gcc12 = compilerFamily("gcc (Debian 12.2.0-14+deb12u1) 12.2.0")!;
  const clang14 = compilerFamily("Debian clang version 14.0.6")!;
  const clang16 = compilerFamily("Debian clang version 16.0.6 (15~deb12u1)")!;
  const apple = compilerFamily("Apple clang version 15.0.0 (clang-1500.1.0.2.5)")!;

  it("compilerFamily reads `cc --version`'s first line", () => {
    expect(gcc12).toEqual({ family: "gcc", major: 12, minor: 2, patch: 0, version: "12.2.0" });
    expect(clang14).toEqual({ family: "clang", major: 14, minor: 0, patch: 6, version: "14.0.6" });
    expect(apple).toEqual({ family: "clang", major: 15, minor: 0, patch: 0, version: "15.0.0", apple: true });
    expect(compilerFamily("cc (Ubuntu 13.2.0-4ubuntu3) 13.2.0")).toMatchObject({ family: "gcc", major: 13 });
    expect(compilerFamily("gcc (GCC) 13.2.1 20231011 (Red Hat 13.2.1-4)")).toMatchObject({ family: "gcc", version: "13.2.1" });
    expect(compilerFamily("x86_64-linux-gnu-gcc-12 (Debian 12.2.0-14) 12.2.0")).toMatchObject({ family: "gcc", major: 12 });
    expect(compilerFamily("Ubuntu clang version 18.1.3 (1ubuntu1)")).toMatchObject({ family: "clang", major: 18 });
    expect(compilerFamily("Apple LLVM version 10.0.0 (clang-1000.10.44.4)")).toMatchObject({ family: "clang", major: 10, apple: true });
    expect(compilerFamily("tcc version 0.9.27 (x86_64 Linux)")).toBeUndefined();
  });

  it("every variant has its flags per compiler, what it models and what it cannot", () => {
    for (const v of NATIVE_VARIANTS) {
      expect(VARIANTS[v].models.length, v).toBeGreaterThan(20);
      expect(VARIANTS[v].cannot.length, v).toBeGreaterThan(20);
    }
  });

  it("flags per variant and compiler on x64", () => {
    const flags = (v: NativeVariant, c: Parameters<typeof variantFlags>[1]) => variantFlags(v, c, "x64");
    expect(flags("o2", gcc12)).toEqual({ ok: true, flags: ["-fcf-protection=none"] });
    expect(flags("nojt", clang14)).toEqual({ ok: true, flags: ["-fcf-protection=none", "-fno-jump-tables"] });
    expect(flags("retpoline", gcc12)).toEqual({ ok: true, flags: ["-fcf-protection=none", "-mindirect-branch=thunk", "-mindirect-branch-register"] });
    expect(flags("retpoline", clang14)).toEqual({ ok: true, flags: ["-fcf-protection=none", "-mretpoline"] });
    expect(flags("ibt", gcc12)).toEqual({ ok: true, flags: ["-fcf-protection=branch"] });
    expect(flags("ibt", clang14)).toEqual({ ok: true, flags: ["-fcf-protection=branch"] });
    expect(flags("rethunk", gcc12)).toEqual({ ok: true, flags: ["-fcf-protection=none", "-mfunction-return=thunk"] });
    expect(flags("rethunk", clang16)).toEqual({ ok: true, flags: ["-fcf-protection=none", "-mfunction-return=thunk-extern"] });
    expect(flags("rethunk", clang14)).toEqual({ ok: false, reason: "native:rethunk skipped: clang 14.0.6 has no -mfunction-return (clang 16+)" });
    expect(flags("rethunk", apple)).toMatchObject({ ok: false, reason: expect.stringMatching(/Mach-O/) });
    expect(flags("ibt", { family: "gcc", major: 7, minor: 5 })).toMatchObject({ ok: false, reason: expect.stringMatching(/gcc 7\.5 has no -fcf-protection/) });
    expect(flags("o2", { family: "gcc", major: 7, minor: 5 })).toEqual({ ok: true, flags: [] });
    expect(flags("o2", undefined)).toEqual({ ok: true, flags: [] });
    expect(flags("retpoline", undefined)).toMatchObject({ ok: false, reason: expect.stringMatching(/not gcc or clang/) });
  });

  it("on arm64 the x86 mitigations are skipped with the reason; o2 and nojt build", () => {
    expect(variantFlags("o2", gcc12, "arm64")).toEqual({ ok: true, flags: [] });
    expect(variantFlags("nojt", clang14, "arm64")).toEqual({ ok: true, flags: ["-fno-jump-tables"] });
    for (const v of ["retpoline", "ibt", "rethunk"] as const) {
      const out = variantFlags(v, gcc12, "arm64");
      expect(out.ok, v).toBe(false);
      expect(!out.ok && out.reason, v).toMatch(new RegExp(`^native:${v} skipped on arm64: .*x86|^native:${v} skipped on arm64: IBT`));
    }
  });

  it("clang's rethunk build adds the return thunk unit; nothing else adds one", () => {
    expect(variantUnits("rethunk", clang16, "x64")).toEqual({ [RETURN_THUNK_UNIT]: RETURN_THUNK_C });
    expect(variantUnits("rethunk", gcc12, "x64")).toEqual({});
    expect(variantUnits("rethunk", clang14, "x64")).toEqual({});
    expect(variantUnits("o2", clang16, "x64")).toEqual({});
    expect(RETURN_THUNK_C).toMatch(/__x86_return_thunk:\\n"\n.*call 2f[\s\S]*pause[\s\S]*lfence[\s\S]*lea 8\(%rsp\), %rsp[\s\S]*ret/);
  });
});

describe("shape flags", () => {
  it("gcc 11+: if-to-switch off for every strategy; older gcc has no such pass", () => {
    expect(shapeFlags("gcc (Debian 12.2.0-14+deb12u1) 12.2.0")).toEqual(["-fdisable-tree-iftoswitch"]);
    expect(shapeFlags("gcc (Debian 12.2.0-14+deb12u1) 12.2.0", { jumpTable: true })).toEqual(["-fdisable-tree-iftoswitch"]);
    expect(shapeFlags({ family: "gcc", major: 10 })).toEqual([]);
    expect(shapeFlags("tcc version 0.9.27")).toEqual([]);
  });

  it("clang: no jump tables for the strategies that claim none; switch keeps its own", () => {
    const clang = compilerFamily("Debian clang version 14.0.6")!;
    const spec = tinySpec();
    for (const s of Object.values(strategies)) {
      const want = s.name === "switch" ? [] : ["-fno-jump-tables"];
      expect(strategyShapeFlags(clang, s, spec, "o2"), s.name).toEqual(want);
    }
    expect(shapeFlagsWhy(clang).why).toMatch(/SimplifyCFG/);
  });
});

// --- the real audit, with the compilers this machine has

const versionLine = (cc: string): string | undefined => {
  const out = spawnSync(cc, ["--version"], { encoding: "utf8" });
  return out.status === 0 ? out.stdout.split("\n")[0]!.trim() : undefined;
};
const HAS_OBJDUMP = spawnSync("objdump", ["--version"]).status === 0;
/** cc, gcc, clang, and the newest versioned clang (clang-16+ has rethunk) when installed: one of each compiler version. */
const COMPILERS = (() => {
  const seen = new Set<string>();
  const out: { cc: string; line: string }[] = [];
  for (const cc of ["cc", "gcc", "clang", ...Array.from({ length: 8 }, (_, i) => `clang-${21 - i}`)]) {
    const line = versionLine(cc);
    const id = line === undefined ? undefined : compilerFamily(line);
    if (!line || !id || seen.has(`${id.family} ${id.version}`)) continue;
    if (cc.startsWith("clang-") && out.some((c) => c.cc.startsWith("clang-"))) continue;
    seen.add(`${id.family} ${id.version}`);
    out.push({ cc, line });
  }
  return out;
})();
if (!HAS_OBJDUMP) console.log("test/emit/native/machine-audit: skipped the real audits: no objdump (apt-get install binutils)");
if (COMPILERS.length === 0) console.log("test/emit/native/machine-audit: skipped the real audits: no C compiler (apt-get install gcc clang)");
if (!COMPILERS.some((c) => compilerFamily(c.line)!.family === "clang"))
  console.log("test/emit/native/machine-audit: no clang: its audits skipped (apt-get install clang)");

const run = (file: string, args: readonly string[], cwd: string): Promise<void> =>
  new Promise((resolve, reject) =>
    execFile(file, args, { cwd }, (e, _o, stderr) => (e ? reject(new Error(`${file} ${args.join(" ")}: ${stderr}`)) : resolve())),
  );

/**
 * Compile a strategy's dispatch.c alone, as compileNative would (NATIVE_FLAGS, then the extra flags), and audit it.
 * `bare`: without the lowering's DL_OPAQUE barriers, what a plain C chain is to the compilers.
 */
async function auditOne(
  cc: string,
  spec: Spec,
  s: Strategy,
  variant: NativeVariant,
  extra: readonly string[],
  dir: string,
  bare = false,
): Promise<MachineAudit> {
  const lowered = lowerC(spec, s.plan(spec));
  if (!lowered.ok) throw new Error(lowered.reason);
  const stem = `${s.name}-${variant}${bare ? "-bare" : ""}`;
  const source = lowered.units["dispatch.c"];
  writeFileSync(join(dir, `${stem}.c`), bare ? source.replace(/^\s*DL_OPAQUE\(u\);\n/gm, "") : source);
  await run(cc, [...NATIVE_FLAGS, ...extra, "-c", `${stem}.c`, "-o", `${stem}.o`], dir);
  const audit = await auditMachineCode(join(dir, `${stem}.o`), s, spec, { variant });
  if (!audit.ok) throw new Error(audit.note);
  return audit;
}

describe.skipIf(!HAS_OBJDUMP || COMPILERS.length === 0)("the machine-code audit of real builds", () => {
  const pv64 = loadSpec("xen:pv64");

  for (const { cc, line } of COMPILERS) {
    const id = compilerFamily(line)!;
    it(`${line}: every strategy of xen:pv64 holds its claims in every variant the compiler supports`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "machine-audit-"));
      const results: string[] = [];
      const expected: string[] = [];
      for (const variant of NATIVE_VARIANTS) {
        const flags = variantFlags(variant, id, process.arch);
        if (!flags.ok) continue;
        for (const s of Object.values(strategies)) {
          const audit = await auditOne(cc, pv64, s, variant, [...flags.flags, ...strategyShapeFlags(id, s, pv64, variant)], dir);
          results.push(`${variant} ${s.name}: ${audit.violations.join("; ") || "ok"}`);
          expected.push(`${variant} ${s.name}: ok`);
          // The variant's mark is in the code: thunks, landing pads.
          if (process.arch === "x64" && s.name === "table") {
            if (variant === "retpoline") expect(audit.thunks[0], `${variant} ${s.name}`).toMatch(/^(__x86_indirect_thunk_rax|__llvm_retpoline_r11)$/);
            if (variant === "rethunk") expect(audit.thunks, `${variant} ${s.name}`).toEqual(["__x86_return_thunk"]);
            if (variant === "ibt") expect(audit.dispatch.endbr, `${variant} ${s.name}`).toBe(1);
          }
        }
      }
      expect(results).toEqual(expected);
    });

    it(`${line}: the audit rejects a chain compiled into a jump table (no barriers nor shape flags, synthetic:32)`, async () => {
      const dense = loadSpec("synthetic:32");
      const dir = mkdtempSync(join(tmpdir(), "machine-audit-"));
      const o2 = variantFlags("o2", id, process.arch);
      if (!o2.ok) throw new Error(o2.reason);
      const bare = await auditOne(cc, dense, S("chain"), "o2", o2.flags, dir, true);
      expect(bare.dispatch.indirectJumps).toBe(1);
      expect(bare.violations).toContain("chain claims: indirectJumps x1, expected 0 (a jump table or computed jump: the compiler made a switch of compares)");
      // As the lab builds it, the chain stays a chain: a compare, an equality branch and a call per handler.
      const shaped = await auditOne(cc, dense, S("chain"), "o2", [...o2.flags, ...strategyShapeFlags(id, S("chain"), dense, "o2")], dir);
      expect(shaped.violations).toEqual([]);
      expect(shaped.dispatch).toMatchObject({ indirectJumps: 0, compares: 32, equalityBranches: 32, orderedBranches: 0, directCallTargets: 32 });
    });

    if (id.family === "clang" && variantFlags("rethunk", id, process.arch).ok) {
      it(`${line}: rethunk links the supplied __x86_return_thunk, runs, and every return goes through it`, async () => {
        const s = S("table");
        const spec = tinySpec();
        const lowered = lowerC(spec, s.plan(spec));
        if (!lowered.ok) throw new Error(lowered.reason);
        const flags = variantFlags("rethunk", id, process.arch);
        if (!flags.ok) throw new Error(flags.reason);
        const units = { ...lowered.units, ...variantUnits("rethunk", id, process.arch) };
        const built = await compileNative(units, { cc, extraFlags: [...flags.flags, ...strategyShapeFlags(id, s, spec, "rethunk")], name: "table" });
        if (!built.ok) throw new Error(built.note);
        const cases = checkCases(spec, { random: 20, seed: 3 }).slice(0, 40);
        const plain = await compileNative(lowered.units, { cc, name: "table" });
        if (!plain.ok) throw new Error(plain.note);
        expect(await nativeDispatch(built.binary, cases)).toEqual(await nativeDispatch(plain.binary, cases));
        const audit = await auditMachineCode(built.objects["dispatch.c"]!, s, spec, "rethunk");
        expect(audit).toMatchObject({ ok: true, violations: [], thunks: ["__x86_return_thunk"], dispatch: { bareReturns: 0 } });
      });
    }
  }
});

describe("no objdump", () => {
  it("a missing objdump is an outcome naming the Debian package, not a crash", async () => {
    const out = await auditMachineCode("/nonexistent/dispatch.o", S("direct"), tinySpec(), { objdump: "/nonexistent/objdump" });
    expect(out).toMatchObject({ ok: false, reason: "no-objdump", objdump: "/nonexistent/objdump", package: "binutils" });
    expect(!out.ok && out.note).toMatch(/apt-get install binutils/);
  });
});
