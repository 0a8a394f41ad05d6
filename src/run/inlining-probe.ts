/**
 * A child that only runs modules, so that its engine's inlining trace can
 * be read (trace-inlining.ts): it takes one line, { modules, stream, ms }
 * (base64), instantiates each module, calls its `run` over the stream for
 * its share of `ms` (long enough to tier up and, in V8 14+, to inline
 * call_indirect speculatively from Liftoff feedback), and exits.
 */
import { Buffer } from "node:buffer";
import { createInterface } from "node:readline";
import { guardSelf } from "./launcher.js";
import { MARK } from "./protocol.js";

guardSelf();

type RunFn = (base: number, count: number, reps: number) => bigint;

function exercise(bytes: Uint8Array, stream: Int32Array, ms: number): void {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), {});
  const memory = instance.exports["memory"] as WebAssembly.Memory;
  const base = (instance.exports["stream_base"] as WebAssembly.Global).value as number;
  const missing = Math.ceil((base + stream.length * 4) / 65536) - memory.buffer.byteLength / 65536;
  if (missing > 0) memory.grow(missing);
  new Int32Array(memory.buffer, base, stream.length).set(stream);
  const run = instance.exports["run"] as RunFn;
  // Growing prefixes of the stream, as the child's heavy-body probe does: a body of a million ops makes
  // one pass over the stream take seconds, and the probe must stay within about its `ms`.
  const until = performance.now() + ms;
  for (let count = 1; performance.now() < until; count = Math.min(stream.length, count * 2)) run(base, count, 1);
}

const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
lines.once("line", (line) => {
  const m = JSON.parse(line) as { modules: string[]; stream: string; ms: number };
  const stream = new Int32Array(new Uint8Array(Buffer.from(m.stream, "base64")).buffer);
  for (const module of m.modules)
    try {
      exercise(new Uint8Array(Buffer.from(module, "base64")), stream, m.ms / m.modules.length);
    } catch {
      // A body that traps or grows memory fails its cells in the run, with the reason; here its code was compiled, which is what the trace reports.
    }
  process.stdout.write(`${MARK}{"type":"done"}\n`, () => process.exit(0)); // trace-inlining.ts looks for exactly this
});
