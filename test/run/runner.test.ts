import { cpus } from "node:os";
import { describe, expect, it } from "vitest";
import { emitModules } from "../../src/emit/emit.js";
import { selectStrategies } from "../../src/emit/strategies/index.js";
import { runCells, type CellInput, type RunnerOptions } from "../../src/run/runner.js";
import type { CellRun } from "../../src/model/cells.js";
import { withCustomSection } from "../../src/run/cell-bytes.js";
import { LIMIT_FLAGS } from "../../src/engines/kinds/v8.js";
import { nodeCommand } from "../engines/node-command.js";
import { builtinLibrary, tinySpec } from "../helpers.js";
import { misbehavingModule } from "./fixtures.js";

/** Real child processes on a tiny budget: structure is asserted, never speed. */
const options = (over: Partial<RunnerOptions> = {}): RunnerOptions => ({
  cpu: 0,
  targetSampleMs: 1,
  maxWarmupMs: 50,
  deadline: Date.now() + 60_000,
  reserveMs: 0,
  samples: 3,
  processes: 1,
  seed: 1,
  session: 0,
  initTimeoutMs: 20_000,
  ...over,
});

const fresh = (inputs: CellInput[]): CellRun[] => inputs.map((i) => ({ id: i.id, status: "pending", samples: [], seconds: 0 }));
const stream = Int32Array.from({ length: 256 }, (_, i) => [0, 2, 3, 5, 6, 7, 9, 12, 1, -1][i % 10]!);

async function goodInputs(): Promise<CellInput[]> {
  const modules = emitModules(tinySpec(), selectStrategies("table,chain,direct"), { library: await builtinLibrary() });
  return modules.map((m) => ({
    id: m.strategy,
    group: m.strategy,
    module: withCustomSection(m.bytes, "cell", m.strategy),
    stream,
    command: nodeCommand(["--no-liftoff"]),
  }));
}

describe("runner (real child processes)", () => {
  it("samples every cell once per round, in rounds, and persists after each", async () => {
    const inputs = await goodInputs();
    const cells = fresh(inputs);
    const persisted: boolean[] = [];
    const rounds: number[] = [];
    await runCells(inputs, cells, options(), { persist: (_c, final) => persisted.push(final), onRound: (r) => rounds.push(r) });
    expect(rounds).toEqual([1, 2, 3]);
    expect(persisted.at(-1)).toBe(true);
    expect(persisted.filter((f) => !f).length).toBe(4); // after start-up, then after each round
    for (const c of cells) {
      expect(c.status).toBe("ok");
      expect(c.samples.map((s) => s.round)).toEqual([0, 1, 2]);
      expect(c.samples.every((s) => s.nsPerDispatch > 0 && s.session === 0)).toBe(true);
      expect(c.ready!.dispatches).toBe(c.ready!.reps * stream.length);
      expect(c.ready!.execArgv).toEqual([...LIMIT_FLAGS, "--no-liftoff"]);
      expect(c.seconds).toBeGreaterThan(0);
    }
  });

  it("a crash, a trap at start, a trap later and a hang fail their cells; a trap fails only its cell in a shared process, a hang the whole process's", async () => {
    const good = await goodInputs();
    // One run for every failure (each hang costs the init timeout): a and b are processes shared by two and three cells.
    const inputs: CellInput[] = [
      { ...good[0]!, group: "a" },
      { id: "trapLater", group: "a", module: misbehavingModule("trapLater", 30), stream, command: nodeCommand(["--no-liftoff"]) },
      { ...good[1]!, group: "b" },
      { id: "hang", group: "b", module: misbehavingModule("hang"), stream, command: nodeCommand(["--no-liftoff"]) },
      { ...good[2]!, group: "b" },
      { id: "crash", group: "crash", module: good[0]!.module, stream, command: nodeCommand(["--no-such-v8-flag"]) },
      { id: "trap", group: "trap", module: misbehavingModule("trap"), stream, command: nodeCommand([]) },
    ];
    const cells = fresh(inputs);
    await runCells(inputs, cells, options({ initTimeoutMs: 3000 }), { persist: () => undefined });
    const byId = Object.fromEntries(cells.map((c) => [c.id, c]));
    expect(byId["table"]!.samples.length).toBe(3);
    expect(byId["table"]!.status).toBe("ok");
    expect(byId["trapLater"]!.status).toBe("failed");
    expect(byId["trapLater"]!.error).toMatch(/sample failed: RuntimeError: unreachable|init failed: RuntimeError: unreachable/);
    expect(byId["hang"]!.error).toMatch(/timed out after 3.0 s/);
    expect(byId["chain"]!.error).toMatch(/its process \(shared with hang\) was lost: timed out/);
    expect(byId["direct"]!.error).toMatch(/its process \(shared with hang\) was lost: timed out/);
    expect(byId["crash"]!.status).toBe("failed");
    expect(byId["crash"]!.error).toMatch(/child exited with code 9/);
    expect(byId["trap"]!.error).toMatch(/init failed: RuntimeError: unreachable/);
  });

  it("cuts the rounds into segments, each cell in a fresh process per segment", async () => {
    const inputs = await goodInputs();
    const cells = fresh(inputs);
    const started: string[] = [];
    await runCells(inputs, cells, options({ samples: 6, processes: 3 }), { persist: () => undefined, onCellStarted: (c) => started.push(c.id) });
    expect(started).toEqual(["table", "chain", "direct"]); // progress reports the first start only
    for (const c of cells) {
      expect(c.samples.map((s) => s.segment)).toEqual([0, 0, 1, 1, 2, 2]);
      expect(c.status).toBe("ok");
    }
  });

  it.skipIf(cpus().length < 2)(
    "with a staging CPU, each later segment's processes start while the segment before samples, then move to the measuring CPU; the first start-up uses both CPUs",
    async () => {
      const inputs = await goodInputs();
      const cells = fresh(inputs);
      await runCells(inputs, cells, options({ samples: 6, processes: 3, cpu: 0, stagingCpu: 1 }), { persist: () => undefined });
      for (const c of cells) {
        expect(c.status, c.error).toBe("ok");
        expect(c.samples.map((s) => s.segment)).toEqual([0, 0, 1, 1, 2, 2]);
        expect(c.pinning).toEqual({ cpu: 0, pinned: true });
        const [first, ...later] = c.starts!;
        expect(c.starts!.map((s) => s.segment)).toEqual([0, 1, 2]);
        let before = first!;
        for (const s of later) {
          // Started after the segment before began measuring (its processes promoted, or the first ready), ready before its own promotion.
          expect(s.startedAt).toBeGreaterThanOrEqual(before.promotedAt ?? before.readyAt);
          expect(s.readyAt).toBeLessThanOrEqual(s.promotedAt!);
          before = s;
        }
      }
      // The first start-up uses both CPUs: the first half of the groups (2 of 3) on the measuring CPU, the rest staged and moved.
      expect(cells.map((c) => c.starts![0]!.promotedAt !== undefined)).toEqual([false, false, true]);
    },
  );

  it("hosts a group's cells in one process, each with its own instance and samples", async () => {
    const good = await goodInputs();
    const inputs = good.map((g) => ({ ...g, group: "shared" }));
    const cells = fresh(inputs);
    await runCells(inputs, cells, options({ samples: 4, processes: 2 }), { persist: () => undefined });
    for (const c of cells) {
      expect(c.status).toBe("ok");
      expect(c.samples.map((s) => s.segment)).toEqual([0, 0, 1, 1]);
    }
  });

  it("stops between samples when asked, keeping what was measured", async () => {
    const inputs = await goodInputs();
    const cells = fresh(inputs);
    let calls = 0;
    await runCells(inputs, cells, options({ samples: 50, stop: () => ++calls > 8 }), { persist: () => undefined });
    const total = cells.reduce((n, c) => n + c.samples.length, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(150);
  });
});
