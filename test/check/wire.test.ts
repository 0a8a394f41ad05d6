import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CheckJob } from "../../src/check/check-in-worker.js";
import type { StrategyCheck } from "../../src/check/check.js";
import { CASES_PER_LINE, decodeCheckJob, decodeCheckReply, encodeCheckJob, encodeCheckReply, jobLines } from "../../src/check/wire.js";
import { tinySpec } from "../helpers.js";

const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const anyBig = fc.oneof(i64, fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }));

const job = (cases: CheckJob["cases"], fallback = -38n): CheckJob => ({
  spec: { ...tinySpec(), fallback },
  modules: [
    { strategy: "table", control: false, bytes: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 255]) },
    { strategy: "direct", control: true, bytes: new Uint8Array(new ArrayBuffer(16), 4, 3).fill(7) },
  ],
  cases,
});

describe("the check's wire codec", () => {
  it("round-trips a job's bigints (fallback, every i64 arg), ops and module bytes", () => {
    fc.assert(
      fc.property(
        anyBig,
        fc.array(fc.record({ op: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), args: fc.array(i64, { maxLength: 6 }) })),
        (fallback, cases) => {
          const j = job(cases, fallback);
          const lines = encodeCheckJob(j);
          expect(lines.every((l) => !l.includes("\n"))).toBe(true);
          expect(jobLines(lines[0]!)).toBe(lines.length);
          const back = decodeCheckJob(lines);
          expect(back.spec).toEqual(j.spec);
          expect(back.cases).toEqual(j.cases);
          expect(back.modules.map((m) => [m.strategy, m.control, [...m.bytes]])).toEqual(j.modules.map((m) => [m.strategy, m.control, [...m.bytes]]));
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it("splits many cases over lines, and refuses a job with a line missing", () => {
    const cases = Array.from({ length: 2 * CASES_PER_LINE + 1 }, (_, i) => ({ op: i, args: [BigInt(i) - 2n ** 63n] }));
    const lines = encodeCheckJob(job(cases));
    expect(lines).toHaveLength(4);
    expect(decodeCheckJob(lines).cases).toEqual(cases);
    expect(() => decodeCheckJob(lines.slice(0, 3))).toThrow("2 lines of cases, not 3");
    expect(() => decodeCheckJob([])).toThrow("stdin was empty");
  });

  it("round-trips a result's mismatches and an error; a bigint that is not a decimal string is refused", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ args: fc.array(i64), expected: anyBig, got: anyBig, to: fc.option(fc.string(), { nil: undefined }) }), { maxLength: 5 }),
        (ms) => {
          const result: StrategyCheck = {
            strategy: "xen",
            control: false,
            cases: 10,
            mismatches: ms.length,
            examples: ms.map((m, i) => ({ op: i - 1, args: m.args, expected: m.expected, got: m.got, ...(m.to === undefined ? {} : { routedTo: m.to }) })),
            routes: { "iret (23)": ms.length },
            failure: null,
          };
          expect(decodeCheckReply(encodeCheckReply({ type: "result", result }))).toEqual({ type: "result", result });
        },
      ),
      { numRuns: 60, seed: 3 },
    );
    const skipped: StrategyCheck = {
      strategy: "table-ref",
      control: false,
      cases: 0,
      mismatches: 0,
      examples: [],
      routes: {},
      failure: null,
      skipped: "skipped: why",
    };
    expect(decodeCheckReply(encodeCheckReply({ type: "result", result: skipped }))).toEqual({ type: "result", result: skipped });
    expect(decodeCheckReply(encodeCheckReply({ type: "error", message: "CompileError: x" }))).toEqual({ type: "error", message: "CompileError: x" });
    const bad = JSON.stringify({ type: "result", result: { ...skipped, examples: [{ op: 1, args: ["0x10"], expected: "1", got: "2" }] } });
    expect(() => decodeCheckReply(bad)).toThrow('not a decimal integer: "0x10"');
  });
});
