import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CACHEGRIND_ARGS, CACHEGRIND_FLAGS, parseCachegrind, valgrindVersion } from "../../src/run/cachegrind.js";

/** Cachegrind out files (test/fixtures/cachegrind/README.md). */
const fixture = (name: string) => readFileSync(join(import.meta.dirname, "..", "fixtures", "cachegrind", name), "utf8");

describe("parseCachegrind", () => {
  it("reads the summary of a real out file, event by event", () => {
    expect(parseCachegrind(fixture("node-predictable.out"))).toEqual({ Ir: 626797583, Bc: 86448963, Bcm: 4322806, Bi: 5790928, Bim: 1189688 });
  });

  it("reads the events in the order the events line gives them", () => {
    expect(parseCachegrind(fixture("events-reordered.out"))).toEqual({ Ir: 3000, Bc: 1000, Bcm: 40, Bi: 90, Bim: 70 });
  });

  it("ignores events it does not count (a run with the cache simulator)", () => {
    expect(parseCachegrind("events: Ir I1mr ILmr Bc Bcm Bi Bim\nsummary: 10 1 1 5 2 3 1\n")).toEqual({ Ir: 10, Bc: 5, Bcm: 2, Bi: 3, Bim: 1 });
  });

  it("takes the unnamed code's records alone in the jit scope (a real out file)", () => {
    expect(parseCachegrind(fixture("node-predictable.out"), "jit")).toEqual({ Ir: 9688334, Bc: 464886, Bcm: 852, Bi: 3677482, Bim: 526744 });
  });

  it("sums every block of unnamed code, in the events' order, a short record's missing counts as zeros", () => {
    expect(parseCachegrind(fixture("jit-records.out"), "jit")).toEqual({ Ir: 150, Bc: 20, Bcm: 3, Bi: 9, Bim: 7 });
    expect(parseCachegrind(fixture("jit-records.out"), "all")).toEqual({ Ir: 8651, Bc: 30, Bcm: 13, Bi: 1019, Bim: 17 });
  });

  it("refuses a record with more counts than events", () => {
    expect(() => parseCachegrind("events: Ir Bc Bcm Bi Bim\nfl=???\nfn=???\n0 1 2 3 4 5 6\nsummary: 1 2 3 4 5\n", "jit")).toThrow(
      '6 counts for 5 events in "0 1 2 3 4 5 6"',
    );
  });

  it("names a missing summary line", () => {
    expect(() => parseCachegrind(fixture("no-summary.out"))).toThrow("not a cachegrind out file: no `summary:` line");
  });

  it("names a missing events line, and both when both are missing", () => {
    expect(() => parseCachegrind("summary: 1 2 3 4 5\n")).toThrow(/no `events:` line$/);
    expect(() => parseCachegrind("")).toThrow("no `events:` line and no `summary:` line");
  });

  it("names the events that are missing (no branch simulator)", () => {
    expect(() => parseCachegrind(fixture("no-branch-sim.out"))).toThrow("no Bc, Bcm, Bi, Bim events (events: Ir): run with --branch-sim=yes");
  });

  it("refuses a summary that does not fit its events, or a word that is not a count", () => {
    expect(() => parseCachegrind("events: Ir Bc Bcm Bi Bim\nsummary: 1 2 3 4\n")).toThrow("4 numbers for 5 events");
    expect(() => parseCachegrind("events: Ir Bc Bcm Bi Bim\nsummary: 1 2 x 4 5\n")).toThrow('"x" for Bcm');
  });
});

describe("valgrind's arguments and version", () => {
  it("counts branches, simulates no cache, and writes its totals where asked", () => {
    expect(CACHEGRIND_ARGS("/tmp/x.out")).toEqual([...CACHEGRIND_FLAGS, "--cachegrind-out-file=/tmp/x.out"]);
    expect(CACHEGRIND_FLAGS).toEqual(["--tool=cachegrind", "--branch-sim=yes", "--cache-sim=no", "--quiet"]);
  });

  it("is null for a valgrind that is not there", () => {
    expect(valgrindVersion("/nonexistent/valgrind")).toBeNull();
  });

  it("is valgrind's own version line where valgrind is installed", () => {
    const version = valgrindVersion();
    if (version === null) console.log("test/run/cachegrind: valgrind is not installed: its version line is not checked");
    else expect(version).toMatch(/^valgrind-\d+\.\d+/);
  });
});
