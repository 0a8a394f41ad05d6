/**
 * How each engine's child starts at each tier and inlining mode: the flags
 * that turn inlining off depend on V8's version (an unknown flag is fatal),
 * Deno takes them in one --v8-flags, Bun takes JSC options as variables.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cacheRoot } from "../../src/engines/cache.js";
import { childCommand, probeCommand, supportsFeature } from "../../src/engines/command.js";
import { inliningOffFlags, LIMIT_FLAGS, V8_INLINED } from "../../src/engines/kinds/v8.js";
import type { ResolvedEngine } from "../../src/engines/resolve.js";
import { parseEngines } from "../../src/model/engines.js";

const engine = (name: string, version: string, vm: string): ResolvedEngine => {
  const [ref] = parseEngines(name);
  return { ref: ref!, kind: ref!.kind, path: `/opt/${name}`, version, vm, source: "installed" };
};

const node20 = engine("node@20", "20.20.2", "V8 11.3.244.8-node.38");
const node22 = engine("node@22", "22.23.5", "V8 12.4.254.21-node.57");
const node26 = engine("node@26", "26.12.1", "V8 14.6.202.34-node.40");
const deno = engine("deno", "2.9.6", "V8 15.0.245.2-rusty");
const bun = engine("bun", "1.4.5", "JavaScriptCore d6375c72");

describe("inlining off, per V8 version", () => {
  it("names only flags that version knows", () => {
    expect(inliningOffFlags(11)).toEqual(["--no-wasm-inlining", "--no-experimental-wasm-inlining", "--no-wasm-speculative-inlining"]);
    expect(inliningOffFlags(12)).toEqual(["--no-experimental-wasm-inlining"]);
    expect(inliningOffFlags(13)).toEqual(["--no-wasm-inlining", "--no-wasm-inlining-call-indirect"]);
    expect(inliningOffFlags(15)).toEqual(["--no-wasm-inlining", "--no-wasm-inlining-call-indirect"]);
  });

  it("node: the ceiling, the tier's flags, then inlining's, on the command line; engine mode adds none", () => {
    expect(childCommand(node22, "turbofan", "off")).toEqual({
      command: { binary: "/opt/node@22", args: [...LIMIT_FLAGS, "--no-liftoff", "--no-experimental-wasm-inlining"], env: {} },
      flags: [...LIMIT_FLAGS, "--no-liftoff", "--no-experimental-wasm-inlining"],
    });
    expect(childCommand(node26, "liftoff", "engine").flags).toEqual([...LIMIT_FLAGS, "--liftoff-only"]);
    expect(childCommand(node20, "tiered", "off").flags).toEqual([...LIMIT_FLAGS, ...inliningOffFlags(11)]);
  });

  it("deno: one --v8-flags, least permissions, its cache out of the user's Deno folder", () => {
    const { command, flags } = childCommand(deno, "turbofan", "off");
    expect(flags).toEqual([...LIMIT_FLAGS, "--no-liftoff", "--no-wasm-inlining", "--no-wasm-inlining-call-indirect"]);
    expect(command.args).toContain(`--v8-flags=${flags.join(",")}`);
    expect(command.args).toContain("--allow-env=DISPATCH_LAB_GUARD");
    expect(command.args.filter((a) => a.startsWith("--allow")).every((a) => a.includes("="))).toBe(true);
    expect(command.env["DENO_DIR"]).toBe(join(cacheRoot(), "deno"));
  });

  it("bun: JavaScriptCore options as BUN_JSC_ variables, recorded as NAME=VALUE", () => {
    const { command, flags } = childCommand(bun, "liftoff", "off");
    expect(command.args).toEqual([]);
    expect(command.env).toEqual({ BUN_JSC_useWasmIPInt: "0", BUN_JSC_useOMGJIT: "0", BUN_JSC_useOMGInlining: "0" });
    expect(flags).toEqual(["useWasmIPInt=0", "useOMGJIT=0", "useOMGInlining=0"]);
    expect(childCommand(bun, "tiered", "engine").flags).toEqual([]);
  });
});

describe("proving inlining", () => {
  it("V8 engines add their trace to the cell's flags; Bun lists its options", () => {
    expect(probeCommand(deno, "tiered", "off").command.args.at(-1)).toBe(
      `--v8-flags=${[...LIMIT_FLAGS, ...inliningOffFlags(15), "--trace-wasm-inlining"].join(",")}`,
    );
    const b = probeCommand(bun, "tiered", "off");
    expect([b.check.method, b.command.env["BUN_JSC_dumpOptions"], b.command.env["BUN_JSC_useOMGInlining"]]).toEqual(["options", "1", "0"]);
    expect(b.check.confirms!.test("useOMGInlining=false (default: true)")).toBe(true);
  });

  it("the trace pattern matches every V8's wording of an inlined call, and not the compile lines", () => {
    for (const line of [
      "[function 3: considering candidate {...}: inlining!]", // V8 11
      "[function 3: considering candidate {...}: inlining]", // V8 12
      "[function 84: inlining direct call #0 to function 83]",
      "[function 7: Speculatively inlining call_indirect #0, case #0, to function 2]",
    ])
      expect(V8_INLINED.test(line), line).toBe(true);
    expect(V8_INLINED.test("[function 3: emitted 38 nodes]")).toBe(false);
  });

  it("typed function references: V8 12 and later, and Bun", () => {
    expect(supportsFeature(node20, "typed-function-references")).toMatch(/V8 11\.3.* predates/);
    expect([node22, node26, deno, bun].map((e) => supportsFeature(e, "typed-function-references"))).toEqual([true, true, true, true]);
  });
});
