import { describe, expect, it } from "vitest";
import { formatProblem } from "../../../src/errors.js";
import { evalIfExpression, expandMacros, preprocess } from "../../../src/spec/import/preprocess.js";
import { labError } from "../helpers.js";

const defs = (...names: string[]): Map<string, string> => new Map(names.map((n) => [n, "1"]));
/** The surviving lines as `line: text`, to see both what survived and where it came from. */
const run = (text: string, defines = defs()): string[] => preprocess(text, "f.c", defines).lines.map((l) => `${l.line}: ${l.text}`);
const errors = (text: string, defines = defs()): string[] => labError(() => preprocess(text, "f.c", defines)).problems.map(formatProblem);

describe("preprocess: conditionals", () => {
  it("keeps the taken group of nested #ifdef / #ifndef / #else", () => {
    const text = ["#ifdef A", "a", "#ifndef B", "a-not-b", "#else", "a-b", "#endif", "#else", "not-a", "#endif", "end"].join("\n");
    expect(run(text, defs("A"))).toEqual(["2: a", "4: a-not-b", "11: end"]);
    expect(run(text, defs("A", "B"))).toEqual(["2: a", "6: a-b", "11: end"]);
    expect(run(text)).toEqual(["9: not-a", "11: end"]);
  });

  it("takes the first true #elif, and nothing after a taken group", () => {
    const text = ["#if defined(A)", "one", "#elif defined B", "two", "#elif 1", "three", "#else", "four", "#endif"].join("\n");
    expect(run(text, defs("A", "B"))).toEqual(["2: one"]);
    expect(run(text, defs("B"))).toEqual(["4: two"]);
    expect(run(text)).toEqual(["6: three"]);
  });

  it("evaluates defined(), !, &&, || and parentheses with C's precedence", () => {
    const d = defs("X86", "PAGING");
    expect(evalIfExpression("defined(X86) && defined(PAGING) && !defined(SHIM)", d)).toBe(true);
    expect(evalIfExpression("defined(X86) && defined(PAGING) && !defined(PAGING)", d)).toBe(false);
    expect(evalIfExpression("defined(ARM) || defined X86 && !defined(SHIM)", d)).toBe(true);
    expect(evalIfExpression("(defined(ARM) || defined X86) && defined(SHIM)", d)).toBe(false);
    expect(evalIfExpression("!(0 || 0)", d)).toBe(true);
  });

  it("reads macro values in #if: numbers count, names that are not macros are 0", () => {
    const d = new Map([
      ["LEVEL", "2"],
      ["OFF", "0"],
      ["ALIAS", "LEVEL"],
      ["HEX", "0x10UL"],
    ]);
    expect(evalIfExpression("LEVEL", d)).toBe(true);
    expect(evalIfExpression("OFF", d)).toBe(false);
    expect(evalIfExpression("UNDEFINED_NAME", d)).toBe(false);
    expect(evalIfExpression("ALIAS == 2 && HEX > 15 && LEVEL != 3 && 1 <= LEVEL", d)).toBe(true);
  });

  it("does not evaluate the expressions of groups that cannot be taken (as C)", () => {
    expect(run(["#if 0", "#if a +", "#endif", "#endif", "ok"].join("\n"))).toEqual(["5: ok"]);
    expect(run(["#if 1", "taken", "#elif also bad +", "#endif"].join("\n"))).toEqual(["2: taken"]);
  });

  it("ignores directives other than the conditionals in a skipped group", () => {
    expect(run(["#ifdef NOPE", "#frobnicate", "#error not here", "#define X 1", "#endif", "X"].join("\n"))).toEqual(["6: X"]);
  });
});

describe("preprocess: macros", () => {
  it("records #define and #undef as it goes, only in active groups", () => {
    const text = ["#define P hvm", "a P", "#undef P", "b P", "#ifdef NOPE", "#define P nope", "#endif", "c P"].join("\n");
    expect(run(text)).toEqual(["2: a hvm", "4: b P", "8: c P"]);
    expect(preprocess("#define Q 7\n#define R", "f.c", defs("A")).defines).toEqual(
      new Map([
        ["A", "1"],
        ["Q", "7"],
        ["R", ""],
      ]),
    );
  });

  it("expands a macro defined with no value to nothing (PREFIX_hvm without CONFIG_HVM)", () => {
    const text = ["#ifdef CONFIG_HVM", "#define PREFIX_hvm hvm", "#else", "#define PREFIX_hvm", "#endif", "prefix: do PREFIX_hvm PREFIX_compat"].join("\n");
    expect(run(text, defs("CONFIG_HVM"))).toEqual(["6: prefix: do hvm PREFIX_compat"]);
    expect(run(text)).toEqual(["6: prefix: do  PREFIX_compat"]);
  });

  it("replaces whole words only, and expands until stable", () => {
    const d = new Map([
      ["A", "B"],
      ["B", "C c"],
      ["do", "DO"],
    ]);
    expect(expandMacros("A AB xA A_ do:1 (A)", d)).toBe("C c AB xA A_ DO:1 (C c)");
  });

  it("stops on self-reference and cycles (C's rule) instead of looping", () => {
    expect(expandMacros("A", new Map([["A", "A"]]))).toBe("A");
    expect(
      expandMacros(
        "A",
        new Map([
          ["A", "B"],
          ["B", "A"],
        ]),
      ),
    ).toBe("A");
  });

  it("leaves string literals and numbers alone", () => {
    expect(expandMacros('X "X" 1X X', new Map([["X", "y"]]))).toBe('y "X" 1X y');
  });

  it("reports an expansion deeper than 10 levels at its line", () => {
    const chain = Array.from({ length: 12 }, (_, i) => `#define M${i} M${i + 1}`).join("\n");
    expect(errors(`${chain}\nM0`)).toEqual(["f.c:13: macro M10 expands more than 10 levels deep"]);
  });
});

describe("preprocess: comments and continuations", () => {
  it("drops // and /* */ comments, also inside directives", () => {
    expect(run(["a // gone", "b /* gone */ c", "#ifdef A /* comment */", "d", "#endif // done", "/* whole line */"].join("\n"), defs("A"))).toEqual([
      "1: a",
      "2: b   c",
      "4: d",
    ]);
  });

  it("joins the text around a multi-line comment into the line where it opened", () => {
    expect(run(["x /* one", "two", "three */ y", "z"].join("\n"))).toEqual(["1: x   y", "4: z"]);
  });

  it("joins backslash continuations, numbered by their first line", () => {
    const text = ["#if defined(A) && \\", "    defined(B)", "both", "#endif", "long \\", "line"].join("\n");
    expect(run(text, defs("A", "B"))).toEqual(["3: both", "5: long line"]);
    expect(run(text, defs("A"))).toEqual(["5: long line"]);
  });

  it("does not see comment markers inside string literals", () => {
    expect(run('s "a // b /* c" t')).toEqual(['1: s "a // b /* c" t']);
  });

  it("ignores #include and #pragma", () => {
    expect(run(["#include <public/xen.h>", "#pragma once", "#", "x"].join("\n"))).toEqual(["4: x"]);
  });
});

describe("preprocess: errors, each FILE:LINE: message", () => {
  it("an unterminated #if, at the line of the #if", () => {
    expect(errors(["#ifdef A", "#if B", "#endif", "x"].join("\n"))).toEqual(["f.c:1: unterminated #ifdef: no #endif before the end of the file"]);
  });

  it("#else, #elif and #endif without #if", () => {
    expect(errors(["#else", "#elif 1", "#endif"].join("\n"))).toEqual(["f.c:1: #else without #if", "f.c:2: #elif without #if", "f.c:3: #endif without #if"]);
  });

  it("#elif or #else after #else", () => {
    expect(errors(["#if 1", "#else", "#elif 1", "#else", "#endif"].join("\n"))).toEqual(["f.c:3: #elif after #else", "f.c:4: #else after #else"]);
  });

  it("a bad #if expression", () => {
    expect(errors(["#if defined(A", "#endif", "#if A +", "#endif", "#if", "#endif"].join("\n"))).toEqual([
      'f.c:1: bad #if expression "defined(A": defined needs a macro name: defined(NAME) or defined NAME',
      'f.c:3: bad #if expression "A +": unsupported "+"',
      'f.c:5: bad #if expression "": no expression',
    ]);
  });

  it("unknown directives, function-like macros, #error and an unterminated comment, all at once", () => {
    expect(errors(["#line 7", "#define F(x) x", "#error stop here", "#ifdef", "#endif", "/* open"].join("\n"))).toEqual([
      'f.c:1: unknown directive "#line"',
      'f.c:2: function-like macro "F(" is not supported (only object-like #define NAME [value])',
      "f.c:3: #error stop here",
      "f.c:4: #ifdef needs a macro name",
      "f.c:6: unterminated /* comment",
    ]);
  });

  it("is a spec-invalid LabError with a fix", () => {
    const e = labError(() => preprocess("#endif", "f.c", defs()));
    expect(e.code).toBe("spec-invalid");
    expect(e.message).toBe("f.c:1: #endif without #if");
    expect(e.fix).toContain("docs/import.md");
  });

  it("does not modify the defines it is given", () => {
    const d = defs("A");
    preprocess("#define B 1\n#undef A", "f.c", d);
    expect(d).toEqual(defs("A"));
  });
});
