/**
 * `trace:FILE`: numbers recorded elsewhere (a hypercall trace, a log),
 * replayed as they are. The format, deliberately small:
 *
 * - one value per line, or comma-separated cells (no quoting beyond
 *   stripping one pair of surrounding double quotes);
 * - `#` starts a comment, to the end of the line; blank lines are skipped;
 * - the value column is the first column, unless the first line is a header
 *   with a cell named `op`, `number`, `nr` or `hypercall` (any case): then
 *   the first such column. A first line whose first cell is neither an integer
 *   nor a handler name (a word, e.g. `time`) is also taken as a header, and
 *   column 0 used;
 * - a value is a decimal or 0x-hex integer in -2^31..2^32-1 (above 2^31-1
 *   wraps to a negative i32, the same unsigned number `dispatch` compares),
 *   or the name of one of the spec's handlers (mapped to its id).
 *
 * The file's sequence is tiled up to the stream length when shorter, and
 * kept whole when longer: length = max(entries in file, length). No
 * randomness: the seed is unused.
 */
import { readFileSync, statSync } from "node:fs";
import { LabError, type Problem } from "../errors.js";
import type { Spec } from "../spec/types.js";
import { makeWorkload, requireArg } from "./shared.js";
import { MAX_STREAM_LENGTH, type WorkloadKind } from "./types.js";

export const TRACE_COLUMNS: readonly string[] = ["op", "number", "nr", "hypercall"];

/** Enough problems to fix a file in one go without drowning the terminal. */
const MAX_PROBLEMS = 10;

const FORMAT_FIX =
  "one integer or handler name per line, or a CSV whose first column (or column op/number/nr/hypercall) holds them; # comments (docs/workloads.md)";

interface Row {
  line: number;
  cells: string[];
}

/** Non-blank lines with comments stripped, split into trimmed cells; lazily, so a too-long file stops early. */
function* rowsOf(text: string): Generator<Row> {
  for (let start = 0, line = 1; start < text.length; line++) {
    const end = text.indexOf("\n", start);
    const raw = text.slice(start, end < 0 ? text.length : end);
    start = end < 0 ? text.length : end + 1;
    const content = raw.replace(/#.*/, "").trim();
    if (content !== "") yield { line, cells: content.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1")) };
  }
}

const INTEGER = /^([+-]?)(0[xX][0-9a-fA-F]+|[0-9]+)$/;

/** A cell's number (an i32, wrapped as dispatch sees it), or a message saying why it is not one. */
export function readValue(cell: string, names: ReadonlyMap<string, number>): number | string {
  const match = INTEGER.exec(cell);
  if (match) {
    const value = BigInt(match[2]!) * (match[1] === "-" ? -1n : 1n);
    if (value < -(2n ** 31n) || value >= 2n ** 32n) return `${cell} does not fit in 32 bits`;
    return Number(value) | 0;
  }
  const id = names.get(cell);
  if (id !== undefined) return id;
  return cell === "" ? "empty value" : `"${cell}" is not an integer or a handler name`;
}

/** Which column holds the values, and whether the first row is a header. */
function layout(first: Row, names: ReadonlyMap<string, number>): { column: number; header: boolean } {
  const named = first.cells.findIndex((c) => TRACE_COLUMNS.includes(c.toLowerCase()));
  if (named >= 0) return { column: named, header: true };
  // Only a word can be a header: an out-of-range integer on line 1 is an error, not a header.
  const cell = first.cells[0] ?? "";
  return { column: 0, header: !INTEGER.test(cell) && !names.has(cell) };
}

/**
 * The numbers in a trace file's text, in order. Throws LabError("usage")
 * with one problem per bad line (path `trace:FILE:LINE`), one for a file
 * with no numbers, or one at the first line past `maxEntries` numbers (the
 * stream limit: the rest of the file is not parsed).
 */
export function parseTrace(text: string, file: string, spec: Spec, maxEntries = MAX_STREAM_LENGTH): Int32Array {
  const names = new Map(spec.handlers.map((h) => [h.name, h.id]));
  const values: number[] = [];
  const problems: Problem[] = [];
  let bad = 0;
  let layoutOf: { column: number; header: boolean } | undefined;
  for (const row of rowsOf(text)) {
    if (!layoutOf) {
      layoutOf = layout(row, names);
      if (layoutOf.header) continue;
    }
    if (values.length + bad >= maxEntries)
      throw new LabError(
        "usage",
        [{ path: `trace:${file}:${row.line}`, message: `more than the ${maxEntries} numbers a stream may hold` }],
        "shorten the trace file",
      );
    const { column } = layoutOf;
    const cell = row.cells[column];
    const value = cell === undefined ? `no column ${column + 1} (the row has ${row.cells.length})` : readValue(cell, names);
    if (typeof value === "number") values.push(value);
    else if (bad++ < MAX_PROBLEMS) problems.push({ path: `trace:${file}:${row.line}`, message: `${value} (spec ${spec.name})` });
  }
  if (values.length + bad === 0) {
    const what = layoutOf ? "the file has a header but no values" : "the file is empty (or only comments and blank lines)";
    throw new LabError("usage", [{ path: `trace:${file}`, message: `no numbers: ${what}` }], FORMAT_FIX);
  }
  if (bad > MAX_PROBLEMS) problems.push({ path: `trace:${file}`, message: `and ${bad - MAX_PROBLEMS} more bad lines` });
  if (problems.length > 0) throw new LabError("usage", problems, FORMAT_FIX);
  return Int32Array.from(values);
}

/**
 * The most bytes a trace file may have, checked before it is read: 24 per
 * entry of a full stream (a value, a short second column, a line break).
 * Larger files would take tens of seconds and gigabytes to parse only to be
 * refused; it also stays under V8's 512 MiB string limit.
 */
export const MAX_TRACE_BYTES = MAX_STREAM_LENGTH * 24;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MiB`;

/** The file's text; a missing file is a usage error (a typo), one past MAX_TRACE_BYTES too (refused from its size), anything else an io error. */
function readTrace(file: string, maxBytes = MAX_TRACE_BYTES): string {
  try {
    const stat = statSync(file);
    // A FIFO, a device (/dev/zero) or a folder has no size to check: reading it could block or never end.
    if (!stat.isFile())
      throw new LabError("usage", [{ path: `trace:${file}`, message: "not a regular file (a pipe, a device or a folder)" }], "save the trace to a file first");
    const { size } = stat;
    if (size > maxBytes)
      throw new LabError(
        "usage",
        [
          {
            path: `trace:${file}`,
            message: `the file has ${size} bytes (${mib(size)}); a trace may have at most ${maxBytes} (${mib(maxBytes)}: ${MAX_STREAM_LENGTH} numbers)`,
          },
        ],
        "shorten the trace file",
      );
    return readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof LabError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new LabError(
        "usage",
        [{ path: `trace:${file}`, message: "no such file" }],
        "give trace:FILE a path to an existing file (relative to the current folder)",
      );
    throw new LabError("io", [{ path: `trace:${file}`, message: `cannot read: ${(e as Error).message}` }]);
  }
}

/** `values` repeated to `length` entries, or kept whole when already longer. */
export function tile(values: Int32Array, length: number): Int32Array {
  if (values.length >= length) return values;
  const stream = new Int32Array(length);
  for (let at = 0; at < length; at += values.length) stream.set(values.subarray(0, Math.min(values.length, length - at)), at);
  return stream;
}

export const trace: WorkloadKind = {
  kind: "trace",
  syntax: "trace:FILE",
  summary: "numbers (or handler names) from a text/CSV file, one per line; tiled to the stream length",
  build(arg, spec, ctx) {
    const file = requireArg(trace, arg);
    const values = parseTrace(readTrace(file), file, spec);
    const stream = tile(values, ctx.length);
    const shape = values.length >= ctx.length ? "kept whole" : `tiled to ${ctx.length}`;
    return makeWorkload(`trace:${file}`, `${values.length} numbers from ${file}, ${shape}`, stream, spec);
  },
};
