import { describe, expect, it } from "vitest";
import { checkCases } from "../../src/check/cases.js";
import { checkInWorkers } from "../../src/check/check-in-worker.js";
import type { CheckableModule, StrategyCheck } from "../../src/check/check.js";
import { emitModules } from "../../src/emit/emit.js";
import { selectStrategies } from "../../src/emit/strategies/index.js";
import type { ResolvedEngine } from "../../src/engines/resolve.js";
import { checkInProcess } from "../../src/lab/check-in-process.js";
import { parseEngines } from "../../src/model/engines.js";
import { loadSpec } from "../../src/spec/load.js";
import { builtinLibrary } from "../helpers.js";

const major = process.versions.node.split(".")[0]!;

/** The running node, but as another engine: checked in a child process of its own. */
const childNode = (path = process.execPath, vm = `V8 ${process.versions.v8}`): ResolvedEngine => ({
  ref: parseEngines(`node@${major}`)[0]!,
  kind: "node",
  path,
  version: process.versions.node,
  vm,
  source: "path",
});

/**
 * (memory (export "memory") 1)
 * (func (export "dispatch") (result i64) (loop (br 0)) (i64.const 0))
 * A dispatch that never returns.
 */
// biome-ignore format: one section a line
const SPINNER = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7e, // type () -> i64
  0x03, 0x02, 0x01, 0x00, // function
  0x05, 0x03, 0x01, 0x00, 0x01, // memory 1
  0x07, 0x15, 0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x08, 0x64, 0x69, 0x73, 0x70, 0x61, 0x74, 0x63, 0x68, 0x00, 0x00, // exports
  0x0a, 0x0b, 0x01, 0x09, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x42, 0x00, 0x0b, // code
]);

const spec = loadSpec("xen:pv64");
const cases = checkCases(spec, { random: 300, seed: 5 });
const modules = async (strategies: string): Promise<CheckableModule[]> =>
  emitModules(spec, selectStrategies(strategies), { library: await builtinLibrary() }).map((m) => ({
    strategy: m.strategy,
    control: m.control,
    bytes: m.bytes,
  }));

/** What must agree between two ways of checking: all but the words of a skip note, which name the engine as each saw it. */
const outcome = (r: StrategyCheck) => ({ ...r, skipped: r.skipped !== undefined });

describe("check in a child process of an engine", () => {
  it("the running node as a child gives the worker path's results on xen:pv64 (table-ref too)", async () => {
    const ms = await modules("table,chain,xen,switch,bsearch,hybrid,direct,table-ref,xen-unguarded");
    const [inChild, inWorkers] = await Promise.all([checkInProcess(childNode(), spec, ms, cases, 30_000), checkInWorkers(spec, ms, cases, 30_000)]);
    expect(inChild.map(outcome)).toEqual(inWorkers.map(outcome));
    expect(inChild.find((r) => r.strategy === "xen-unguarded")!.mismatches).toBeGreaterThan(0);
    expect(inChild.filter((r) => r.strategy !== "xen-unguarded" && !r.skipped).every((r) => r.cases === cases.length && r.mismatches === 0 && !r.failure)).toBe(
      true,
    );
  });

  it("a module that loops fails as timed out, its process is killed, and the modules after it are still checked", async () => {
    const [table, chain] = await modules("table,chain");
    const spinner = { strategy: "spinner", control: false, bytes: SPINNER };
    const started = performance.now();
    const results = await checkInProcess(childNode(), spec, [table!, spinner, chain!], cases, 3000);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(results.map((r) => [r.strategy, r.cases, r.mismatches, r.failure])).toEqual([
      ["table", cases.length, 0, null],
      ["spinner", cases.length, 0, "timed out after 3 s (a body that never returns? raise --timeout for heavy bodies)"],
      ["chain", cases.length, 0, null],
    ]);
  });

  it("a strategy the engine cannot run is skipped as its driver says, without starting the engine", async () => {
    const ms = await modules("table-ref");
    const [r] = await checkInProcess(childNode("/nonexistent/node", "V8 11.3.244.8-node.38"), spec, ms, cases, 3000);
    expect(r!.cases).toBe(0);
    expect(r!.failure).toBeNull();
    expect(r!.skipped).toBe(
      "skipped: table-ref needs typed-function-references, which Node " +
        `${process.versions.node} (V8 11.3.244.8-node.38) lacks (V8 11.3.244.8-node.38 predates the final encoding of typed function references); ` +
        "it runs on V8 >= 12 (Node 22+, Deno) and Bun; not Node 20 (V8 11.3)",
    );
  });

  it("an engine that cannot start fails each strategy with the reason", async () => {
    const results = await checkInProcess(childNode("/nonexistent/node"), spec, await modules("table,chain"), cases, 10_000);
    expect(results.map((r) => r.strategy)).toEqual(["table", "chain"]);
    for (const r of results) expect(r.failure).toMatch(/node@\d+ (could not be started|process exited with code \d+ before its last result)/);
  });
});
