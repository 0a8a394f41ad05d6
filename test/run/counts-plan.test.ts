import { describe, expect, it } from "vitest";
import type { EventCounts } from "../../src/model/counts.js";
import {
  CALL_REPS,
  cellOutcomes,
  marksOf,
  perDispatchFrom,
  planCounts,
  uncountableReason,
  type PlanCell,
  type ProcessResult,
} from "../../src/run/counts-plan.js";

const CELLS: PlanCell[] = [
  { id: "table|uniform", command: "node", length: 4 },
  { id: "chain|uniform", command: "native-chain", length: 4 },
  { id: "table|fixed", command: "node", length: 8 },
];

const counts = (Ir: number, Bc = 0, Bcm = 0, Bi = 0, Bim = 0): EventCounts => ({ Ir, Bc, Bcm, Bi, Bim });

/** A process's dumps: start-up, then per cell its placement, its one-pass call and its two-pass call (each `[one, two]` given). */
const dumps = (...cells: [EventCounts, EventCounts][]): EventCounts[] => [counts(10_000), ...cells.flatMap(([one, two]) => [counts(5_000), one, two])];

describe("planCounts", () => {
  it("shares each command's cells, in order, among at most `parallel` processes of nearly equal size", () => {
    expect(CALL_REPS).toEqual([1, 1, 2]);
    expect(planCounts(CELLS, 1)).toEqual([
      { command: "node", cells: ["table|uniform", "table|fixed"] },
      { command: "native-chain", cells: ["chain|uniform"] },
    ]);
    expect(planCounts(CELLS, 4)).toEqual([
      { command: "node", cells: ["table|uniform"] },
      { command: "node", cells: ["table|fixed"] },
      { command: "native-chain", cells: ["chain|uniform"] },
    ]);
    const many = Array.from({ length: 7 }, (_, i) => ({ id: `c${i}`, command: "g", length: 1 }));
    expect(planCounts(many, 3).map((p) => p.cells)).toEqual([
      ["c0", "c1", "c2"],
      ["c3", "c4"],
      ["c5", "c6"],
    ]);
    expect(planCounts([], 2)).toEqual([]);
  });

  it("marks once before the first cell and after every call", () => {
    expect(marksOf(0)).toBe(1);
    expect(marksOf(5)).toBe(16);
  });
});

describe("the arithmetic", () => {
  it("divides the difference of the two-pass and the one-pass call by one pass's dispatches", () => {
    expect(perDispatchFrom(counts(1000, 100, 10, 20, 2), counts(1000 + 90 * 64, 100 + 12 * 64, 10 + 64, 20 + 2 * 64, 2 + 32), 64)).toEqual(
      counts(90, 12, 1, 2, 0.5),
    );
  });

  it("gives each cell the difference of its two counted dumps, whatever came before", () => {
    const plan = planCounts(CELLS, 1);
    const results: ProcessResult[] = [
      {
        dumps: dumps(
          [counts(1000, 500, 50, 40, 4), counts(1000 + 4 * 30, 500 + 4 * 5, 50 + 2, 40 + 4, 4 + 1)],
          [counts(900, 300, 7, 1, 0), counts(900 + 8 * 25, 300 + 8 * 4, 7, 1 + 8, 0)],
        ),
        checksums: ["7", "7", "14", "9223372036854775807", "9223372036854775807", "-2"], // 2 x (2^63 - 1) wraps to -2, as the harness's i64 sum does
      },
      { dumps: dumps([counts(800), counts(800 + 4 * 11)]), checksums: ["-3", "-3", "-6"] },
    ];
    expect(Object.fromEntries(cellOutcomes(CELLS, plan, results))).toEqual({
      "table|uniform": { perDispatch: counts(30, 5, 0.5, 1, 0.25), dispatches: 4 },
      "table|fixed": { perDispatch: counts(25, 4, 0, 1, 0), dispatches: 8 },
      "chain|uniform": { perDispatch: counts(11), dispatches: 4 },
    });
  });

  it("fails a process's cells with it, and with dumps or checksums that are not as many as its marks and calls", () => {
    const plan = planCounts(CELLS, 1);
    const chain: ProcessResult = { dumps: dumps([counts(800), counts(844)]), checksums: ["1", "1", "2"] };
    const outcome = (node: ProcessResult) => Object.fromEntries(cellOutcomes(CELLS, plan, [node, chain]));
    expect(outcome({ error: "its process under valgrind exited with code 1: boom" })).toEqual({
      "table|uniform": { error: "its process under valgrind exited with code 1: boom" },
      "table|fixed": { error: "its process under valgrind exited with code 1: boom" },
      "chain|uniform": { perDispatch: counts(11), dispatches: 4 },
    });
    const two = dumps([counts(1), counts(2)], [counts(1), counts(2)]);
    expect(outcome({ dumps: [counts(1), ...two], checksums: ["1", "1", "2", "1", "1", "2"] })["table|fixed"]).toEqual({
      error: "its process under callgrind wrote 8 dumps for 7 marks (something else in it called getppid)",
    });
    expect(outcome({ dumps: two, checksums: ["1", "1", "2"] })["table|uniform"]).toEqual({ error: "its process printed 3 checksums for 6 calls" });
  });

  it("fails a cell whose calls do not do the same work per pass: not deterministic", () => {
    const plan = planCounts(CELLS.slice(0, 1), 1);
    const outcome = (checksums: string[]) => cellOutcomes(CELLS, plan, [{ dumps: dumps([counts(1), counts(2)]), checksums }]).get("table|uniform");
    expect(outcome(["7", "7", "15"])).toEqual({ error: "not deterministic: its 2-pass call computed 15, 2 times its 1-pass call's 7 is 14" });
    expect(outcome(["7", "8", "16"])).toEqual({ error: "not deterministic: two 1-pass calls computed 7 and 8" });
    expect(outcome(["7", "x", "14"])).toEqual({ error: 'its process printed "x" for its call 2: not a checksum' });
  });
});

describe("uncountableReason", () => {
  it("counts node's fixed tiers and native builds only", () => {
    expect(uncountableReason("node", "turbofan")).toBeNull();
    expect(uncountableReason("node", "liftoff")).toBeNull();
    expect(uncountableReason("native", "native")).toBeNull();
    expect(uncountableReason("node", "tiered")).toMatch(/^not counted: V8's dynamic tiering/);
    expect(uncountableReason("deno", "turbofan")).toMatch(/^not counted: Deno's/);
    expect(uncountableReason("bun", "turbofan")).toMatch(/^not counted: Bun's/);
  });
});
