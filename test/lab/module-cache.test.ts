/**
 * The module cache (src/lab/module-cache.ts): keyed by everything that
 * makes a module's bytes and audit, a hit identical to a fresh emit, a
 * damaged entry a miss that the next emit rewrites, `cache: false` neither
 * reading nor writing; emitInWorker starts no child when the cache holds
 * every module. Each test has a cache folder of its own.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EmitJob } from "../../src/lab/emit-in-worker.js";
import { emitInWorker } from "../../src/lab/emit-in-worker.js";
import { emit } from "../../src/lab/emit.js";
import { bodiesHash, labFingerprint, lookUp, ModuleCache, moduleCacheDir, store, type CachedModule, type ModuleInputs } from "../../src/lab/module-cache.js";
import { specHash } from "../../src/spec/load.js";
import { validateSpec } from "../../src/spec/validate.js";
import { TINY, tinySpec } from "../helpers.js";

const tmp = (what = "cache") => mkdtempSync(join(tmpdir(), `dispatch-lab-module-${what}-`));

/** Every entry file under a cache folder. */
const entries = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".module"))
    .sort();

/** A folder that looks like a lab package to labFingerprint. */
function labTree(files: Record<string, string> = {}): string {
  const root = tmp("lab");
  const all = {
    "package.json": JSON.stringify({ version: "1.0.0" }),
    "dist/src/emit/emit.js": "export const x = 1;",
    "dist/src/emit/strategies/chain.js": "export const chain = 1;",
    "build/bodies.wasm": "\0asm",
    "assembly/bodies.ts": "export function alu(): void {}",
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const module = (strategy: string, bytes: number[]): CachedModule => ({
  strategy,
  control: false,
  hazard: false,
  specHash: "s".repeat(64),
  bytes: new Uint8Array(bytes),
  audit: { strategy, dispatchBytes: bytes.length, dispatch: { call: 1 }, claims: {}, violations: [] },
});

const inputs = (over: Partial<ModuleInputs> = {}): ModuleInputs => ({ specHash: "s".repeat(64), strategy: "table", bodies: null, ...over });

describe("the key", () => {
  const cache = new ModuleCache("/cache", "a".repeat(64));

  it("changes with the spec's content, the strategy, the bodies and the lab, and with nothing else", () => {
    const base = cache.path(inputs());
    const renamed = validateSpec({ ...TINY, name: "other" });
    const edited = validateSpec({ ...TINY, handlers: TINY.handlers.map((h, i) => (i === 0 ? { ...h, priority: 9 } : h)) });
    expect(new Set([specHash(tinySpec()), specHash(renamed), specHash(edited)]).size).toBe(3);
    const others = [
      cache.path(inputs({ specHash: "t".repeat(64) })),
      cache.path(inputs({ strategy: "chain" })),
      cache.path(inputs({ bodies: "b".repeat(64) })),
      new ModuleCache("/cache", "c".repeat(64)).path(inputs()),
    ];
    expect(new Set([base, ...others]).size).toBe(5);
    expect(cache.path(inputs())).toBe(base);
  });

  it("is the spec's content, not how it was written: key order and spelled-out defaults hash the same", () => {
    const reordered = validateSpec({ handlers: TINY.handlers, fallback: TINY.fallback, args: TINY.args, name: TINY.name });
    expect(specHash(reordered)).toBe(specHash(tinySpec()));
  });

  it("lives in a folder of the lab's fingerprint under the cache folder", () => {
    expect(cache.path(inputs())).toMatch(new RegExp(`^/cache/${"a".repeat(16)}/[0-9a-f]{64}\\.module$`));
    expect(moduleCacheDir({ DISPATCH_LAB_MODULE_CACHE: "/m" })).toBe("/m");
    expect(moduleCacheDir({ DISPATCH_LAB_CACHE: "/c" })).toBe(join("/c", "modules"));
    expect(moduleCacheDir({ XDG_CACHE_HOME: "/x" })).toBe(join("/x", "dispatch-lab", "modules"));
  });
});

describe("the lab fingerprint", () => {
  it("is the content of the lab, wherever it lies", () => {
    expect(labFingerprint(labTree())).toBe(labFingerprint(labTree()));
    expect(labFingerprint(labTree())).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes with the version, the code that emits and the body library", () => {
    const prints = [
      labFingerprint(labTree()),
      labFingerprint(labTree({ "package.json": JSON.stringify({ version: "1.0.1" }) })),
      labFingerprint(labTree({ "dist/src/emit/strategies/chain.js": "export const chain = 2;" })),
      labFingerprint(labTree({ "dist/src/emit/new.js": "" })),
      labFingerprint(labTree({ "build/bodies.wasm": "\0asm\x01" })),
      labFingerprint(labTree({ "assembly/bodies.ts": "export function alu(): i32 { return 1; }" })),
    ];
    expect(new Set(prints).size).toBe(prints.length);
  });

  it("ignores declarations and source maps", () => {
    expect(labFingerprint(labTree({ "dist/src/emit/emit.d.ts": "x", "dist/src/emit/emit.js.map": "{}" }))).toBe(labFingerprint(labTree()));
  });

  it("of this lab: the same on every call", () => {
    expect(labFingerprint()).toBe(labFingerprint());
  });
});

describe("the bodies hash", () => {
  it("is the content of the file and of what it imports by a relative path; none for no file; undefined when unreadable", () => {
    const dir = tmp("bodies");
    const file = join(dir, "bodies.ts");
    writeFileSync(join(dir, "helper.ts"), "export const K: i64 = 3;");
    writeFileSync(file, 'import { K } from "./helper";\nexport function mine(seed: i64, n: i32): i64 { return seed + K; }');
    const first = bodiesHash(file);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    const moved = join(tmp("moved"), "bodies.ts");
    cpSync(dir, join(moved, ".."), { recursive: true });
    expect(bodiesHash(moved)).toBe(first); // content, not path
    writeFileSync(join(dir, "helper.ts"), "export const K: i64 = 4;");
    const helperChanged = bodiesHash(file);
    expect(helperChanged).not.toBe(first);
    writeFileSync(file, `${readFileSync(file, "utf8")}\n`);
    expect(bodiesHash(file)).not.toBe(helperChanged);
    expect(bodiesHash(undefined)).toBeNull();
    expect(bodiesHash(null)).toBeNull();
    expect(bodiesHash(join(dir, "missing.ts"))).toBeUndefined();
  });

  it("follows `./dir` to its index.ts, and an import cycle ends", () => {
    const dir = tmp("bodies");
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "lib", "index.ts"), 'export * from "../bodies";\nexport const K: i64 = 1;');
    writeFileSync(join(dir, "bodies.ts"), 'import { K } from "./lib";\nexport function mine(seed: i64, n: i32): i64 { return K; }');
    const first = bodiesHash(join(dir, "bodies.ts"));
    writeFileSync(join(dir, "lib", "index.ts"), 'export * from "../bodies";\nexport const K: i64 = 2;');
    expect(bodiesHash(join(dir, "bodies.ts"))).not.toBe(first);
  });
});

describe("entries", () => {
  it("round-trip: bytes, audit and text as stored", () => {
    const cache = new ModuleCache(tmp(), labFingerprint());
    const m = module("table", [0, 97, 115, 109, 1, 0, 0, 0]);
    expect(cache.put(inputs(), { ...m, text: "(module)" })).toBe(true);
    expect(cache.get(inputs())).toEqual(m); // no text unless asked for
    expect(cache.get(inputs(), true)).toEqual({ ...m, text: "(module)" });
    expect(cache.get(inputs())!.bytes.constructor).toBe(Uint8Array); // not a Buffer viewing the whole file
  });

  it("without its text: a miss for whoever needs the text", () => {
    const cache = new ModuleCache(tmp(), labFingerprint());
    cache.put(inputs(), module("table", [1, 2, 3]));
    expect(cache.get(inputs(), true)).toBeUndefined();
  });

  it("of another lab build, or for other inputs, are misses", () => {
    const dir = tmp();
    const cache = new ModuleCache(dir, "a".repeat(64));
    cache.put(inputs(), module("table", [1, 2, 3]));
    expect(new ModuleCache(dir, "b".repeat(64)).get(inputs())).toBeUndefined();
    // An entry copied to another key's place: its header names other inputs.
    mkdirSync(join(cache.path(inputs({ strategy: "chain" })), ".."), { recursive: true });
    renameSync(cache.path(inputs()), cache.path(inputs({ strategy: "chain" })));
    expect(cache.get(inputs({ strategy: "chain" }))).toBeUndefined();
  });

  it("damaged: truncated, a flipped byte, garbage, empty or a folder are misses, never errors", () => {
    const cache = new ModuleCache(tmp(), labFingerprint());
    const good = module("table", [0, 97, 115, 109, 1, 0, 0, 0]);
    cache.put(inputs(), good);
    const path = cache.path(inputs());
    const stored = readFileSync(path);
    const damaged = [
      stored.subarray(0, stored.length - 1),
      Buffer.concat([stored, Buffer.from([0])]),
      Buffer.from(stored.map((b, i) => (i === stored.length - 2 ? b ^ 1 : b))),
      Buffer.from("not a header\n"),
      Buffer.from("{}\n"),
      Buffer.from("null\n"),
      Buffer.alloc(0),
      Buffer.from(stored.toString("latin1").replace('"violations":[]', '"violations":1'), "latin1"),
    ];
    for (const bytes of damaged) {
      writeFileSync(path, bytes);
      expect(cache.get(inputs())).toBeUndefined();
    }
    rmSync(path);
    mkdirSync(path);
    expect(cache.get(inputs())).toBeUndefined();
    rmSync(path, { recursive: true });
    writeFileSync(path, stored);
    expect(cache.get(inputs())).toEqual(good);
  });

  it("a cache that cannot be written: put says so and throws nothing", () => {
    const file = join(tmp(), "a-file");
    writeFileSync(file, "");
    expect(new ModuleCache(file, labFingerprint()).put(inputs(), module("table", [1]))).toBe(false);
    expect(new ModuleCache(file, labFingerprint()).get(inputs())).toBeUndefined();
  });

  it("are not stored when the --bodies file changed while they were emitted", () => {
    const dir = tmp("bodies");
    const file = join(dir, "bodies.ts");
    writeFileSync(file, "// v1");
    const cache = new ModuleCache(tmp(), labFingerprint());
    const looked = lookUp(cache, "s".repeat(64), ["table"], file);
    expect(looked.found).toEqual([undefined]);
    writeFileSync(file, "// v2"); // edited during the emit
    store(cache, file, [{ inputs: looked.inputs![0]!, module: module("table", [1]) }]);
    expect(entries(cache.dir)).toEqual([]);
    const again = lookUp(cache, "s".repeat(64), ["table"], file);
    store(cache, file, [{ inputs: again.inputs![0]!, module: module("table", [1]) }]);
    expect(lookUp(cache, "s".repeat(64), ["table"], file).found[0]).toEqual(module("table", [1]));
    writeFileSync(file, "// v3"); // a changed body file misses
    expect(lookUp(cache, "s".repeat(64), ["table"], file).found).toEqual([undefined]);
  });
});

/** DISPATCH_LAB_MODULE_CACHE set to `dir` while `f` runs (the suite's own value put back after). */
async function withCacheDir<T>(dir: string, f: () => Promise<T>): Promise<T> {
  const saved = process.env["DISPATCH_LAB_MODULE_CACHE"];
  process.env["DISPATCH_LAB_MODULE_CACHE"] = dir;
  try {
    return await f();
  } finally {
    if (saved === undefined) delete process.env["DISPATCH_LAB_MODULE_CACHE"];
    else process.env["DISPATCH_LAB_MODULE_CACHE"] = saved;
  }
}

describe("emit() with the cache", () => {
  let dir: string;
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env["DISPATCH_LAB_MODULE_CACHE"];
    dir = tmp();
    process.env["DISPATCH_LAB_MODULE_CACHE"] = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env["DISPATCH_LAB_MODULE_CACHE"];
    else process.env["DISPATCH_LAB_MODULE_CACHE"] = saved;
  });

  const request = { spec: tinySpec(), strategies: "table,chain,direct,xen-unguarded" };

  it("a hit is exactly what a fresh emit returns", async () => {
    const fresh = await emit({ ...request, cache: false });
    const first = await emit(request);
    const second = await emit(request);
    expect(first.cache).toEqual({ hits: 0, misses: 4 });
    expect(second.cache).toEqual({ hits: 4, misses: 0 });
    expect(fresh.cache).toBeNull();
    for (const r of [first, second]) {
      expect(r.modules).toEqual(fresh.modules);
      expect(r.specHash).toBe(fresh.specHash);
      expect(r.library).toEqual(fresh.library);
    }
    expect(second.modules.find((m) => m.strategy === "direct")!.control).toBe(true);
    expect(second.modules.find((m) => m.strategy === "xen-unguarded")!.hazard).toBe(true);
  });

  it("the text too, once it was asked for", async () => {
    const fresh = await emit({ ...request, withText: true, cache: false });
    await emit(request);
    const withText = await emit({ ...request, withText: true });
    expect(withText.cache).toEqual({ hits: 0, misses: 4 }); // stored without text: emitted again
    const again = await emit({ ...request, withText: true });
    expect(again.cache).toEqual({ hits: 4, misses: 0 });
    expect(again.modules).toEqual(fresh.modules);
    expect((await emit(request)).modules.every((m) => m.text === undefined)).toBe(true);
  });

  it("a damaged entry is a miss, and the emit rewrites it", async () => {
    await emit(request);
    const [victim] = entries(dir);
    writeFileSync(join(dir, victim!), "garbage");
    const after = await emit(request);
    expect(after.cache).toEqual({ hits: 3, misses: 1 });
    expect((await emit(request)).cache).toEqual({ hits: 4, misses: 0 });
  });

  it("cache: false neither reads nor writes", async () => {
    const fresh = await emit({ ...request, cache: false });
    expect(entries(dir)).toEqual([]);
    // A planted entry (chain's module stored as table's) shows who reads it.
    const cache = new ModuleCache(dir);
    const table = fresh.modules.find((m) => m.strategy === "table")!;
    const chain = fresh.modules.find((m) => m.strategy === "chain")!;
    cache.put({ specHash: fresh.specHash, strategy: "table", bodies: null }, { ...table, bytes: chain.bytes });
    const files = entries(dir);
    const stored = readFileSync(join(dir, files[0]!));
    expect((await emit({ ...request, cache: false })).modules.find((m) => m.strategy === "table")!.bytes).toEqual(table.bytes);
    expect(entries(dir)).toEqual(files);
    expect(readFileSync(join(dir, files[0]!))).toEqual(stored);
    expect((await emit({ ...request, strategies: "table" })).modules[0]!.bytes).toEqual(chain.bytes);
  });
});

describe("emitInWorker with the cache", () => {
  const spec = tinySpec();
  const job = (strategies: string[]): EmitJob => ({ spec, strategies, bodies: null });

  /** The child, replaced: counts the jobs it is sent and emits them in this process. */
  function counted() {
    const sent: string[][] = [];
    return {
      sent,
      emit: async (jobs: readonly EmitJob[]) => {
        sent.push(jobs.flatMap((j) => j.strategies));
        return Promise.all(jobs.map(async (j) => (await emit({ spec: j.spec, strategies: j.strategies.join(","), cache: false })).modules));
      },
    };
  }

  it("asks the child only for what the cache lacks, and starts none when it holds everything", async () => {
    const cache = new ModuleCache(tmp());
    const child = counted();
    const first = await emitInWorker([job(["table", "direct"])], { cache, emit: child.emit });
    expect(child.sent).toEqual([["table", "direct"]]);
    const second = await emitInWorker([job(["table", "direct"])], { cache, emit: child.emit });
    expect(child.sent).toHaveLength(1);
    expect(second).toEqual(first);
    expect(Object.keys(second[0]![0]!).sort()).toEqual(["audit", "bytes", "strategy"]);
    const third = await emitInWorker([job(["chain", "table"]), job(["direct"])], { cache, emit: child.emit });
    expect(child.sent[1]).toEqual(["chain"]); // the second job is held whole: not sent
    expect(third.map((mods) => mods.map((m) => m.strategy))).toEqual([["chain", "table"], ["direct"]]);
    expect(third[0]![1]).toEqual(first[0]![0]);
  });

  it("cache: false reads nothing and writes nothing", async () => {
    const cache = new ModuleCache(tmp());
    const child = counted();
    await emitInWorker([job(["table"])], { cache, emit: child.emit });
    await emitInWorker([job(["table"])], { cache: false, emit: child.emit });
    expect(child.sent).toHaveLength(2);
    const dir = tmp();
    await withCacheDir(dir, () => emitInWorker([job(["table"])], { cache: false, emit: child.emit }));
    expect(entries(dir)).toEqual([]);
  });

  it("the real child: its modules are the in-process emit's, and cached for the next run", async () => {
    const cache = new ModuleCache(tmp());
    const [modules] = await emitInWorker([job(["table", "direct"])], { cache });
    const fresh = await emit({ spec, strategies: "table,direct", cache: false });
    expect(modules).toEqual(fresh.modules.map(({ strategy, bytes, audit }) => ({ strategy, bytes, audit })));
    expect(entries(cache.dir)).toHaveLength(2);
    const stored = cache.get({ specHash: specHash(spec), strategy: "direct", bodies: null });
    expect(stored).toEqual(fresh.modules[1]);
  });
});
