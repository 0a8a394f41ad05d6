/**
 * The module cache seen from outside: whole CLI processes, each with a
 * cache folder of its own, and a load hook (test/fixtures/record-imports)
 * that records every module each node process of the command loads. A
 * command whose modules are all cached loads no binaryen, in no process:
 * `emit`, `check`, and a `run` after an `emit` of the same modules (no emit
 * child is even started). `--no-cache` neither reads nor writes.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN } from "../cli-harness.js";

const REGISTER = join(import.meta.dirname, "..", "fixtures", "record-imports", "register.mjs");

const tmp = (what: string) => mkdtempSync(join(tmpdir(), `dispatch-lab-cache-cli-${what}-`));

interface Traced {
  code: number | null;
  out: string;
  err: string;
  /** The URL of every module any node process of the command loaded. */
  loaded: string[];
}

/** `dispatch-lab ...argv` as a user runs it, with `cache` as its module cache, every node process of it recording what it loads. */
function traced(cache: string, argv: string[]): Traced {
  const record = join(tmp("record"), "loaded.txt");
  const r = spawnSync(process.execPath, [BIN, ...argv], {
    encoding: "utf8",
    timeout: 120_000,
    env: {
      ...process.env,
      CI: "true",
      DISPATCH_LAB_MODULE_CACHE: cache,
      RECORD_IMPORTS: record,
      NODE_OPTIONS: `${process.env["NODE_OPTIONS"] ?? ""} --import=${REGISTER}`.trim(),
    },
  });
  const loaded = existsSync(record) ? readFileSync(record, "utf8").trim().split("\n") : [];
  return { code: r.status, out: r.stdout, err: r.stderr, loaded };
}

const binaryen = (t: Traced): boolean => t.loaded.some((line) => line.includes("/node_modules/binaryen/"));

/** Every entry of a cache folder with its modification time: what a command wrote there. */
const snapshot = (dir: string): Record<string, number> =>
  existsSync(dir)
    ? Object.fromEntries(
        readdirSync(dir, { recursive: true, encoding: "utf8" })
          .filter((f) => f.endsWith(".module"))
          .map((f) => [f, statSync(join(dir, f)).mtimeMs]),
      )
    : {};

const EMIT = ["emit", "--spec", "xen:hvm64", "--strategies", "chain,table"];

describe("the module cache, whole CLI processes", () => {
  it("emit: the second loads no binaryen and writes the same files; --wat writes the text, lazily cached too", () => {
    const cache = tmp("cache");
    const out = tmp("out");
    const cold = traced(cache, [...EMIT, "--out", out]);
    expect(cold.err).toBe("");
    expect(cold.code).toBe(0);
    expect(binaryen(cold)).toBe(true);
    expect(readdirSync(out).sort()).toEqual(["chain.wasm", "manifest.json", "table.wasm"]); // no .wat unless asked
    expect(Object.keys(snapshot(cache))).toHaveLength(2);
    const files = ["chain.wasm", "table.wasm", "manifest.json"].map((f) => readFileSync(join(out, f)));
    const manifest = JSON.parse(files[2]!.toString()) as { modules: Record<string, unknown>[] };
    expect(manifest.modules.every((m) => !("text" in m))).toBe(true);

    const warm = traced(cache, [...EMIT, "--out", out]);
    expect(warm.code).toBe(0);
    expect(binaryen(warm)).toBe(false);
    expect(warm.out).toContain("wrote 2 modules for xen-hvm64 to");
    expect(warm.out).toContain("(all from the module cache)");
    expect(["chain.wasm", "table.wasm", "manifest.json"].map((f) => readFileSync(join(out, f)))).toEqual(files);

    const wat = traced(cache, [...EMIT, "--wat", "--out", out]);
    expect(wat.code).toBe(0);
    expect(binaryen(wat)).toBe(true); // the entries hold no text yet
    expect(readdirSync(out).sort()).toEqual(["chain.wasm", "chain.wat", "manifest.json", "table.wasm", "table.wat"]);
    expect(readFileSync(join(out, "chain.wat"), "utf8")).toMatch(/^\(module/);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).modules[0]).toMatchObject({ file: "chain.wasm", text: "chain.wat" });
    const text = readFileSync(join(out, "chain.wat"), "utf8");

    const watWarm = traced(cache, [...EMIT, "--wat", "--out", out]);
    expect(binaryen(watWarm)).toBe(false);
    expect(readFileSync(join(out, "chain.wat"), "utf8")).toBe(text);

    // Without --wat, a .wat an earlier --wat left is removed: it would describe another module after a change.
    expect(traced(cache, [...EMIT, "--out", out]).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["chain.wasm", "manifest.json", "table.wasm"]);
  });

  it("--no-cache neither reads nor writes the cache", () => {
    const cache = tmp("cache");
    expect(traced(cache, [...EMIT, "--out", tmp("out")]).code).toBe(0);
    const filled = snapshot(cache);
    expect(Object.keys(filled)).toHaveLength(2);
    const again = traced(cache, [...EMIT, "--no-cache", "--out", tmp("out")]);
    expect(again.code).toBe(0);
    expect(again.out).not.toContain("module cache");
    expect(binaryen(again)).toBe(true); // emitted, not read
    expect(snapshot(cache)).toEqual(filled); // nothing written: every entry as it was
  });

  it("check: the second loads no binaryen and reports the same", () => {
    const cache = tmp("cache");
    const argv = ["check", "--spec", "xen:arm", "--strategies", "table,chain,xen", "--random", "20", "--json"];
    const cold = traced(cache, argv);
    expect(cold.code).toBe(0);
    expect(binaryen(cold)).toBe(true);
    const warm = traced(cache, argv);
    expect(warm.code).toBe(0);
    expect(binaryen(warm)).toBe(false);
    const results = (t: Traced) => (JSON.parse(t.out) as { results: unknown[] }).results;
    expect(results(warm)).toEqual(results(cold));
    expect(binaryen(traced(cache, [...argv, "--no-cache"]))).toBe(true);
  });

  it("run after emit of the same modules: no emit child is started, no process loads binaryen", () => {
    const cache = tmp("cache");
    const spec = ["--spec", "synthetic:6,levels=2", "--strategies", "table,direct"];
    expect(traced(cache, ["emit", ...spec, "--out", tmp("out")]).code).toBe(0);
    const run = traced(cache, ["run", ...spec, "--workloads", "uniform", "--samples", "2", "--processes", "1", "--cpu", "0", "--out", tmp("run")]);
    expect(run.err).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(0);
    expect(new Set(run.loaded.map((l) => l.split(" ")[0])).size).toBeGreaterThan(1); // the record covers the run's children too
    expect(run.loaded.filter((l) => l.includes("emit-worker") || l.includes("/node_modules/binaryen/"))).toEqual([]);
  });
});
