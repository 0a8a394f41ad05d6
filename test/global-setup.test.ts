import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { staleOutputs } from "./global-setup.js";

/** A project tree whose files have the given modification times (seconds). */
function tree(files: Record<string, number>): string {
  const root = mkdtempSync(join(tmpdir(), "dispatch-lab-stale-"));
  for (const [path, mtime] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), "");
    utimesSync(join(root, path), mtime, mtime);
  }
  return root;
}

describe("the suite's build check", () => {
  it("names each output older than its source, or missing; declarations are not sources", () => {
    const root = tree({
      "src/fresh.ts": 100,
      "dist/src/fresh.js": 200,
      "src/cli/edited.ts": 300,
      "dist/src/cli/edited.js": 200,
      "src/new.ts": 100,
      "src/types.d.ts": 300,
      "assembly/bodies.ts": 100,
      "build/bodies.wasm": 200,
    });
    expect(staleOutputs(root)).toEqual(["dist/src/cli/edited.js (from src/cli/edited.ts)", "dist/src/new.js (from src/new.ts)"]);
  });

  it("includes the body library", () => {
    expect(staleOutputs(tree({ "src/a.ts": 100, "dist/src/a.js": 200, "assembly/bodies.ts": 300, "build/bodies.wasm": 200 }))).toEqual([
      "build/bodies.wasm (from assembly/bodies.ts)",
    ]);
  });
});
