import { describe, expect, it } from "vitest";
import type { EventCounts } from "../../src/model/counts.js";
import {
  BASE_REPS,
  cellOutcomes,
  EXTRA_REPS,
  extraDispatches,
  perDispatchFrom,
  planCounts,
  uncountableReason,
  type PlanCell,
  type ProcessResult,
} from "../../src/run/counts-plan.js";

const CELLS: PlanCell[] = [
  { id: "table|uniform", group: "table", length: 4 },
  { id: "chain|uniform", group: "chain", length: 4 },
  { id: "table|fixed", group: "table", length: 8 },
];

const counts = (Ir: number, Bc = 0, Bcm = 0, Bi = 0, Bim = 0): EventCounts => ({ Ir, Bc, Bcm, Bi, Bim });

describe("planCounts", () => {
  it("gives each group a control and one process per cell, each running every cell of the group in order", () => {
    expect(BASE_REPS).toBe(1);
    expect(EXTRA_REPS).toBe(2);
    expect(planCounts(CELLS)).toEqual([
      {
        group: "table",
        extra: null,
        calls: [
          { id: "table|uniform", reps: 1 },
          { id: "table|fixed", reps: 1 },
        ],
      },
      {
        group: "table",
        extra: "table|uniform",
        calls: [
          { id: "table|uniform", reps: 2 },
          { id: "table|fixed", reps: 1 },
        ],
      },
      {
        group: "table",
        extra: "table|fixed",
        calls: [
          { id: "table|uniform", reps: 1 },
          { id: "table|fixed", reps: 2 },
        ],
      },
      { group: "chain", extra: null, calls: [{ id: "chain|uniform", reps: 1 }] },
      { group: "chain", extra: "chain|uniform", calls: [{ id: "chain|uniform", reps: 2 }] },
    ]);
  });

  it("takes W + 1 processes for a group of W cells, and none for no cells", () => {
    const many = Array.from({ length: 7 }, (_, i) => ({ id: `c${i}`, group: "g", length: 1 }));
    expect(planCounts(many)).toHaveLength(8);
    expect(planCounts([])).toEqual([]);
  });
});

describe("the arithmetic", () => {
  it("divides the difference of two processes by the extra pass's dispatches", () => {
    expect(extraDispatches(65536)).toBe(65536);
    expect(perDispatchFrom(counts(1000, 100, 10, 20, 2), counts(1000 + 90 * 64, 100 + 12 * 64, 10 + 64, 20 + 2 * 64, 2 + 32), 64)).toEqual(
      counts(90, 12, 1, 2, 0.5),
    );
  });

  it("gives each cell its process's difference from its group's control", () => {
    const plan = planCounts(CELLS);
    const results: ProcessResult[] = [
      { counts: counts(1000, 500, 50, 40, 4), checksums: ["7", "-3"] },
      { counts: counts(1000 + 4 * 30, 500 + 4 * 5, 50 + 2, 40 + 4, 4 + 1), checksums: ["14", "-3"] },
      { counts: counts(1000 + 8 * 25, 500 + 8 * 4, 50, 40 + 8, 4), checksums: ["7", "-6"] },
      { counts: counts(800), checksums: ["9223372036854775807"] },
      { counts: counts(800 + 4 * 11), checksums: ["-2"] }, // 2 x (2^63 - 1) wraps to -2, as the harness's i64 sum does
    ];
    expect(Object.fromEntries(cellOutcomes(CELLS, plan, results))).toEqual({
      "table|uniform": { perDispatch: counts(30, 5, 0.5, 1, 0.25), dispatches: 4 },
      "table|fixed": { perDispatch: counts(25, 4, 0, 1, 0), dispatches: 8 },
      "chain|uniform": { perDispatch: counts(11), dispatches: 4 },
    });
  });

  it("fails a whole group with its control, and one cell with its own process", () => {
    const plan = planCounts(CELLS);
    const results: ProcessResult[] = [
      { counts: counts(1000), checksums: ["7", "-3"] },
      { error: "its process under valgrind exited with code 1: boom" },
      { counts: counts(1200), checksums: ["7", "-6"] },
      { error: "its process under valgrind timed out after 120 s" },
      { counts: counts(900), checksums: ["4"] },
    ];
    expect(Object.fromEntries(cellOutcomes(CELLS, plan, results))).toEqual({
      "table|uniform": { error: "its process under valgrind exited with code 1: boom" },
      "table|fixed": { perDispatch: counts(25), dispatches: 8 },
      "chain|uniform": { error: "its group's control process failed: its process under valgrind timed out after 120 s" },
    });
  });

  it("fails a cell whose checksums do not follow its control's: not deterministic", () => {
    const plan = planCounts(CELLS);
    const ok = { counts: counts(1000), checksums: ["7", "-3"] };
    const outcome = (own: ProcessResult) => cellOutcomes(CELLS, plan, [ok, own, ok, ok, ok]).get("table|uniform");
    expect(outcome({ counts: counts(1100), checksums: ["15", "-3"] })).toEqual({
      error: "not deterministic: its 2-pass call computed 15, 2 times its 1-pass call's 7 is 14",
    });
    expect(outcome({ counts: counts(1100), checksums: ["14", "-4"] })).toEqual({
      error: "not deterministic: table|fixed's call computed -3 in one process and -4 in the other",
    });
    expect(outcome({ counts: counts(1100), checksums: ["14"] })).toEqual({ error: "its processes printed 2 and 1 checksums for 2 calls" });
    expect(outcome({ counts: counts(1100), checksums: ["14", "x"] })).toEqual({ error: 'a process printed "x" for table|fixed\'s call: not a checksum' });
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
