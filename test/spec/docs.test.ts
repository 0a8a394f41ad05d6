import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { syntheticSpec } from "../../src/spec/builtin/synthetic.js";
import { packageRoot } from "../../src/paths.js";
import { validateSpec } from "../../src/spec/validate.js";

const doc = readFileSync(`${packageRoot}/docs/spec.md`, "utf8");
const jsonBlocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");

describe("docs/spec.md", () => {
  it("has JSON examples, and each one validates", () => {
    expect(jsonBlocks.length).toBeGreaterThanOrEqual(2);
    for (const block of jsonBlocks) expect(() => validateSpec(JSON.parse(block))).not.toThrow();
  });

  it("describes the full example truthfully", () => {
    const full = validateSpec(JSON.parse(jsonBlocks[jsonBlocks.length - 1] ?? ""));
    expect(full.handlers.find((h) => h.name === "sync")).toMatchObject({ params: ["i64", "i64", "i64", "i64"], body: { kind: "noop", ops: 0 } });
    expect(full.fallback).toBe(-38n);
  });

  it("gives synthetic examples that build as described", () => {
    for (const arg of doc.match(/`synthetic:[^`\s]*`/g) ?? []) {
      const name = arg.slice(1, -1);
      if (name === "synthetic:N[,key=value...]") continue;
      expect(() => syntheticSpec(name), name).not.toThrow();
    }
    const counts = new Map<number | undefined, number>();
    for (const h of syntheticSpec("synthetic:40,levels=6").handlers) counts.set(h.priority, (counts.get(h.priority) ?? 0) + 1);
    expect([...counts.entries()].sort(([a], [b]) => (a ?? 100) - (b ?? 100))).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
      [4, 8],
      [5, 16],
      [6, 8],
      [undefined, 1],
    ]);
    expect(syntheticSpec("synthetic:300,levels=3,sparse=4,seed=7").name).toBe("synthetic-300,levels=3,sparse=4,seed=7");
  });
});
