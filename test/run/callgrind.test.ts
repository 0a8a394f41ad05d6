import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CALLGRIND_ARGS, CALLGRIND_FLAGS, dumpFiles, MARK_FUNCTION, parseCallgrindDump, valgrindVersion } from "../../src/run/callgrind.js";

/** Callgrind dumps (test/fixtures/callgrind/README.md). */
const fixture = (name: string) => readFileSync(join(import.meta.dirname, "..", "fixtures", "callgrind", name), "utf8");

describe("parseCallgrindDump", () => {
  it("reads the summary of a real dump, event by event", () => {
    expect(parseCallgrindDump(fixture("node-call.dump"))).toEqual({ Ir: 5984854, Bc: 459905, Bcm: 360, Bi: 65611, Bim: 52366 });
  });

  it("takes the code of no object alone in the jit scope (a real dump: one pass of table over 64 Ki numbers, and the call)", () => {
    const jit = parseCallgrindDump(fixture("node-call.dump"), "jit");
    expect(jit).toEqual({ Ir: 5976649, Bc: 458759, Bcm: 6, Bi: 65537, Bim: 52340 });
    expect(jit.Bi, "one indirect call a dispatch, and one of the call into the module").toBe(65536 + 1);
  });

  it("reads the events in the order the events line gives them", () => {
    const want = { Ir: 3000, Bc: 1000, Bcm: 40, Bi: 90, Bim: 70 };
    expect(parseCallgrindDump(fixture("events-reordered.dump"))).toEqual(want);
    expect(parseCallgrindDump(fixture("events-reordered.dump"), "jit")).toEqual(want);
  });

  it("ignores events it does not count (a run with the cache simulator)", () => {
    expect(parseCallgrindDump("events: Ir I1mr ILmr Bc Bcm Bi Bim\nsummary: 10 1 1 5 2 3 1\n")).toEqual({ Ir: 10, Bc: 5, Bcm: 2, Bi: 3, Bim: 1 });
  });

  it("sums self costs of unnamed code over its blocks, skips calls' inclusive costs, and reads short records and compressed positions", () => {
    expect(parseCallgrindDump(fixture("jit-blocks.dump"), "jit")).toEqual({ Ir: 151, Bc: 20, Bcm: 3, Bi: 9, Bim: 7 });
    expect(parseCallgrindDump(fixture("jit-blocks.dump"), "all")).toEqual({ Ir: 8651, Bc: 30, Bcm: 13, Bi: 1028, Bim: 17 });
  });

  it("takes a summary's missing trailing counts as zeros", () => {
    expect(parseCallgrindDump("events: Ir Bc Bcm Bi Bim\nsummary: 1 2 3\n")).toEqual({ Ir: 1, Bc: 2, Bcm: 3, Bi: 0, Bim: 0 });
  });

  it("refuses a record with more counts than events", () => {
    expect(() => parseCallgrindDump("events: Ir Bc Bcm Bi Bim\nsummary: 1 2 3 4 5\nob=???\nfn=0x1\n0 1 2 3 4 5 6\n", "jit")).toThrow(
      '6 counts for 5 events in "0 1 2 3 4 5 6"',
    );
  });

  it("names a missing summary line, a missing events line, and both", () => {
    expect(() => parseCallgrindDump(fixture("no-summary.dump"))).toThrow("not a callgrind dump: no `summary:` line");
    expect(() => parseCallgrindDump("summary: 1 2 3 4 5\n")).toThrow(/no `events:` line$/);
    expect(() => parseCallgrindDump("")).toThrow("no `events:` line and no `summary:` line");
  });

  it("names the events that are missing (no branch simulator)", () => {
    expect(() => parseCallgrindDump(fixture("no-branch-sim.dump"))).toThrow("no Bc, Bcm, Bi, Bim events (events: Ir): run with --branch-sim=yes");
  });

  it("refuses a summary longer than its events, or a word that is not a count", () => {
    expect(() => parseCallgrindDump("events: Ir Bc Bcm Bi Bim\nsummary: 1 2 3 4 5 6\n")).toThrow("6 numbers for 5 events");
    expect(() => parseCallgrindDump("events: Ir Bc Bcm Bi Bim\nsummary: 1 2 x 4 5\n")).toThrow('"x" for Bcm');
  });
});

describe("dumpFiles", () => {
  it("lists OUT.1, OUT.2, ... in order up to the first missing one, and not OUT itself", () => {
    const dir = mkdtempSync(join(tmpdir(), "dispatch-lab-dumps-"));
    try {
      const out = join(dir, "callgrind-000000.out");
      for (const name of [out, `${out}.1`, `${out}.2`, `${out}.10`, `${out}.4`]) writeFileSync(name, "");
      expect(dumpFiles(out)).toEqual([`${out}.1`, `${out}.2`]);
      expect(dumpFiles(join(dir, "none.out"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("valgrind's arguments and version", () => {
  it("counts branches, simulates no cache, dumps on each mark, and writes where asked", () => {
    expect(MARK_FUNCTION).toBe("getppid");
    expect(CALLGRIND_ARGS("/tmp/x.out")).toEqual([...CALLGRIND_FLAGS, "--callgrind-out-file=/tmp/x.out"]);
    expect(CALLGRIND_FLAGS).toEqual([
      "--tool=callgrind",
      "--branch-sim=yes",
      "--cache-sim=no",
      "--dump-before=getppid",
      "--compress-strings=no",
      "--compress-pos=no",
      "--quiet",
    ]);
  });

  it("is null for a valgrind that is not there", () => {
    expect(valgrindVersion("/nonexistent/valgrind")).toBeNull();
  });

  it("is valgrind's own version line where valgrind is installed", () => {
    const version = valgrindVersion();
    if (version === null) console.log("test/run/callgrind: valgrind is not installed: its version line is not checked");
    else expect(version).toMatch(/^valgrind-\d+\.\d+/);
  });
});
