/**
 * The entry a wasm engine runs under cachegrind for counts (counter.ts):
 * `engine [flags] count-child.js JOB`. JOB is a JSON file, `{ cells: [{
 * module, stream, reps }] }` (a module file, a raw little-endian int32
 * stream file, the passes of its call). Every cell is instantiated and its
 * stream placed (place.ts), each its own instance of its own bytes, then
 * each makes one call `run(base, count, reps)` in order, and the process
 * prints each call's checksum (the sum's decimal, as child.ts reports it),
 * one a line, and exits 0 (1 on any error, its name and message the first
 * line of stderr: a trap, a module that does not compile, a missing file).
 *
 * Kept tiny, and the same in every process of a group but for one call's
 * reps: all it does besides that call cancels in the difference of two
 * processes (counts-plan.ts).
 */
import { readFileSync } from "node:fs";
import { place } from "./place.js";

interface Job {
  cells: { module: string; stream: string; reps: number }[];
}

try {
  const job = JSON.parse(readFileSync(process.argv[process.argv.length - 1]!, "utf8")) as Job;
  const placed = job.cells.map((c) => {
    const bytes = readFileSync(c.stream);
    const stream = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return { l: place(new Uint8Array(readFileSync(c.module)), stream), reps: c.reps };
  });
  const sums = placed.map(({ l, reps }) => l.run(l.base, l.count, reps));
  process.stdout.write(sums.map((s) => `${s}\n`).join(""));
} catch (e) {
  // One line first: the counter quotes the first lines of stderr as the cells' reason.
  process.stderr.write(`${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
  process.exitCode = 1;
}
