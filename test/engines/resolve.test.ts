/**
 * Engine names, the cache and resolution, against a fake engine folder:
 * shell scripts that answer the version probe as node, deno or bun would
 * (no engine is downloaded here; .ci/run installs real ones for
 * real-engines.test.ts).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { installedEngines } from "../../src/engines/installed.js";
import { parseEnginePaths, resolveEngines } from "../../src/engines/resolve.js";
import { LabError } from "../../src/errors.js";
import { parseEngines, parseInlining, parseMeasuredEngines } from "../../src/model/engines.js";

const root = mkdtempSync(join(tmpdir(), "dispatch-lab-engines-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const env = { DISPATCH_LAB_CACHE: root };

/** A script that prints `json` whatever it is asked: a stand-in for an engine's version probe. */
function fakeBinary(path: string, json: object): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `#!/bin/sh\necho '${JSON.stringify(json)}'\n`);
  chmodSync(path, 0o755);
  return path;
}

/** An installed engine as `engines install` leaves it: the binary and its manifest. */
function install(kind: string, version: string, vm: string, binary: string, probe: object): void {
  const folder = join(root, "engines", kind, version);
  fakeBinary(join(folder, binary), probe);
  writeFileSync(
    join(folder, "engine.json"),
    JSON.stringify({ kind, version, vm, package: `${kind}@${version}`, integrity: "sha512-x", binary, installedAt: "2026-11-30T00:00:00Z" }),
  );
}

install("node", "24.22.3", "V8 13.6.233.17-node.63", "bin/node", { node: "24.22.3", v8: "13.6.233.17-node.63" });
install("node", "24.9.0", "V8 13.6.1", "bin/node", { node: "24.9.0", v8: "13.6.1" });
install("node", "26.12.1", "V8 14.6.202.34-node.40", "bin/node", { node: "26.12.1", v8: "14.6.202.34-node.40" });
install("bun", "1.4.5", "JavaScriptCore abc", "bin/bun", { bun: "1.4.5", webkit: "abc", node: "26.3.0", v8: "fake" });
// A folder without a manifest is an install that stopped half-way: not an engine.
mkdirSync(join(root, "engines", "deno", "2.9.6"), { recursive: true });

const usage = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return `${(e as LabError).code}: ${(e as LabError).message} | ${(e as LabError).fix}`;
  }
  throw new Error("no error");
};

describe("engine names", () => {
  it("parses ENGINE[@VERSION], default the running node", () => {
    expect(parseEngines(undefined)).toEqual([{ name: "node", kind: "node", version: null }]);
    expect(parseEngines("node, node@24 ,deno@2.9,bun@1.4.5").map((e) => [e.name, e.kind, e.version])).toEqual([
      ["node", "node", null],
      ["node@24", "node", "24"],
      ["deno@2.9", "deno", "2.9"],
      ["bun@1.4.5", "bun", "1.4.5"],
    ]);
    expect(parseInlining(undefined)).toBe("off");
    expect(parseInlining("engine")).toBe("engine");
  });

  it("refuses unknown engines (with the nearest), native (where only wasm engines go), variants, bad versions, repeats and empty lists", () => {
    expect(usage(() => parseEngines("nod"))).toMatch(/usage: .*unknown engine "nod" \| did you mean "node"\?/);
    expect(usage(() => parseEngines("native:o2", "engines install"))).toMatch(
      /native builds are measured by run and sweep \(--engines native\[:VARIANT\]\), not here/,
    );
    expect(usage(() => parseEngines("node:o2"))).toMatch(/node has no variants/);
    expect(usage(() => parseEngines("node@latest"))).toMatch(/"latest" is not a version/);
    expect(usage(() => parseEngines("bun,bun"))).toMatch(/"bun" given twice/);
    expect(usage(() => parseEngines(","))).toMatch(/no engine named/);
    expect(usage(() => parseInlining("none"))).toMatch(/unknown inlining mode "none"/);
  });
});

describe("the engines run and sweep measure", () => {
  it("wasm engines and native builds, in --engines order; native:o2 is native", () => {
    const m = parseMeasuredEngines("node,native,native:retpoline,deno,native:rethunk");
    expect(m.names).toEqual(["node", "native", "native:retpoline", "deno", "native:rethunk"]);
    expect(m.wasm.map((e) => e.name)).toEqual(["node", "deno"]);
    expect(m.native.map((e) => [e.name, e.variant])).toEqual([
      ["native", "o2"],
      ["native:retpoline", "retpoline"],
      ["native:rethunk", "rethunk"],
    ]);
    expect(parseMeasuredEngines("native:o2").names).toEqual(["native"]);
  });

  it("refuses an unknown variant (with the nearest), a version on native, and one engine named twice", () => {
    expect(usage(() => parseMeasuredEngines("native:retpolin"))).toMatch(/unknown native variant "retpolin" \| did you mean "retpoline"\?/);
    expect(usage(() => parseMeasuredEngines("native@12"))).toMatch(/a native engine has no version \(its compiler is --cc\)/);
    expect(usage(() => parseMeasuredEngines("native,native:o2"))).toMatch(/native given twice/);
    expect(usage(() => parseMeasuredEngines("nativ"))).toMatch(/did you mean "native"/);
  });
});

describe("the engine cache", () => {
  it("lists installed engines newest first, ignoring a folder without a manifest", () => {
    expect(installedEngines(env).map((e) => `${e.kind}@${e.version}`)).toEqual(["node@26.12.1", "node@24.22.3", "node@24.9.0", "bun@1.4.5"]);
  });

  it("resolves a major to its newest installed version, node to the running one, and an exact version", () => {
    const [running, n24, exact, bun] = resolveEngines(parseEngines("node,node@24,node@24.9.0,bun"), new Map(), env);
    expect([running!.path, running!.version, running!.source]).toEqual([process.execPath, process.versions.node, "running"]);
    expect([n24!.version, n24!.vm, n24!.source]).toEqual(["24.22.3", "V8 13.6.233.17-node.63", "installed"]);
    expect(exact!.version).toBe("24.9.0");
    expect([bun!.kind, bun!.vm]).toEqual(["bun", "JavaScriptCore abc"]);
  });

  it("two names for one binary are one engine named twice: refused", () => {
    expect(usage(() => resolveEngines(parseEngines("node@24,node@24.22"), new Map(), env))).toMatch(/node@24 and node@24\.22 are both node 24\.22\.3/);
  });

  it("the running node's own major is `node`, and the fix says so", () => {
    const major = process.versions.node.split(".")[0];
    const empty = { DISPATCH_LAB_CACHE: join(root, "empty") }; // this fake cache may hold the running major (CI runs the suite under Node 24 too)
    expect(usage(() => resolveEngines(parseEngines(`node@${major}`), new Map(), empty))).toMatch(
      new RegExp(`the node running the lab is ${process.versions.node.replaceAll(".", "\\.")}: name it \`node\``),
    );
  });

  it("an engine not installed is exit 2 naming the install command", () => {
    const e = usage(() => resolveEngines(parseEngines("node@22,deno"), new Map(), env));
    expect(e).toMatch(/^engine-missing: .*node@22 is not installed.*deno is not installed/s);
    expect(e).toMatch(/dispatch-lab engines install node@22 deno/);
  });
});

describe("--engine-path", () => {
  const deno = fakeBinary(join(root, "bin", "deno"), { deno: "2.9.6", v8: "15.0.245.2-rusty", typescript: "5.9" });
  const notNode = fakeBinary(join(root, "bin", "bun-as-node"), { bun: "1.4.5", node: "26.3.0", v8: "fake" });

  it("takes a binary that answers as its engine, probed for its versions", () => {
    const [e] = resolveEngines(parseEngines("deno"), parseEnginePaths(`deno=${deno}`), env);
    expect([e!.path, e!.version, e!.vm, e!.source]).toEqual([deno, "2.9.6", "V8 15.0.245.2-rusty", "path"]);
  });

  it("refuses a binary of another kind or version, a missing file, bad syntax, and a path for an engine not measured", () => {
    expect(usage(() => resolveEngines(parseEngines("node@26"), parseEnginePaths(`node@26=${notNode}`), env))).toMatch(
      /is bun 1\.4\.5, not node \| name it as what it is: --engines bun@1\.4\.5/,
    );
    expect(usage(() => resolveEngines(parseEngines("node"), parseEnginePaths(`node=${deno}`), env))).toMatch(/`node` is the node running the lab/);
    expect(usage(() => resolveEngines(parseEngines("deno@1"), parseEnginePaths(`deno@1=${deno}`), env))).toMatch(/is deno 2\.9\.6, not 1/);
    expect(usage(() => resolveEngines(parseEngines("deno"), parseEnginePaths(`deno=${join(root, "nope")}`), env))).toMatch(/no such file/);
    expect(usage(() => parseEnginePaths("deno"))).toMatch(/"deno" is not NAME=PATH/);
    expect(usage(() => resolveEngines(parseEngines("node"), parseEnginePaths(`deno=${deno}`), env))).toMatch(/deno is not among the engines measured/);
  });
});
