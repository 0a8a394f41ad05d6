import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import type { Dataset, RunRecord } from "../../src/model/results.js";
import { readResultsAt } from "../../src/results/read.js";
import { cli } from "../cli-harness.js";

/**
 * Native engines in a real run: cells of the same plans compiled to C,
 * measured in the same rounds as the wasm cells; no compiler, a variant the
 * compiler lacks and a spec with --bodies are skipped with a note (exit 0).
 * The terminal's colours are on where CI=true: lines are read without them.
 */
const tmp = () => mkdtempSync(join(tmpdir(), "dispatch-lab-native-run-"));
const CC_LINE = (() => {
  const out = spawnSync("cc", ["--version"], { encoding: "utf8" });
  return out.status === 0 ? out.stdout.split("\n")[0]!.trim() : undefined;
})();
const HAS_OBJDUMP = spawnSync("objdump", ["--version"]).status === 0;
if (!CC_LINE || !HAS_OBJDUMP) console.log("test/run/native-run-cli: the measuring test skipped: no `cc` or no objdump (apt-get install gcc binutils)");

const TINY = ["run", "--spec", "synthetic:6,levels=2", "--strategies", "table,xen,direct", "--workloads", "uniform", "--processes", "1", "--cpu", "0"];
const readRun = (dir: string): RunRecord => (JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as Dataset).runs[0]!;

describe("dispatch-lab run --engines native", () => {
  it.skipIf(!CC_LINE || !HAS_OBJDUMP)(
    "measures native cells beside the wasm ones, records the compiler and every flag, and reports them against each other",
    async () => {
      const out = tmp();
      const variant = process.arch === "x64" ? "native:retpoline" : "native:nojt";
      const r = await cli([...TINY, "--engines", `node,native,${variant}`, "--samples", "6", "--out", out]);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(0);
      const run = readRun(out);
      const native = run.cells.filter((c) => c.tier === "native");
      expect(native.map((c) => c.id).sort()).toEqual(
        ["table", "xen", "direct"].flatMap((s) => [`${s}|uniform|native|native`, `${s}|uniform|native|${variant}`]).sort(),
      );
      expect(run.cells.every((c) => c.status === "ok" && c.samples.length === 6)).toBe(true);
      // The native child computed the same sum as the wasm module for the same stream and batch size.
      const wasm = run.cells.find((c) => c.id === "table|uniform|turbofan")!;
      const o2 = run.cells.find((c) => c.id === "table|uniform|native|native")!;
      if (o2.ready!.reps === wasm.ready!.reps) expect(o2.ready!.checksum).toBe(wasm.ready!.checksum);
      expect(run.engines!["native"]).toMatchObject({ kind: "native", vm: CC_LINE, source: "built", native: { compiler: "cc", variant: "o2" } });
      expect(run.engines![variant]!.native!.flags).toEqual(expect.arrayContaining(["-O2", "-fno-optimize-sibling-calls", "-fno-lto"]));
      expect(o2.flags).toEqual(expect.arrayContaining(run.engines!["native"]!.native!.flags));
      expect(run.config).toMatchObject({ engines: ["node", "native", variant], cc: "cc" });
      expect(r.out).toContain("wasm against the hardware");
      expect(r.out).toMatch(/^uniform: natively \((gcc|clang) \d+\.\d+ -O2\) xen is \d+\.\d\dx table/m);
      // The CSV files read back into the same cells (engine and tier columns).
      const csv = readResultsAt(join(out, "samples.csv")).runs[0]!;
      expect(csv.cells.filter((c) => c.tier === "native").length).toBe(6);
      expect(readFileSync(join(out, "report.html"), "utf8")).toContain("wasm against the hardware");
    },
  );

  it("no compiler: the native cells are skipped with a note naming the package, and the run goes on (exit 0)", async () => {
    const out = tmp();
    const r = await cli([...TINY, "--engines", "node,native", "--cc", "/nonexistent/cc", "--samples", "6", "--out", out]);
    expect(r.code).toBe(0);
    expect(stripVTControlCharacters(r.out)).toMatch(
      /skipped table, xen, direct in native: no C compiler "\/nonexistent\/cc" \(install the Debian package gcc: apt-get install gcc/,
    );
    const run = readRun(out);
    expect(run.cells.filter((c) => c.tier === "native")).toEqual([]);
    expect(run.complete).toBe(true);
    expect(run.engines!["native"]).toBeUndefined();
  });

  it("a spec with --bodies has no C lowering: its native cells are skipped, with why", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "mine.ts"), "export function spin(seed: i64, n: i32): i64 { return seed + n; }\n");
    const spec = join(dir, "spec.json");
    writeFileSync(
      spec,
      JSON.stringify({
        name: "mine",
        args: 1,
        handlers: [
          { id: 0, name: "a", body: { kind: "spin", ops: 1 } },
          { id: 1, name: "b" },
        ],
      }),
    );
    const r = await cli([
      "run",
      "--spec",
      spec,
      "--bodies",
      join(dir, "mine.ts"),
      "--strategies",
      "table",
      "--workloads",
      "uniform",
      "--engines",
      "native",
      "--samples",
      "1",
      "--processes",
      "1",
      "--cpu",
      "0",
      "--out",
      join(dir, "out"),
    ]);
    expect(r.code).toBe(0);
    expect(stripVTControlCharacters(r.out)).toMatch(
      /skipped table, direct in native: unsupported: bodies: a spec with custom --bodies \(AssemblyScript\) cannot be lowered to C/,
    );
  });

  it("--cc without a native engine, an unknown variant and a version on native are usage errors (exit 2)", async () => {
    const out = tmp();
    expect(await cli([...TINY, "--cc", "clang", "--out", out])).toMatchObject({ code: 2, err: expect.stringMatching(/--cc: no native engine is measured/) });
    expect(await cli([...TINY, "--engines", "native:spectre", "--out", out])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/unknown native variant "spectre"/),
    });
    expect(await cli([...TINY, "--engines", "native@12", "--out", out])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/a native engine has no version/),
    });
  });
});
