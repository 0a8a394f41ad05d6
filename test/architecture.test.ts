import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The import graph points one way (spec -> emit -> check -> cli): these
 * edges are checked from the source, so a shortcut shows up in review.
 */
const SRC = join(import.meta.dirname, "..", "src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const imports = (file: string): string[] =>
  [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]!);

const all = files(SRC).map((f) => ({ file: relative(SRC, f), imports: imports(f) }));

describe("architecture", () => {
  it("only src/emit/binaryen.ts imports binaryen", () => {
    expect(all.filter((f) => f.imports.includes("binaryen")).map((f) => f.file)).toEqual(["emit/binaryen.ts"]);
  });

  it("spec and stats are leaves: they import no later stage", () => {
    const later = /\/(emit|check|cli|run|results|report|gate)\//;
    for (const f of all.filter((x) => /^(spec|stats)\//.test(x.file))) {
      expect(f.imports.filter((i) => later.test(i) || i.includes("lab.js")), f.file).toEqual([]);
    }
  });

  it("strategies build plans, never modules", () => {
    for (const f of all.filter((x) => x.file.startsWith("emit/strategies/"))) {
      expect(f.imports.filter((i) => /binaryen|wasm-reader|audit|emit\.js/.test(i)), f.file).toEqual([]);
    }
  });

  it("run takes emitted modules as data: it never imports emit", () => {
    for (const f of all.filter((x) => /^(run|results|report|workload)\//.test(x.file))) {
      expect(f.imports.filter((i) => /binaryen|\/emit\/(emit|binaryen|bodies)\.js|lab/.test(i)), f.file).toEqual([]);
    }
  });

  it("sweep plans and analyses are pure: no processes, no modules, no files", () => {
    for (const f of all.filter((x) => x.file.startsWith("sweep/"))) {
      expect(f.imports.filter((i) => /\/(emit|check|cli|report|lab)\/|lab\.js|node:|\/run\/(runner|child|cell-process|pin|fingerprint)/.test(i)), f.file).toEqual([]);
    }
  });

  it("check runs modules as data: it never emits", () => {
    for (const f of all.filter((x) => x.file.startsWith("check/"))) {
      expect(f.imports.filter((i) => /binaryen|emit\.js|bodies\.js/.test(i)), f.file).toEqual([]);
    }
  });
});
