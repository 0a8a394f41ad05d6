import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { LabError } from "../../../src/errors.js";
import { compileNative } from "../../../src/emit/native/compile.js";
import { lowerC } from "../../../src/emit/native/lower-c.js";
import { strategies } from "../../../src/emit/strategies/index.js";
import { validateSpec } from "../../../src/spec/validate.js";
import { TINY, tinySpec } from "../../helpers.js";

const HAS_CC = spawnSync("cc", ["--version"]).status === 0;

describe("native lowering refusals", () => {
  it("a spec with --bodies is refused with the reason", () => {
    const spec = tinySpec();
    const plan = strategies["table"]!.plan(spec);
    const byFile = lowerC(spec, plan, { bodiesFile: "my-bodies.ts" });
    expect(byFile).toMatchObject({ ok: false, unsupported: "bodies" });
    expect(!byFile.ok && byFile.reason).toMatch(/custom --bodies .*cannot be lowered to C \(my-bodies\.ts\)/);
    const custom = validateSpec({ ...TINY, handlers: TINY.handlers.map((h) => (h.id === 9 ? { ...h, body: { kind: "hash", ops: 4 } } : h)) });
    const byKind = lowerC(custom, strategies["table"]!.plan(custom));
    expect(!byKind.ok && byKind.reason).toMatch(/handler nine \(9\) uses body kind "hash"/);
  });

  it("a missing compiler is an outcome naming the Debian package", async () => {
    const spec = tinySpec();
    const lowered = lowerC(spec, strategies["chain"]!.plan(spec));
    if (!lowered.ok) throw new Error(lowered.reason);
    expect(await compileNative(lowered.units, { cc: "/nonexistent/cc" })).toMatchObject({ ok: false, reason: "no-compiler", package: "gcc" });
    const clang = await compileNative(lowered.units, { cc: "/nonexistent/clang-19" });
    expect(clang).toMatchObject({ ok: false, package: "clang" });
    expect(!clang.ok && clang.note).toMatch(/apt-get install clang/);
  });

  it.skipIf(!HAS_CC)("a unit the compiler rejects is a dispatch-lab bug, thrown with the compiler's first lines", async () => {
    const units = { "handlers.c": "int broken(", "dispatch.c": "", "harness.c": "int main(void) { return 0; }" };
    const error = await compileNative(units).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe("emit-invalid");
    expect((error as LabError).message).toMatch(/handlers\.c: the C compiler rejected it:\n.*error/);
  });
});
