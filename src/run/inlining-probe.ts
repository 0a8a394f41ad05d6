/**
 * A child that only runs modules, so that its engine's inlining trace can
 * be read (trace-inlining.ts): it takes one line, { modules, stream, ms }
 * (base64), instantiates each module, calls its `run` over the stream for
 * its share of `ms` (long enough to tier up and, in V8 14+, to inline
 * call_indirect speculatively from Liftoff feedback), and exits.
 */
import { bytesFromBase64, int32sFromBase64 } from "../text/base64.js";
import { createInterface } from "node:readline";
import { guardSelf } from "./launcher.js";
import { place } from "./place.js";
import { MARK } from "./protocol.js";

guardSelf();

function exercise(bytes: Uint8Array, stream: Int32Array, ms: number): void {
  const { run, base } = place(bytes, stream);
  // Growing prefixes of the stream, as the child's heavy-body probe does: a body of a million ops makes
  // one pass over the stream take seconds, and the probe must stay within about its `ms`.
  const until = performance.now() + ms;
  for (let count = 1; performance.now() < until; count = Math.min(stream.length, count * 2)) run(base, count, 1);
}

const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
lines.once("line", (line) => {
  const m = JSON.parse(line) as { modules: string[]; stream: string; ms: number };
  const stream = int32sFromBase64(m.stream);
  for (const module of m.modules)
    try {
      exercise(bytesFromBase64(module), stream, m.ms / m.modules.length);
    } catch {
      // A body that traps or grows memory fails its cells in the run, with the reason; here its code was compiled, which is what the trace reports.
    }
  process.stdout.write(`${MARK}{"type":"done"}\n`, () => process.exit(0)); // trace-inlining.ts looks for exactly this
});
