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

const imports = (file: string): string[] => [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]!);

const all = files(SRC).map((f) => ({ file: relative(SRC, f), imports: imports(f) }));

/**
 * The folders, lowest first: a file imports only from its own folder and
 * folders before it (README: "How it is built"). `(root)` is src/errors.ts,
 * io.ts, paths.ts, names.ts and suggest.ts; src/lab.ts, the library entry,
 * comes last.
 */
const ORDER = [
  "text",
  "stats",
  "(root)",
  "spec",
  "model",
  "engines",
  "workload",
  "emit",
  "lint",
  "check",
  "run",
  "results",
  "sweep",
  "gate",
  "report",
  "lab",
  "cli",
  "(entry)",
];

const layerOf = (file: string): string => {
  const [first, ...rest] = file.split("/");
  if (rest.length) return first!;
  return file === "lab.ts" ? "(entry)" : "(root)";
};

/** The src-relative files a file imports (relative imports only). */
const targets = (file: string, specs: string[]): string[] =>
  specs.filter((s) => s.startsWith(".")).map((s) => relative(SRC, join(SRC, file, "..", s)).replace(/\.js$/, ".ts"));

describe("architecture", () => {
  it("every src folder is in the order", () => {
    expect(all.map((f) => layerOf(f.file)).filter((l) => !ORDER.includes(l))).toEqual([]);
  });

  it("a folder imports only from itself and the folders before it", () => {
    const upward = all.flatMap((f) =>
      targets(f.file, f.imports)
        .filter((t) => ORDER.indexOf(layerOf(t)) > ORDER.indexOf(layerOf(f.file)))
        .map((t) => `${f.file} -> ${t}`),
    );
    expect(upward).toEqual([]);
  });

  it("no file imports itself through others (no cycles)", () => {
    const graph = new Map(all.map((f) => [f.file, targets(f.file, f.imports)]));
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") return void cycles.push([...path.slice(path.indexOf(file)), file].join(" -> "));
      state.set(file, "open");
      for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next, [...path, file]);
      state.set(file, "done");
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it("only src/emit/binaryen.ts imports binaryen", () => {
    expect(all.filter((f) => f.imports.includes("binaryen")).map((f) => f.file)).toEqual(["emit/binaryen.ts"]);
  });

  it("strategies build plans, never modules", () => {
    for (const f of all.filter((x) => x.file.startsWith("emit/strategies/"))) {
      expect(
        f.imports.filter((i) => /binaryen|wasm-reader|audit|emit\.js/.test(i)),
        f.file,
      ).toEqual([]);
    }
  });

  it("run takes emitted modules as data: it never imports emit", () => {
    for (const f of all.filter((x) => /^(run|results|report|workload)\//.test(x.file))) {
      expect(
        f.imports.filter((i) => /binaryen|\/emit\/(emit|binaryen|bodies)\.js|lab/.test(i)),
        f.file,
      ).toEqual([]);
    }
  });

  it("sweep plans and analyses are pure: no processes, no modules, no files", () => {
    for (const f of all.filter((x) => x.file.startsWith("sweep/"))) {
      expect(
        f.imports.filter((i) => /\/(emit|check|cli|report|lab)\/|lab\.js|node:|\/run\/(runner|child|cell-process|pin|fingerprint)/.test(i)),
        f.file,
      ).toEqual([]);
    }
  });

  it("check runs modules as data: it never emits", () => {
    for (const f of all.filter((x) => x.file.startsWith("check/"))) {
      expect(
        f.imports.filter((i) => /binaryen|emit\.js|bodies\.js/.test(i)),
        f.file,
      ).toEqual([]);
    }
  });
});
