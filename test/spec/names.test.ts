/** Spec and handler names reach every output: printable, 1..128 characters. */
import { describe, expect, it } from "vitest";
import { LabError } from "../../src/errors.js";
import { MAX_NAME_LENGTH, validateSpec } from "../../src/spec/validate.js";

const problemsOf = (input: unknown): LabError => {
  try {
    validateSpec(input, "spec.json");
  } catch (e) {
    if (e instanceof LabError) return e;
    throw e;
  }
  throw new Error("expected a LabError");
};

const spec = (name: string, handlerName = "h") => ({ name, handlers: [{ id: 1, name: handlerName }] });

describe("spec names", () => {
  it("refuse control characters at `name`, showing the character, with a fix", () => {
    const cases: [string, string][] = [
      ["x\u001b]0;owned\u0007", "\\x1b"],
      ["bell\u0007", "\\x07"],
      ["nul\u0000", "\\x00"],
      ["c1\u009b", "\\x9b"],
      ["rtl\u202eevil", "\\u202e"],
      ["two\nlines", "\\x0a"],
    ];
    for (const [name, shown] of cases) {
      const e = problemsOf(spec(name));
      expect(e.code).toBe("spec-invalid");
      expect(e.problems).toEqual([{ path: "name", message: expect.stringContaining(`control character ${shown}`) }]);
      expect(e.fix).toContain("spec.json");
      expect(e.message).not.toMatch(/[\u0000-\u001f\u009b\u202e]/);
    }
  });

  it("are at most 128 characters; any printable script is fine", () => {
    expect(MAX_NAME_LENGTH).toBe(128);
    expect(validateSpec(spec("n".repeat(128))).name).toHaveLength(128);
    expect(validateSpec(spec("仕様 ✓ storage-backend (v2)")).name).toBe("仕様 ✓ storage-backend (v2)");
    expect(problemsOf(spec("n".repeat(129))).problems).toEqual([{ path: "name", message: "129 characters; at most 128 are allowed" }]);
    expect(problemsOf(spec("   ")).problems).toEqual([{ path: "name", message: "must not be empty" }]);
  });

  it("handler names and body kinds are identifiers of at most 128 characters", () => {
    expect(problemsOf(spec("ok", "h".repeat(129))).problems).toEqual([{ path: "handlers[0].name", message: "129 characters; at most 128 are allowed" }]);
    expect(problemsOf({ name: "ok", handlers: [{ id: 1, name: "h", body: { kind: "k".repeat(200) } }] }).problems[0]!.path).toBe("handlers[0].body.kind");
  });
});

describe("spec errors", () => {
  it("print the first 20 problems and how many more; the error keeps them all", () => {
    const handlers = Array.from({ length: 30 }, (_, i) => ({ id: 7, name: `h${i}` }));
    const e = problemsOf({ name: "dupes", handlers });
    expect(e.problems).toHaveLength(29);
    const lines = e.message.split("\n");
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe("handlers[1].id: 7 duplicates handlers[0].id");
    expect(lines[20]).toBe("... and 9 more problems");
  });
});
