import { execFileSync } from "node:child_process";
import { mkdtempSync, openSync, closeSync, ftruncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../src/spec/load.js";
import { buildWorkload, MAX_STREAM_LENGTH } from "../../src/workload/index.js";
import { MAX_TRACE_BYTES, parseTrace } from "../../src/workload/trace.js";
import { labError } from "../spec/helpers.js";

const pv64 = loadSpec("xen:pv64");
const dir = mkdtempSync(join(tmpdir(), "dispatch-lab-trace-limits-"));

/** A sparse file of `size` bytes: no disk is used, and reading it whole would take seconds and gigabytes. */
function sparse(name: string, size: number): string {
  const path = join(dir, name);
  const fd = openSync(path, "w");
  ftruncateSync(fd, size);
  closeSync(fd);
  return path;
}

describe("trace:FILE limits", () => {
  it("refuses a file larger than the stream limit allows from its size, before reading it", () => {
    const size = 3 * 2 ** 30;
    const path = sparse("huge.csv", size);
    const e = labError(() => buildWorkload(`trace:${path}`, pv64, { seed: 1 }));
    expect(e.code).toBe("usage");
    expect(e.problems).toEqual([
      {
        path: `trace:${path}`,
        message: `the file has ${size} bytes (3072 MiB); a trace may have at most ${MAX_TRACE_BYTES} (384 MiB: ${MAX_STREAM_LENGTH} numbers)`,
      },
    ]);
    expect(e.fix).toBe("shorten the trace file");
  });

  it("reads a small file as before: only the size past the limit is refused", () => {
    const path = join(dir, "small.csv");
    writeFileSync(path, "1\n23\n");
    expect([...buildWorkload(`trace:${path}`, pv64, { seed: 1, length: 2 }).stream]).toEqual([1, 23]);
  });

  it("stops parsing at the first line past the stream limit, naming it", () => {
    const text = `op\n${"1\n".repeat(5)}# end\n23\n`;
    expect([...parseTrace(text, "f", pv64, 6)]).toEqual([1, 1, 1, 1, 1, 23]);
    const e = labError(() => parseTrace(`${text}23\n`, "f", pv64, 6));
    expect(e.problems).toEqual([{ path: "trace:f:9", message: "more than the 6 numbers a stream may hold" }]);
  });
});

describe("a trace that is not a regular file", () => {
  it("is refused before any read: a device, a folder, a FIFO", () => {
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    for (const file of ["/dev/zero", dir, fifo]) expect(() => buildWorkload(`trace:${file}`, pv64, { seed: 1 }), file).toThrow(/not a regular file/);
  });
});
