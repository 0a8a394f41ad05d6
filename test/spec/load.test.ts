import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SPEC, listBuiltins, loadSpec, specHash } from "../../src/spec/load.js";
import { validateSpec } from "../../src/spec/validate.js";
import { labError } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "dispatch-lab-spec-"));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe("loadSpec", () => {
  it("loads the default and every listed built-in", () => {
    expect(loadSpec(DEFAULT_SPEC).name).toBe("xen-pv64");
    for (const name of listBuiltins()) {
      expect(loadSpec(name.replace("synthetic:N", "synthetic:16")).handlers.length).toBeGreaterThan(0);
    }
  });

  it("loads a JSON file", () => {
    const path = file("ok.json", JSON.stringify({ name: "mine", handlers: [{ id: 4, name: "four", priority: 1 }] }));
    expect(loadSpec(path)).toMatchObject({ name: "mine", handlers: [{ id: 4, name: "four", priority: 1 }] });
  });

  it("reports a missing file as spec-not-found", () => {
    const e = labError(() => loadSpec(join(dir, "nope.json")));
    expect(e.code).toBe("spec-not-found");
    expect(e.problems).toEqual([
      { path: join(dir, "nope.json"), message: "no such file, and not a built-in (xen:pv64, xen:hvm64, xen:arm, synthetic:N) or xen-defs:FILE#CALLER" },
    ]);
  });

  it("reports an unknown xen: name as spec-not-found", () => {
    const e = labError(() => loadSpec("xen:pv128"));
    expect(e.code).toBe("spec-not-found");
    expect(e.problems[0]).toEqual({ path: "xen:pv128", message: "not a Xen built-in (xen:pv64, xen:hvm64, xen:arm, xen:pv32, xen:hvm32)" });
    expect(labError(() => loadSpec("xen:constructor")).code).toBe("spec-not-found");
  });

  it("reports an unreadable path as io", () => {
    expect(labError(() => loadSpec(dir)).code).toBe("io");
  });

  it("reports bad JSON and bad specs as spec-invalid, located in the file", () => {
    const bad = file("bad.json", "{ name: 1 }");
    expect(labError(() => loadSpec(bad)).problems[0]?.path).toBe(bad);
    const invalid = labError(() => loadSpec(file("invalid.json", '{"name":"x","handlers":[{"id":1,"name":"a","priority":0}]}')));
    expect(invalid.code).toBe("spec-invalid");
    expect(invalid.problems).toEqual([{ path: "handlers[0].priority", message: "0 is outside 1..99" }]);
    expect(invalid.fix).toContain("invalid.json");
  });
});

describe("the +body= spec modifier", () => {
  it("gives every handler the body, and says so in the name and the hash", () => {
    const spec = loadSpec("xen:pv64+body=alu:100");
    expect(spec.name).toBe("xen-pv64+body=alu:100");
    expect(spec.handlers.every((h) => h.body.kind === "alu" && h.body.ops === 100)).toBe(true);
    expect(spec.handlers.map((h) => h.id)).toEqual(loadSpec("xen:pv64").handlers.map((h) => h.id));
    expect(specHash(spec)).not.toBe(specHash(loadSpec("xen:pv64+body=alu:101")));
  });

  it("applies to any spec, and a kind alone means 0 ops", () => {
    expect(loadSpec("synthetic:4+body=mem").handlers[0]!.body).toEqual({ kind: "mem", ops: 0 });
  });

  it("rejects a bad body as spec-invalid with the grammar", () => {
    const e = labError(() => loadSpec("xen:pv64+body=alu:x"));
    expect(e.code).toBe("spec-invalid");
    expect(e.problems).toEqual([{ path: "xen:pv64+body=alu:x", message: 'body ops "x" is not a non-negative integer' }]);
    expect(e.fix).toMatch(/SPEC\+body=KIND:OPS/);
  });
});

describe("specHash", () => {
  const written = { name: "h", handlers: [{ id: 1, name: "a" }] };
  const spelledOut = {
    handlers: [{ body: { ops: 0, kind: "noop" }, params: ["i64", "i64", "i64", "i64", "i64"], name: "a", id: 1 }],
    fallback: "-38",
    args: 5,
    name: "h",
  };

  it("is sha256 hex", () => {
    expect(specHash(validateSpec(written))).toMatch(/^[0-9a-f]{64}$/);
  });

  it("depends on the normalised spec, not how it was written", () => {
    expect(specHash(validateSpec(spelledOut))).toBe(specHash(validateSpec(written)));
  });

  it("changes with any field", () => {
    const base = specHash(validateSpec(written));
    expect(specHash(validateSpec({ ...written, fallback: -37 }))).not.toBe(base);
    expect(specHash(validateSpec({ ...written, handlers: [{ id: 1, name: "a", priority: 1 }] }))).not.toBe(base);
    expect(specHash(validateSpec({ ...written, handlers: [{ id: 1, name: "a", body: { kind: "noop", ops: 1 } }] }))).not.toBe(base);
  });

  it("is pinned for xen:pv64 (a change means the built-in changed)", () => {
    expect(specHash(loadSpec("xen:pv64"))).toBe("95ffe458a2aa586f09384c7e2aa0b76d99afbde9aabec6bd7d0e8e9ba8eacad1");
  });
});
