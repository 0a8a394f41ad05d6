/**
 * A module instantiated with its workload stream in place: what a measuring
 * child (child.ts) and the inlining probe (inlining-probe.ts) both start
 * from. Modules import nothing; `stream_base` says where the stream goes,
 * and memory grows to hold it before anything runs.
 */

/** The harness export: dispatch `count` numbers from `base`, `reps` times; the sum of the results. */
export type RunFn = (base: number, count: number, reps: number) => bigint;

export interface Placed {
  run: RunFn;
  base: number;
  count: number;
  memory: WebAssembly.Memory;
  /** The memory's size once the stream is placed: any growth after is a body's. */
  bytes: number;
}

export function place(module: Uint8Array, stream: Int32Array): Placed {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(module as BufferSource), {});
  const memory = instance.exports["memory"] as WebAssembly.Memory;
  const base = (instance.exports["stream_base"] as WebAssembly.Global).value as number;
  const missing = Math.ceil((base + stream.length * 4) / 65536) - memory.buffer.byteLength / 65536;
  if (missing > 0) memory.grow(missing);
  new Int32Array(memory.buffer, base, stream.length).set(stream);
  return { run: instance.exports["run"] as RunFn, base, count: stream.length, memory, bytes: memory.buffer.byteLength };
}
