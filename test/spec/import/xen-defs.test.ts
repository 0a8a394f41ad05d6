import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../../src/errors.js";
import { defineMap, importXenDefs, importXenDefsText, parseNumbers, parseXenDefsArg, type XenImportOptions } from "../../../src/spec/import/xen-defs.js";
import { labError } from "../helpers.js";

const fixture = (name: string): string => join(import.meta.dirname, "../../fixtures/xen-defs", name);
const TINY_NUMBERS = fixture("tiny-numbers.csv");
/** The `FILE:LINE: message` lines an import fails with. */
const errorsOf = (name: string, options: XenImportOptions): string[] => labError(() => importXenDefs(fixture(name), options)).problems.map(formatProblem);
const text = (...lines: string[]): string => lines.join("\n");

describe("the README's tiny example", () => {
  const tiny = fixture("tiny.c");

  it("left, with no defines: ping at priority 1, tick unprioritised, the right column ignored", () => {
    const { spec, warnings, notes } = importXenDefs(tiny, { caller: "left", numbers: TINY_NUMBERS });
    expect(spec.name).toBe("xen-defs-left");
    expect(spec.args).toBe(5);
    expect(spec.fallback).toBe(-38n);
    expect(spec.handlers).toEqual([
      { id: 3, name: "ping", priority: 1, params: ["i32", "i64"], body: { kind: "noop", ops: 0 } },
      { id: 7, name: "tick", priority: undefined, params: [], body: { kind: "noop", ops: 0 } },
    ]);
    expect(warnings).toEqual([]);
    expect(notes).toEqual(["defines (no preset): none", "callers enabled: left; columns ignored (no active caller: line): right"]);
  });

  it("right, with CONFIG_RIGHT and CONFIG_FAST: ping through its fast prototype; tick is '-'", () => {
    const { spec, notes } = importXenDefs(tiny, { caller: "right", define: ["CONFIG_RIGHT", "CONFIG_FAST"], numbers: TINY_NUMBERS });
    expect(spec.handlers.map((h) => [h.name, h.priority, h.params])).toEqual([["ping", undefined, ["i32", "i64"]]]);
    expect(notes).toContain('not callable by right ("-"): tick');
  });

  it("right without CONFIG_FAST: PREFIX_fast expands to nothing, so ping has no fast prototype", () => {
    expect(errorsOf("tiny.c", { caller: "right", define: ["CONFIG_RIGHT"], numbers: TINY_NUMBERS })).toEqual([
      `${tiny}:15: no prototype for hypercall ping with prefix fast`,
    ]);
  });

  it("right without CONFIG_RIGHT: a disabled caller", () => {
    expect(errorsOf("tiny.c", { caller: "right", numbers: TINY_NUMBERS })).toEqual([
      `${tiny}:12: caller right is not enabled (its \`caller:\` line is inside a disabled #if)`,
    ]);
  });

  it("with the default numbers (Xen's), ping and tick have none", () => {
    expect(errorsOf("tiny.c", { caller: "left" })).toEqual([
      `${tiny}:15: hypercall ping has no known number (add it to --numbers)`,
      `${tiny}:16: hypercall tick has no known number (add it to --numbers)`,
    ]);
  });

  it("reads numbers from a C header too (hex, and an alias of another __HYPERVISOR_ name)", () => {
    const { spec } = importXenDefs(tiny, { caller: "left", numbers: fixture("tiny-numbers.h") });
    expect(spec.handlers.map((h) => [h.name, h.id])).toEqual([
      ["ping", 3],
      ["tick", 7],
    ]);
  });
});

describe("errors, each FILE:LINE: message", () => {
  const at = (name: string, line: number, message: string): string => `${fixture(name)}:${line}: ${message}`;
  const numbers = TINY_NUMBERS;

  it("an unterminated #if (at the #if)", () => {
    expect(errorsOf("unterminated-if.c", { caller: "left", numbers })).toEqual([
      at("unterminated-if.c", 3, "unterminated #ifdef: no #endif before the end of the file"),
    ]);
  });

  it("#else without #if, and the #endif after it", () => {
    expect(errorsOf("else-without-if.c", { caller: "left", numbers })).toEqual([
      at("else-without-if.c", 6, "#else without #if"),
      at("else-without-if.c", 8, "#endif without #if"),
    ]);
  });

  it("a table row with the wrong number of cells", () => {
    expect(errorsOf("cell-count.c", { caller: "left", numbers })).toEqual([at("cell-count.c", 8, "table row has 1 cells, the table has 2 callers")]);
  });

  it("a cell whose prefix has no prototype for that hypercall", () => {
    expect(errorsOf("no-prototype.c", { caller: "left", numbers })).toEqual([at("no-prototype.c", 7, "no prototype for hypercall ping with prefix fast")]);
  });

  it("a hypercall with no known number", () => {
    expect(errorsOf("unknown-number.c", { caller: "left", numbers })).toEqual([
      at("unknown-number.c", 8, "hypercall mystery_op has no known number (add it to --numbers)"),
    ]);
  });

  it("priority 100 (Xen's implicit level) written out", () => {
    expect(errorsOf("priority-100.c", { caller: "left", numbers })).toEqual([at("priority-100.c", 6, "priority 100 outside 1..99")]);
  });

  it("an unknown directive", () => {
    expect(errorsOf("unknown-directive.c", { caller: "left", numbers })).toEqual([at("unknown-directive.c", 4, 'unknown directive "callers:"')]);
  });

  it("a caller whose caller: line is under a false #if, and one the table does not name", () => {
    expect(errorsOf("disabled-caller.c", { caller: "right", numbers })).toEqual([
      at("disabled-caller.c", 6, "caller right is not enabled (its `caller:` line is inside a disabled #if)"),
    ]);
    expect(errorsOf("disabled-caller.c", { caller: "middle", numbers })).toEqual([
      at("disabled-caller.c", 8, "caller middle is not a column of the table (columns: left, right)"),
    ]);
    expect(importXenDefs(fixture("disabled-caller.c"), { caller: "right", define: ["CONFIG_RIGHT"], numbers }).spec.handlers.map((h) => h.name)).toEqual([
      "ping",
    ]);
  });

  it("a disabled column is not checked: its cells may name prefixes with no prototype", () => {
    const defs = text("prefix: do", "ping(int a)", "caller: left", "table: left right", "ping do nowhere:100");
    expect(importXenDefsText(defs, "d.c", { caller: "left" }, new Map([["ping", 1]])).spec.handlers).toHaveLength(1);
  });

  it("every problem at once, in file order", () => {
    const defs = text(
      "prefix: do",
      "ping(int a, b)", // 2: a parameter with no type
      "tick(int a, int b, int c, int d, int e, int f)", // 3: six parameters
      "tock(void)", // 4: the awk's rule: no name
      "not a prototype", // 5
      "rettype: do int", // 6: after prefix: do defaulted it to long
      "caller: left",
      "table: left",
      "ping do:0", // 9
      "ping do", // 10: a second row
      "tick maybe:", // 11
    );
    expect(
      labError(() =>
        importXenDefsText(
          defs,
          "e.c",
          { caller: "left" },
          new Map([
            ["ping", 1],
            ["tick", 2],
          ]),
        ),
      ).problems.map(formatProblem),
    ).toEqual([
      'e.c:2: parameter "b" of ping has no type or no name',
      "e.c:3: tick has 6 parameters; at most 5 are allowed",
      'e.c:4: parameter "void" of tock has no type or no name',
      'e.c:5: not a prototype line: "not a prototype" (expected name(type a, type *b, ...))',
      'e.c:6: the return type of prefix do is already set (line 1); set it once, before any "prefix:" line uses it',
      "e.c:9: priority 0 outside 1..99",
      "e.c:10: no prototype for hypercall ping with prefix do",
      'e.c:11: cell "maybe:" is not prefix[:priority] or -',
    ]);
  });

  it("a duplicate prototype, and two rows for one hypercall", () => {
    const defs = text("prefix: do", "ping(int a)", "ping(int a)", "caller: left", "table: left", "ping do", "ping do:1");
    expect(labError(() => importXenDefsText(defs, "e.c", { caller: "left" }, new Map([["ping", 1]]))).problems.map(formatProblem)).toEqual([
      "e.c:3: duplicate prototype for ping with prefix do (first at line 2)",
      "e.c:7: hypercall ping already has a row for caller left (line 6)",
    ]);
    const alias = text("prefix: do", "ping(int a)", "pong(int a)", "caller: left", "table: left", "ping do", "pong do");
    expect(
      labError(() =>
        importXenDefsText(
          alias,
          "e.c",
          { caller: "left" },
          new Map([
            ["ping", 1],
            ["pong", 1],
          ]),
        ),
      ).message,
    ).toBe("e.c:7: hypercall pong has number 1, as has ping for caller left (line 6)");
  });

  it("no table at all", () => {
    expect(labError(() => importXenDefsText("prefix: do\nping()", "e.c", { caller: "left" }, new Map())).message).toBe(
      'e.c: no "table:" line (the hypercall table starts with "table: <caller> ...")',
    );
  });

  it("a missing file is spec-not-found, a missing --numbers file is io, both with the path", () => {
    const missing = labError(() => importXenDefs(fixture("nope.c"), { caller: "pv64" }));
    expect([missing.code, missing.message]).toEqual(["spec-not-found", `${fixture("nope.c")}: no such file`]);
    const numbers = labError(() => importXenDefs(fixture("tiny.c"), { caller: "left", numbers: fixture("nope.csv") }));
    expect([numbers.code, numbers.message]).toEqual(["io", `${fixture("nope.csv")}: no such file`]);
  });
});

describe("types", () => {
  it("an unknown typedef is i64 with a warning at its prototype; pointers to it are just pointers", () => {
    const { spec, warnings } = importXenDefs(fixture("unknown-type.c"), { caller: "left", numbers: TINY_NUMBERS });
    expect(spec.handlers[0]?.params).toEqual(["i32", "i64", "i64"]);
    expect(warnings).toEqual([`${fixture("unknown-type.c")}:2: unknown type "foo_t" in ping, taken as i64`]);
  });

  it("fixed-width C types are known (real compat prototypes use int32_t)", () => {
    const defs = text("prefix: compat", "set_timer_op(uint32_t lo, int32_t hi)", "caller: c", "table: c", "set_timer_op compat");
    const { spec, warnings } = importXenDefsText(defs, "t.c", { caller: "c" }, new Map([["set_timer_op", 15]]));
    expect([spec.handlers[0]?.params, warnings]).toEqual([["i32", "i32"], []]);
  });
});

describe("options", () => {
  it("presets by caller, then --define (NAME is 1), then --undefine", () => {
    expect(defineMap({ caller: "pv64" }).get("CONFIG_PV")).toBe("1");
    expect(defineMap({ caller: "arm" }).has("CONFIG_ARM")).toBe(true);
    expect(defineMap({ caller: "arm" }).has("CONFIG_X86")).toBe(false);
    expect(defineMap({ caller: "left" }).size).toBe(0);
    expect(defineMap({ caller: "left", arch: "x86" }).has("CONFIG_X86")).toBe(true);
    const d = defineMap({ caller: "pv64", define: ["CONFIG_ARGO", "LEVEL=2"], undefine: ["CONFIG_PV32", "CONFIG_ARGO"] });
    expect([d.get("LEVEL"), d.has("CONFIG_ARGO"), d.has("CONFIG_PV32")]).toEqual(["2", false, false]);
  });

  it("rejects bad defines, arches and callers as usage errors", () => {
    expect(labError(() => defineMap({ caller: "pv64", define: ["1X"] })).message).toBe('--define: "1X" is not NAME or NAME=VALUE');
    expect(labError(() => defineMap({ caller: "pv64", undefine: ["a-b"] })).code).toBe("usage");
    expect(labError(() => defineMap({ caller: "pv64", arch: "riscv" as "x86" })).message).toBe('--arch: "riscv" is not x86 or arm');
    expect(labError(() => importXenDefsText("", "e.c", { caller: "pv-64" }, new Map())).code).toBe("usage");
  });

  it("parseXenDefsArg: xen-defs:FILE#CALLER", () => {
    expect(parseXenDefsArg("xen-defs:path/to/hypercall-defs.c#pv64")).toEqual({ file: "path/to/hypercall-defs.c", caller: "pv64" });
    expect(parseXenDefsArg("xen-defs:odd#dir/defs.c#arm")).toEqual({ file: "odd#dir/defs.c", caller: "arm" });
    for (const bad of ["xen-defs:defs.c", "xen-defs:#pv64", "xen-defs:defs.c#", "defs.c#pv64"]) {
      const e = labError(() => parseXenDefsArg(bad));
      expect([e.code, e.message]).toEqual(["usage", `${bad}: expected xen-defs:FILE#CALLER, a hypercall-defs.c and the caller column to import`]);
    }
  });
});

describe("parseNumbers", () => {
  it("reads a number,name CSV and rejects bad rows at FILE:LINE", () => {
    expect(parseNumbers("number,name\n48,mca\n\n49,paging_domctl_cont\n", "n.csv")).toEqual(
      new Map([
        ["mca", 48],
        ["paging_domctl_cont", 49],
      ]),
    );
    expect(labError(() => parseNumbers("number,name\nx,mca\n70000,big\n", "n.csv")).problems.map(formatProblem)).toEqual([
      'n.csv:2: expected "number,name" with number in 0..65535, got "x,mca"',
      'n.csv:3: expected "number,name" with number in 0..65535, got "70000,big"',
    ]);
  });

  it("reads #define __HYPERVISOR_* from a header, resolving aliases and skipping other values", () => {
    const h = text(
      "#define __HYPERVISOR_set_trap_table 0",
      "#define __HYPERVISOR_sched_op 29 /* the new one */",
      "#define __HYPERVISOR_sched_op_new __HYPERVISOR_sched_op",
      "# define __HYPERVISOR_arch_0 0x30UL",
      "#define __HYPERVISOR_mca __HYPERVISOR_arch_0",
      "#define __HYPERVISOR_weird (__HYPERVISOR_arch_0 + 1)",
    );
    expect(parseNumbers(h, "xen.h")).toEqual(
      new Map([
        ["set_trap_table", 0],
        ["sched_op", 29],
        ["sched_op_new", 29],
        ["arch_0", 48],
        ["mca", 48],
      ]),
    );
  });

  it("a file that is neither is an error", () => {
    expect(labError(() => parseNumbers("hello\n", "x.txt")).message).toBe(
      'x.txt: neither a "number,name" CSV nor a header with "#define __HYPERVISOR_name N" lines',
    );
  });
});
