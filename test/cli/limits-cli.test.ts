import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../cli-harness.js";

const dir = mkdtempSync(join(tmpdir(), "dispatch-lab-check-limits-"));

/** A spec whose handler 1 runs the body `kind` (from a --bodies file), next to plain handlers. */
function setup(kind: string, source: string): string[] {
  writeFileSync(join(dir, `${kind}.ts`), source);
  writeFileSync(
    join(dir, `${kind}.json`),
    JSON.stringify({
      name: kind,
      handlers: [
        { id: 0, name: "a" },
        { id: 1, name: "bad", body: { kind, ops: 3 } },
        { id: 2, name: "c" },
      ],
    }),
  );
  return ["check", "--spec", join(dir, `${kind}.json`), "--bodies", join(dir, `${kind}.ts`), "--strategies", "table,chain", "--random", "20"];
}

// A hang shows as the test's timeout: these used to hang for good, or take a 60-s init timeout per cell.
describe("check with bodies that trap, loop or grow memory", () => {
  it("a trap fails every strategy that reaches it, naming the case and the call: exit 1, no stack trace", async () => {
    const r = await cli(setup("boom", "export function boom(seed: i64, n: i32): i64 { if (n > 0) unreachable(); return seed; }\n"));
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    for (const s of ["table", "chain"])
      expect(r.out).toMatch(new RegExp(`\\n${s}: check failed: op 1 args \\([-\\d, ]+\\): h1 trapped: RuntimeError: unreachable\\n`));
    expect(r.out).toContain("2 strategies mismatch or fail");
  });

  it("a loop fails each strategy as timed out after --timeout, and the check ends", { timeout: 60_000 }, async () => {
    const r = await cli([
      ...setup("spin", "export function spin(seed: i64, n: i32): i64 { let x = seed; while (x != 0 || n > 0) { x = x * 3 + 1; } return x; }\n"),
      "--timeout",
      "2",
    ]);
    expect(r.code).toBe(1);
    for (const s of ["table", "chain"])
      expect(r.out).toContain(`\n${s}: check failed: timed out after 2 s (a body that never returns? raise --timeout for heavy bodies)\n`);
  });

  it("a body that grows memory fails the check with the reason", async () => {
    const r = await cli(setup("grows", "export function grows(seed: i64, n: i32): i64 { memory.grow(1); return seed; }\n"));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\ntable: check failed: op 1: its wasm memory grew from [\d.]+ MiB to [\d.]+ MiB: a body must not allocate or grow memory\n/);
  });

  it("--timeout takes whole seconds from 1", async () => {
    const r = await cli(["check", "--timeout", "0"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--timeout: "0" is not an integer in 1..86400');
  });
});

describe("run with a heavy body", () => {
  it("alu:1000000 fails its cells at once with the reason, within the budget", { timeout: 30_000 }, async () => {
    writeFileSync(
      join(dir, "tiny.json"),
      JSON.stringify({
        name: "tiny",
        handlers: [
          { id: 0, name: "a" },
          { id: 1, name: "b" },
          { id: 3, name: "c" },
        ],
      }),
    );
    const out = join(dir, "heavy");
    const r = await cli([
      "run",
      "--spec",
      `${join(dir, "tiny.json")}+body=alu:1000000`,
      "--strategies",
      "table,chain",
      "--workloads",
      "uniform",
      "--time-budget",
      "10",
      "--out",
      out,
    ]);
    expect(r.code).toBe(1);
    const cells = (JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { runs: { cells: { status: string; error?: string }[] }[] }).runs[0]!.cells;
    expect(cells.length).toBeGreaterThanOrEqual(2);
    for (const c of cells) {
      expect(c.status).toBe("failed");
      expect(c.error).toMatch(
        /^init failed: one pass over its 65536-number stream takes about [\d.]+ s \([\d.]+ ms per dispatch\); this time budget allows [\d.]+ ms per sample/,
      );
    }
    // Without colour codes: picocolors colours "failed" when CI is set, as in .ci/run.
    expect(r.out.replace(/\u001b\[\d+m/g, "")).toContain("failed table|uniform|turbofan: init failed: one pass over its 65536-number stream");
  });
});
