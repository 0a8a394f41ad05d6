import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { beforeAll, describe, expect, it } from "vitest";
import { instantiate } from "../../src/check/check.js";
import { emitModules } from "../../src/emit/emit.js";
import { compileNative } from "../../src/emit/native/compile.js";
import { lowerC } from "../../src/emit/native/lower-c.js";
import { selectStrategies, strategies } from "../../src/emit/strategies/index.js";
import { v8Flags } from "../../src/engines/kinds/v8.js";
import { COUNT_EVENTS, type CellCounts } from "../../src/model/counts.js";
import type { ChildCommand } from "../../src/model/engines.js";
import { CALLGRIND_FLAGS, valgrindVersion } from "../../src/run/callgrind.js";
import { withCustomSection } from "../../src/run/cell-bytes.js";
import { countCells, V8_COUNT_FLAGS, type CountInput, type CountOutcome } from "../../src/run/counter.js";
import type { Spec } from "../../src/spec/types.js";
import { seededRng } from "../../src/stats/rng.js";
import { builtinLibrary, tinySpec } from "../helpers.js";

/**
 * Counts for real, under valgrind: two strategies x two short streams in the
 * running node at tier turbofan, one native cell where `cc` exists, and a
 * cell whose engine cannot start. Valgrind is slow (node starts in ~8 s
 * under it): few processes, run on every CPU. A native build's counts
 * repeat exactly from one call to the next; node's instructions and
 * branches too, its simulated mispredicts to a few events over the stream
 * (callgrind.ts CountScope).
 */
const VALGRIND = valgrindVersion();
if (!VALGRIND) console.log("test/run/counter: skipped: valgrind is not installed (apt-get install valgrind)");
const HAS_CC = spawnSync("cc", ["--version"]).status === 0;
if (VALGRIND && !HAS_CC) console.log("test/run/counter: the native cell skipped: no C compiler `cc` (apt-get install gcc)");

const LENGTH = 16_384;
/**
 * How far node's simulated mispredicts per dispatch may move from one call
 * to the next: the predictor's state when a counted call starts carries
 * what the process's other threads ran (seen: up to 9 events over 64 Ki
 * dispatches).
 */
const NODE_NOISE = 20 / LENGTH;
const NODE: ChildCommand = { binary: process.execPath, args: v8Flags(`V8 ${process.versions.v8}`, "turbofan", "off"), env: {} };

/** Handler ids at random, or one id throughout. */
function streams(spec: Spec): Record<string, Int32Array> {
  const rng = seededRng(11);
  return {
    uniform: Int32Array.from({ length: LENGTH }, () => rng.pick(spec.handlers).id),
    fixed: new Int32Array(LENGTH).fill(spec.handlers[1]!.id),
  };
}

/** Every cell's counts; a cell without them fails the test with its reason. */
function countsOf(outcomes: Map<string, CountOutcome>): Map<string, CellCounts> {
  return new Map(
    [...outcomes].map(([id, o]) => {
      if ("error" in o) throw new Error(`${id} has no counts: ${o.error}`);
      return [id, o.counts];
    }),
  );
}

describe.skipIf(!VALGRIND)("countCells (under valgrind)", () => {
  let wasm: CountInput[] = [];
  let native: CountInput[] = [];
  let first: Map<string, CountOutcome>;

  beforeAll(async () => {
    const spec = tinySpec();
    const modules = emitModules(spec, selectStrategies("table,chain"), { library: await builtinLibrary() });
    const byName = streams(spec);
    wasm = modules.flatMap((m) =>
      Object.entries(byName).map(([workload, stream]) => {
        const id = `${m.strategy}|${workload}|turbofan|node`;
        return { id, group: `${m.strategy}|turbofan|node`, module: withCustomSection(m.bytes, "dispatch-lab.cell", id), stream, command: NODE };
      }),
    );
    if (HAS_CC) {
      const lowered = lowerC(spec, strategies["table"]!.plan(spec));
      if (!lowered.ok) throw new Error(lowered.reason);
      const built = await compileNative(lowered.units, { name: "table" });
      if (!built.ok) throw new Error(built.note);
      const base = (instantiate(modules[0]!.bytes)["stream_base"] as WebAssembly.Global).value as number;
      const command: ChildCommand = { binary: built.binary, args: ["child"], env: {}, selfHosted: true };
      native = [{ id: "table|uniform|native|native", group: "table|native|native", module: new Uint8Array(0), stream: byName["uniform"]!, command, base }];
    }
  }, 60_000);

  it("counts every cell; a process that fails fails only its own cells", async () => {
    const broken: CountInput = { ...wasm[0]!, id: "broken|uniform", group: "broken", command: { binary: "/nonexistent/engine", args: [], env: {} } };
    const progress: number[] = [];
    const outcomes = await countCells([...wasm, ...native, broken], {
      parallel: availableParallelism(),
      onProcessDone: (done, total) => progress.push(done / total),
    });
    expect([...outcomes.keys()]).toEqual([...wasm, ...native, broken].map((i) => i.id));
    expect(outcomes.get("broken|uniform")).toEqual({ error: expect.stringMatching(/^its process under valgrind exited with code \d+: /) });
    outcomes.delete("broken|uniform");
    for (const [id, c] of countsOf(outcomes)) {
      expect(c.dispatches, id).toBe(LENGTH);
      expect(c.valgrind).toBe(VALGRIND);
      // A difference of two calls: an event the dispatch never has comes out as a few counts of noise over LENGTH dispatches, either way.
      for (const e of COUNT_EVENTS) expect(c.perDispatch[e], `${id} ${e}`).toBeGreaterThan(-0.01);
      expect(c.perDispatch.Ir, id).toBeGreaterThan(5);
      expect(c.perDispatch.Ir, id).toBeLessThan(1000);
      expect(c.flags.slice(0, CALLGRIND_FLAGS.length)).toEqual(CALLGRIND_FLAGS);
    }
    const table = countsOf(outcomes).get("table|uniform|turbofan|node")!;
    expect(table.flags).toEqual([...CALLGRIND_FLAGS, ...NODE.args, ...V8_COUNT_FLAGS]);
    expect(table.perDispatch.Bi, "a table dispatches through one indirect call").toBeCloseTo(1, 1);
    // node's four cells share min(CPUs, 4) processes; the native build and the broken engine one each.
    expect(progress).toHaveLength(Math.min(availableParallelism(), 4) + native.length + 1);
    expect(progress.at(-1)).toBe(1);
    first = outcomes;
  }, 300_000);

  it("fails the cells of a process that outlasts its time, with the reason", async () => {
    const outcomes = await countCells([wasm[0]!], { timeoutMs: 300 });
    expect(outcomes.get(wasm[0]!.id)).toEqual({ error: expect.stringMatching(/^its process under valgrind timed out after 0\.3 s/) });
  });

  it("gives the same counts on a second call: a native build's to the event, node's but for a few simulated mispredicts", async () => {
    expect(first, "the first call's counts").toBeDefined();
    const outcomes = await countCells([...wasm, ...native], { parallel: availableParallelism() });
    const before = countsOf(first);
    for (const [id, c] of countsOf(outcomes)) {
      const was = before.get(id)!;
      if (id.endsWith("|native")) {
        expect(c, id).toEqual(was);
        continue;
      }
      expect({ ...c, perDispatch: null }, id).toEqual({ ...was, perDispatch: null });
      for (const e of ["Ir", "Bc", "Bi"] as const) expect(c.perDispatch[e], `${id} ${e}`).toBe(was.perDispatch[e]);
      for (const e of ["Bcm", "Bim"] as const) expect(Math.abs(c.perDispatch[e] - was.perDispatch[e]), `${id} ${e}`).toBeLessThanOrEqual(NODE_NOISE);
    }
  }, 240_000);
});
