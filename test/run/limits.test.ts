import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadBodyLibrary } from "../../src/emit/bodies.js";
import { emitModules } from "../../src/emit/emit.js";
import { selectStrategies } from "../../src/emit/strategies/index.js";
import { withCustomSection } from "../../src/run/cell-bytes.js";
import { runCells, type CellInput, type RunnerOptions } from "../../src/run/runner.js";
import type { CellRun } from "../../src/model/cells.js";
import { loadSpec } from "../../src/spec/load.js";
import { validateSpec } from "../../src/spec/validate.js";
import { builtinLibrary, TINY } from "../helpers.js";
import { misbehavingModule } from "./fixtures.js";
import { nodeCommand } from "../engines/node-command.js";
import { hasSetpriv, procStat, running, until } from "./processes.js";

const dir = mkdtempSync(join(tmpdir(), "dispatch-lab-limits-"));

describe("children never outlive the runner", () => {
  it.skipIf(process.platform !== "linux").each([
    ["pdeathsig", !hasSetpriv],
    ["watchdog", false],
  ] as const)("guard %s: a SIGKILL of the parent during a batch that never returns ends the child", async (guard, skip) => {
    if (skip) return;
    const module = join(dir, `hang-${guard}.wasm`);
    writeFileSync(module, misbehavingModule("hang"));
    const parent = spawn(process.execPath, [join(import.meta.dirname, "orphan-parent.mjs"), module, guard], { stdio: ["ignore", "pipe", "inherit"] });
    const pid = await new Promise<number>((resolve) => parent.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))));
    try {
      // Half a second of CPU: the child is inside the endless wasm call, deaf to its IPC channel.
      expect(await until(() => (procStat(pid)?.ticks ?? 0) >= 50, 30_000)).toBe(true);
      parent.kill("SIGKILL");
      expect(await until(() => !running(pid), 3000)).toBe(true);
    } finally {
      parent.kill("SIGKILL");
      if (running(pid)) process.kill(pid, "SIGKILL");
    }
  });
});

/** Real child processes; a budget of `budgetS` from now. */
const options = (budgetS: number, over: Partial<RunnerOptions> = {}): RunnerOptions => ({
  cpu: 0,
  targetSampleMs: 2,
  maxWarmupMs: 50,
  deadline: Date.now() + budgetS * 1000,
  reserveMs: 0,
  samples: undefined,
  processes: 1,
  seed: 1,
  session: 0,
  initTimeoutMs: 60_000,
  ...over,
});

const fresh = (inputs: CellInput[]): CellRun[] => inputs.map((i) => ({ id: i.id, status: "pending", samples: [], seconds: 0 }));
const stream = Int32Array.from({ length: 65536 }, (_, i) => [0, 2, 3, 5, 6, 7, 9, 12, 1, -1][i % 10]!);

function inputsOf(modules: { strategy: string; bytes: Uint8Array }[]): CellInput[] {
  return modules.map((m) => ({
    id: m.strategy,
    group: m.strategy,
    module: withCustomSection(m.bytes, "cell", m.strategy),
    stream,
    command: nodeCommand(["--no-liftoff"]),
  }));
}

describe("cells within the budget and the memory ceiling", () => {
  // The test's timeout is the budget x 3: each cell used to take the 60-s init timeout.
  it("a heavy body (alu:1000000) is refused at once with the reason, not timed out cell after cell", { timeout: 30_000 }, async () => {
    writeFileSync(join(dir, "tiny.json"), JSON.stringify(TINY));
    const spec = loadSpec(`${join(dir, "tiny.json")}+body=alu:1000000`);
    const modules = emitModules(spec, selectStrategies("table,chain,direct"), { library: await builtinLibrary() });
    const inputs = inputsOf(modules);
    const cells = fresh(inputs);
    await runCells(inputs, cells, options(10), { persist: () => undefined });
    for (const c of cells) {
      expect(c.status).toBe("failed");
      expect(c.error).toMatch(
        /^init failed: one pass over its 65536-number stream takes about [\d.]+ s \([\d.]+ ms per dispatch\); this time budget allows [\d.]+ ms per sample: use lighter bodies or a larger --time-budget$/,
      );
    }
  });

  it("a body that loops forever fails in seconds, not after the 60-s init timeout", async () => {
    const inputs: CellInput[] = [{ id: "hang", group: "hang", module: misbehavingModule("hang"), stream, command: nodeCommand([]) }];
    const cells = fresh(inputs);
    await runCells(inputs, cells, options(1), { persist: () => undefined });
    expect(cells[0]!.error).toMatch(/^timed out after \d+\.\d s calibrating \(a call of run that never returns\?\)$/);
    expect(Number(/after ([\d.]+) s/.exec(cells[0]!.error!)![1])).toBeLessThan(20);
  });

  it("a body that grows memory fails its cell with the reason; one batch cannot pass the ceiling", async () => {
    const bodies = join(dir, "grow.ts");
    // page: one page per call; hog: 64 pages at a time, n times in one call (a batch that would reach 4 GiB).
    writeFileSync(
      bodies,
      "export function page(seed: i64, n: i32): i64 { memory.grow(n); return seed; }\nexport function hog(seed: i64, n: i32): i64 { for (let i = 0; i < n; i++) memory.grow(64); return seed; }\n",
    );
    const library = await loadBodyLibrary(bodies);
    const module = (kind: string, ops: number) => {
      const spec = validateSpec({
        name: kind,
        handlers: [
          { id: 0, name: "a", body: { kind, ops } },
          { id: 1, name: "b" },
        ],
      });
      return { ...emitModules(spec, selectStrategies("table"), { library })[0]!, strategy: kind };
    };
    const inputs = inputsOf([module("page", 1), module("hog", 1000)]);
    const cells = fresh(inputs);
    await runCells(inputs, cells, options(10, { samples: 3 }), { persist: () => undefined });
    expect(cells.map((c) => c.status)).toEqual(["failed", "failed"]);
    const grew =
      /^init failed: its wasm memory grew from [\d.]+ [KM]iB to ([\d.]+) MiB while running \(the ceiling is 256\.0 MiB\): a body must not allocate or grow memory$/;
    expect(cells[0]!.error).toMatch(grew);
    // One batch of hog would take 4 GiB; the ceiling stops it within the last 64-page step.
    expect(Number(grew.exec(cells[1]!.error!)![1])).toBeGreaterThan(250);
    expect(Number(grew.exec(cells[1]!.error!)![1])).toBeLessThanOrEqual(256);
  });
});
