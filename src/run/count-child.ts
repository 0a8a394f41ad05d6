/**
 * The entry a wasm engine runs under callgrind for counts (counter.ts):
 * `engine [flags] count-child.js JOB`. JOB is a JSON file, `{ cells: [{
 * module, stream }] }` (a module file, a raw little-endian int32 stream
 * file). As counts-plan.ts plans it: a mark (`process.ppid`, whose getppid
 * makes callgrind dump), then per cell, in order, its instance placed (its
 * own instance of its own bytes, place.ts) and three calls `run(base,
 * count, reps)` with CALL_REPS, each followed by a mark. It prints each
 * call's checksum (the sum's decimal, as child.ts reports it), one a line,
 * and exits 0 (1 on any error, its name and message the first line of
 * stderr: a trap, a module that does not compile, a missing file).
 *
 * One instance is alive at a time: each holds a wasm memory's address-space
 * reservation, and valgrind's address space holds about ten; V8 collects
 * the dropped ones when it needs room, during a placement (outside the
 * counted calls). Every call goes through `call`, one code path, so the two
 * counted calls differ in their passes alone.
 */
import { readFileSync } from "node:fs";
import { CALL_REPS } from "./counts-plan.js";
import { place, type Placed } from "./place.js";

interface Job {
  cells: { module: string; stream: string }[];
}

const mark = (): number => process.ppid;

function call(placed: Placed, reps: number): bigint {
  const sum = placed.run(placed.base, placed.count, reps);
  mark();
  return sum;
}

try {
  const job = JSON.parse(readFileSync(process.argv[process.argv.length - 1]!, "utf8")) as Job;
  const sums: bigint[] = [];
  mark();
  for (const cell of job.cells) {
    const bytes = readFileSync(cell.stream);
    const stream = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const placed = place(new Uint8Array(readFileSync(cell.module)), stream);
    for (const reps of CALL_REPS) sums.push(call(placed, reps));
  }
  process.stdout.write(sums.map((s) => `${s}\n`).join(""));
} catch (e) {
  // One line first: the counter quotes the first lines of stderr as the cells' reason.
  process.stderr.write(`${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
  process.exitCode = 1;
}
