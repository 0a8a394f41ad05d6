import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../src/spec/load.js";
import { buildWorkload } from "../../src/workload/index.js";
import { parseTrace, tile } from "../../src/workload/trace.js";
import { dataPath } from "../../src/paths.js";
import { labError } from "../spec/helpers.js";

const pv64 = loadSpec("xen:pv64");
const dir = mkdtempSync(join(tmpdir(), "dispatch-lab-trace-"));
let n = 0;
/** A temp trace file with `text`; returns its path. */
function file(text: string): string {
  const path = join(dir, `t${n++}.csv`);
  writeFileSync(path, text);
  return path;
}
const numbers = (text: string): number[] => [...parseTrace(text, "f", pv64)];

describe("trace:FILE parsing", () => {
  it("reads one number per line, skipping blanks and # comments", () => {
    expect(numbers("# a trace\n1\n\n23  # iret\n  26\r\n-1\n")).toEqual([1, 23, 26, -1]);
  });

  it("accepts hex, and wraps 2^31..2^32-1 to the i32 dispatch compares unsigned", () => {
    expect(numbers("0x17\n4294967295\n2147483648\n-2147483648\n")).toEqual([23, -1, -2147483648, -2147483648]);
  });

  it("maps handler names to ids", () => {
    expect(numbers("mmu_update\niret\n17\n")).toEqual([1, 23, 17]);
  });

  it("reads a CSV's first column, tolerating a header", () => {
    expect(numbers("1,foo\n23,bar\n")).toEqual([1, 23]);
    expect(numbers("time,cpu\n23,0\n1,1\n")).toEqual([23, 1]);
  });

  it("reads a column named op, number, nr or hypercall (any case)", () => {
    expect(numbers('time,op,cpu\n5,23,0\n6,"1",0\n')).toEqual([23, 1]);
    expect(numbers("t,NR\n0,13\n")).toEqual([13]);
    expect(numbers("t,Number\n0,13\n")).toEqual([13]);
    // data/xen/profiles.csv has a hypercall column of names: it reads as a trace.
    expect(numbers("abi,hypercall,count\npv,mmu_update,5\npv,iret,3\n")).toEqual([1, 23]);
  });

  it("tiles a short file to the length and keeps a long one whole", () => {
    expect([...tile(Int32Array.of(1, 2, 3), 8)]).toEqual([1, 2, 3, 1, 2, 3, 1, 2]);
    expect([...tile(Int32Array.of(1, 2, 3), 2)]).toEqual([1, 2, 3]);
    const short = buildWorkload(`trace:${file("1\n23\n23\n")}`, pv64, { seed: 1, length: 3000 });
    expect(short.stream.length).toBe(3000);
    expect(short.mix).toEqual([
      { id: 23, name: "iret", share: 2 / 3 },
      { id: 1, name: "mmu_update", share: 1 / 3 },
    ]);
    const long = buildWorkload(`trace:${file("1\n".repeat(50))}`, pv64, { seed: 1, length: 20 });
    expect(long.stream.length).toBe(50);
    expect(long.description).toMatch(/50 numbers from .*, kept whole/);
  });

  it("is the same stream for every seed", () => {
    const path = file("1\n23\n-5\n");
    const a = buildWorkload(`trace:${path}`, pv64, { seed: 1, length: 100 });
    const b = buildWorkload(`trace:${path}`, pv64, { seed: 2, length: 100 });
    expect(a.stream).toEqual(b.stream);
    expect(a.mix.find((m) => m.id === null)?.share).toBeCloseTo(1 / 3, 1);
  });

  it("reads the shipped profiles file as a trace of names", () => {
    expect(buildWorkload(`trace:${dataPath("xen", "profiles-hvm.csv")}`, pv64, { seed: 1, length: 4 }).stream).toEqual(Int32Array.of(24, 32, 24, 32));
  });
});

describe("trace:FILE errors", () => {
  it("a missing file", () => {
    const path = join(dir, "absent.txt");
    const e = labError(() => buildWorkload(`trace:${path}`, pv64, { seed: 1 }));
    expect(e.code).toBe("usage");
    expect(e.problems).toEqual([{ path: `trace:${path}`, message: "no such file" }]);
  });

  it("an unreadable file is an io error", () => {
    if (process.getuid?.() === 0) return; // root reads anything
    const path = file("1\n");
    chmodSync(path, 0o000);
    expect(labError(() => buildWorkload(`trace:${path}`, pv64, { seed: 1 })).code).toBe("io");
  });

  it("an empty file, or only comments, or only a header", () => {
    for (const [text, what] of [
      ["", "the file is empty (or only comments and blank lines)"],
      ["# nothing\n\n   \n", "the file is empty (or only comments and blank lines)"],
      ["op,cpu\n", "the file has a header but no values"],
    ]) {
      const path = file(text!);
      const e = labError(() => buildWorkload(`trace:${path}`, pv64, { seed: 1 }));
      expect(e.problems).toEqual([{ path: `trace:${path}`, message: `no numbers: ${what}` }]);
      expect(e.fix).toMatch(/one integer or handler name per line/);
    }
  });

  it("one problem per bad line, at trace:FILE:LINE", () => {
    const path = file("1\nmmu_updat\n\n1.5\n99999999999\n0x\nop\n");
    expect(labError(() => buildWorkload(`trace:${path}`, pv64, { seed: 1 })).problems).toEqual([
      { path: `trace:${path}:2`, message: '"mmu_updat" is not an integer or a handler name (spec xen-pv64)' },
      { path: `trace:${path}:4`, message: '"1.5" is not an integer or a handler name (spec xen-pv64)' },
      { path: `trace:${path}:5`, message: "99999999999 does not fit in 32 bits (spec xen-pv64)" },
      { path: `trace:${path}:6`, message: '"0x" is not an integer or a handler name (spec xen-pv64)' },
      { path: `trace:${path}:7`, message: '"op" is not an integer or a handler name (spec xen-pv64)' },
    ]);
  });

  it("an out-of-range number on line 1 is an error, not a header", () => {
    const path = file("4294967296\n1\n");
    expect(labError(() => buildWorkload(`trace:${path}`, pv64, { seed: 1 })).problems).toEqual([
      { path: `trace:${path}:1`, message: "4294967296 does not fit in 32 bits (spec xen-pv64)" },
    ]);
  });

  it("a row without the value column, and empty cells", () => {
    const path = file("t,op\n1,23\n2\n3,\n");
    expect(labError(() => buildWorkload(`trace:${path}`, pv64, { seed: 1 })).problems).toEqual([
      { path: `trace:${path}:3`, message: "no column 2 (the row has 1) (spec xen-pv64)" },
      { path: `trace:${path}:4`, message: "empty value (spec xen-pv64)" },
    ]);
  });

  it("lists at most ten bad lines, then a count", () => {
    const path = file(`x\n${"bad\n".repeat(15)}`);
    const problems = labError(() => buildWorkload(`trace:${path}`, pv64, { seed: 1 })).problems;
    expect(problems).toHaveLength(11);
    expect(problems[10]).toEqual({ path: `trace:${path}`, message: "and 5 more bad lines" });
  });
});
