import { describe, expect, it } from "vitest";
import { parseSpecJson, validateSpec } from "../../src/spec/validate.js";
import { labError, problemsOf } from "./helpers.js";

const handler = (id: number, extra: Record<string, unknown> = {}) => ({ id, name: `h${id}`, ...extra });
const spec = (handlers: unknown[], extra: Record<string, unknown> = {}) => ({ name: "t", handlers, ...extra });
const only = (input: unknown) => {
  const problems = problemsOf(() => validateSpec(input));
  expect(problems).toHaveLength(1);
  return problems[0];
};

describe("validateSpec defaults", () => {
  it("fills args, fallback, priority, params and body", () => {
    const s = validateSpec(spec([handler(3)]));
    expect(s).toEqual({
      name: "t",
      args: 5,
      fallback: -38n,
      handlers: [{ id: 3, name: "h3", priority: undefined, params: ["i64", "i64", "i64", "i64", "i64"], body: { kind: "noop", ops: 0 } }],
    });
  });

  it("sizes the default params to args", () => {
    expect(validateSpec(spec([handler(0)], { args: 2 })).handlers[0]?.params).toEqual(["i64", "i64"]);
    expect(validateSpec(spec([handler(0)], { args: 0 })).handlers[0]?.params).toEqual([]);
  });

  it("defaults body.ops to 0 and keeps what is given", () => {
    const s = validateSpec(spec([handler(0, { body: { kind: "alu" } }), handler(1, { body: { kind: "mem", ops: 64 }, priority: 2, params: ["i32"] })]));
    expect(s.handlers[0]?.body).toEqual({ kind: "alu", ops: 0 });
    expect(s.handlers[1]).toEqual({ id: 1, name: "h1", priority: 2, params: ["i32"], body: { kind: "mem", ops: 64 } });
  });

  it("reads fallback from a number or a decimal string, across the i64 range", () => {
    expect(validateSpec(spec([handler(0)], { fallback: 7 })).fallback).toBe(7n);
    expect(validateSpec(spec([handler(0)], { fallback: "-9223372036854775808" })).fallback).toBe(-(2n ** 63n));
    expect(validateSpec(spec([handler(0)], { fallback: "9223372036854775807" })).fallback).toBe(2n ** 63n - 1n);
  });

  it("keeps the handlers in the order written", () => {
    expect(validateSpec(spec([handler(9), handler(2), handler(5)])).handlers.map((h) => h.id)).toEqual([9, 2, 5]);
  });

  it("accepts the limits themselves", () => {
    const s = validateSpec(spec([handler(0, { priority: 1 }), handler(65535, { priority: 99, body: { kind: "x", ops: 1_000_000 } })], { args: 6 }));
    expect(s.handlers).toHaveLength(2);
    const many = Array.from({ length: 4096 }, (_, i) => handler(i));
    expect(validateSpec(spec(many)).handlers).toHaveLength(4096);
  });
});

describe("validateSpec problems", () => {
  const cases: [string, unknown, string, string][] = [
    ["empty name", spec([handler(0)], { name: "" }), "name", "must not be empty"],
    ["blank name", spec([handler(0)], { name: "  " }), "name", "must not be empty"],
    ["name not a string", spec([handler(0)], { name: 3 }), "name", "expected a string, got number 3"],
    ["missing name", { handlers: [handler(0)] }, "name", "missing (required)"],
    ["args too big", spec([handler(0)], { args: 7 }), "args", "7 is outside 0..6"],
    ["args negative", spec([handler(0)], { args: -1 }), "args", "-1 is outside 0..6"],
    ["args fractional", spec([handler(0)], { args: 2.5 }), "args", "2.5 is not an integer"],
    ["args a string", spec([handler(0)], { args: "5" }), "args", 'expected an integer, got string "5"'],
    ["fallback fractional", spec([handler(0)], { fallback: 1.5 }), "fallback", "1.5 is not an integer"],
    [
      "fallback unsafe",
      spec([handler(0)], { fallback: 2 ** 60 }),
      "fallback",
      `${2 ** 60} is beyond ±2^53 and loses precision in JSON; write it as a decimal string`,
    ],
    ["fallback hex", spec([handler(0)], { fallback: "0x10" }), "fallback", '"0x10" is not a decimal integer'],
    [
      "fallback above i64",
      spec([handler(0)], { fallback: "9223372036854775808" }),
      "fallback",
      "9223372036854775808 does not fit in i64 (-9223372036854775808..9223372036854775807)",
    ],
    [
      "fallback below i64",
      spec([handler(0)], { fallback: "-9223372036854775809" }),
      "fallback",
      "-9223372036854775809 does not fit in i64 (-9223372036854775808..9223372036854775807)",
    ],
    ["fallback boolean", spec([handler(0)], { fallback: true }), "fallback", "expected an integer (a number or a decimal string), got boolean true"],
    ["no handlers", spec([]), "handlers", "at least 1 handler is required"],
    ["handlers not an array", spec({} as unknown as unknown[]), "handlers", "expected an array, got an object"],
    ["too many handlers", spec(Array.from({ length: 4097 }, (_, i) => handler(i))), "handlers", "4097 handlers; at most 4096 are allowed"],
    ["handler not an object", spec([7]), "handlers[0]", "expected an object, got number 7"],
    ["handler null", spec([null]), "handlers[0]", "expected an object, got null"],
    ["id too big", spec([handler(70000)]), "handlers[0].id", "70000 is outside 0..65535"],
    ["id negative", spec([{ id: -1, name: "a" }]), "handlers[0].id", "-1 is outside 0..65535"],
    ["id fractional", spec([{ id: 1.5, name: "a" }]), "handlers[0].id", "1.5 is not an integer"],
    ["id missing", spec([{ name: "a" }]), "handlers[0].id", "missing (required)"],
    ["name missing", spec([{ id: 0 }]), "handlers[0].name", "missing (required)"],
    [
      "name not an identifier",
      spec([{ id: 0, name: "1x" }]),
      "handlers[0].name",
      '"1x" is not an identifier (letters, digits and _, not starting with a digit)',
    ],
    ["name with a dash", spec([{ id: 0, name: "a-b" }]), "handlers[0].name", '"a-b" is not an identifier (letters, digits and _, not starting with a digit)'],
    ["priority 0", spec([handler(0, { priority: 0 })]), "handlers[0].priority", "0 is outside 1..99"],
    ["priority 100", spec([handler(0, { priority: 100 })]), "handlers[0].priority", "100 is outside 1..99"],
    ["priority null", spec([handler(0, { priority: null })]), "handlers[0].priority", "expected an integer, got null"],
    ["params not an array", spec([handler(0, { params: "i64" })]), "handlers[0].params", 'expected an array, got string "i64"'],
    ["unknown param type", spec([handler(0, { params: ["i64", "f64"] })]), "handlers[0].params[1]", 'unknown param type "f64" (expected "i32" or "i64")'],
    ["param not a string", spec([handler(0, { params: [32] })]), "handlers[0].params[0]", 'expected "i32" or "i64", got number 32'],
    [
      "more params than args",
      spec([handler(0), handler(1), handler(2, { params: Array(6).fill("i64") })]),
      "handlers[2].params",
      "6 params but the spec passes 5 args",
    ],
    ["params with args 0", spec([handler(0, { params: ["i32"] })], { args: 0 }), "handlers[0].params", "1 param but the spec passes 0 args"],
    ["params with args 1", spec([handler(0, { params: ["i32", "i32"] })], { args: 1 }), "handlers[0].params", "2 params but the spec passes 1 arg"],
    [
      "empty body kind",
      spec([handler(0, { body: { kind: "" } })]),
      "handlers[0].body.kind",
      '"" is not an identifier (letters, digits and _, not starting with a digit)',
    ],
    ["body kind missing", spec([handler(0, { body: {} })]), "handlers[0].body.kind", "missing (required)"],
    [
      "body kind with a dot",
      spec([handler(0, { body: { kind: "a.b" } })]),
      "handlers[0].body.kind",
      '"a.b" is not an identifier (letters, digits and _, not starting with a digit)',
    ],
    ["body ops negative", spec([handler(0, { body: { kind: "alu", ops: -1 } })]), "handlers[0].body.ops", "-1 is outside 0..1000000"],
    ["body ops too big", spec([handler(0, { body: { kind: "alu", ops: 1_000_001 } })]), "handlers[0].body.ops", "1000001 is outside 0..1000000"],
    ["body not an object", spec([handler(0, { body: "alu" })]), "handlers[0].body", 'expected an object, got string "alu"'],
    ["unknown top-level key", spec([handler(0)], { handler: [] }), "handler", 'unknown key; did you mean "handlers"?'],
    ["unknown top-level key, far", spec([handler(0)], { version: 2 }), "version", "unknown key (known keys: name, args, fallback, handlers)"],
    ["unknown handler key", spec([handler(0, { prio: 1 })]), "handlers[0].prio", "unknown key (known keys: id, name, priority, params, body)"],
    ["handler key typo", spec([handler(0, { prority: 1 })]), "handlers[0].prority", 'unknown key; did you mean "priority"?'],
    ["body key typo", spec([handler(0, { body: { kind: "alu", opz: 1 } })]), "handlers[0].body.opz", 'unknown key; did you mean "ops"?'],
    ["short unknown key", spec([handler(0, { ab: 1 })]), "handlers[0].ab", "unknown key (known keys: id, name, priority, params, body)"],
    ["swapped letters", spec([handler(0, { nmae: "x" })]), "handlers[0].nmae", 'unknown key; did you mean "name"?'],
    ["odd key", spec([handler(0)], { "my key": 1 }), '["my key"]', "unknown key (known keys: name, args, fallback, handlers)"],
  ];
  for (const [title, input, path, message] of cases) {
    it(title, () => expect(only(input)).toEqual({ path, message }));
  }

  it("reports a duplicate id against its first use", () => {
    const input = spec([handler(1), handler(2), { id: 7, name: "a" }, handler(3), handler(4), { id: 7, name: "b" }]);
    expect(only(input)).toEqual({ path: "handlers[5].id", message: "7 duplicates handlers[2].id" });
  });

  it("reports a duplicate name against its first use", () => {
    expect(
      only(
        spec([
          { id: 1, name: "x" },
          { id: 2, name: "x" },
        ]),
      ),
    ).toEqual({ path: "handlers[1].name", message: '"x" duplicates handlers[0].name' });
  });

  it("reports every problem together", () => {
    const input = {
      name: "",
      args: 7,
      extra: true,
      handlers: [
        { id: 70000, name: "1x", params: ["f64"] },
        { id: 5, name: "a", priority: 0 },
        { id: 5, name: "a", body: { kind: "" } },
      ],
    };
    const e = labError(() => validateSpec(input, "bad.json"));
    expect(e.code).toBe("spec-invalid");
    expect(e.fix).toContain("bad.json");
    expect(new Set(e.problems.map((p) => p.path))).toEqual(
      new Set([
        "name",
        "args",
        "extra",
        "handlers[0].id",
        "handlers[0].name",
        "handlers[0].params[0]",
        "handlers[1].priority",
        "handlers[2].body.kind",
        "handlers[2].id",
        "handlers[2].name",
      ]),
    );
  });

  it("checks uniqueness and params even when other fields are broken", () => {
    const problems = problemsOf(() => validateSpec(spec([handler(1, { priority: 500 }), handler(1, { params: Array(6).fill("i32"), extra: 1 })])));
    expect(problems).toContainEqual({ path: "handlers[1].id", message: "1 duplicates handlers[0].id" });
    expect(problems).toContainEqual({ path: "handlers[1].params", message: "6 params but the spec passes 5 args" });
    expect(problems).toHaveLength(5);
  });

  it("skips the params count check when args itself is invalid", () => {
    expect(problemsOf(() => validateSpec(spec([handler(0, { params: Array(6).fill("i32") })], { args: 9 })))).toEqual([
      { path: "args", message: "9 is outside 0..6" },
    ]);
  });

  it("locates problems with the whole value at the source", () => {
    expect(problemsOf(() => validateSpec(null, "s.json"))).toEqual([{ path: "s.json", message: "expected an object, got null" }]);
    expect(problemsOf(() => validateSpec([]))).toEqual([{ path: "spec", message: "expected an object, got an array" }]);
  });
});

describe("parseSpecJson", () => {
  it("parses and validates", () => {
    expect(parseSpecJson('{"name":"j","handlers":[{"id":1,"name":"a"}]}', "j.json").handlers[0]?.id).toBe(1);
  });

  it("turns a syntax error into a spec problem at the source", () => {
    const e = labError(() => parseSpecJson("{", "broken.json"));
    expect(e.code).toBe("spec-invalid");
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]?.path).toBe("broken.json");
    expect(e.problems[0]?.message).toMatch(/^not valid JSON: /);
  });

  it("reports spec problems after a good parse", () => {
    expect(problemsOf(() => parseSpecJson('{"name":"j","handlers":[]}', "j.json"))).toEqual([{ path: "handlers", message: "at least 1 handler is required" }]);
  });
});
