// The built-in handler body library.
//
// Contract for every body (built-in or a user's --bodies file): an exported
//   function KIND(seed: i64, n: i32): i64
// `seed` is the handler's id folded with every argument it declares (the
// generated handler computes it), `n` is the spec's `body.ops`. A body must be
// a pure function of (seed, n): the differential checker calls it twice with
// the same inputs and expects the same result. Bodies that are bijections of
// `seed` (as below) keep a misrouted call visible in the result.

// An odd 64-bit multiplier (Knuth's MMIX LCG): x -> x * M + c is a bijection
// on i64, so every step keeps distinct seeds distinct.
const MUL: i64 = 0x5851f42d4c957f2d;

/** N dependent multiply-add steps: a serial chain the CPU cannot overlap. */
export function alu(seed: i64, n: i32): i64 {
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = x * MUL + <i64>i;
  }
  return x;
}

// 1 MiB of zeroed linear memory (16 Ki cache lines of 64 bytes), reserved
// statically so a body never allocates.
const LINES: u32 = 16384;
const BUFFER: usize = memory.data(<i32>(LINES << 6), 64);

/**
 * Touch N cache lines with dependent loads: each line's address depends on
 * the value loaded before it (pointer chasing), so the loads are serial.
 * Loads only: the body stays a pure function of (seed, n).
 */
export function mem(seed: i64, n: i32): i64 {
  let x = seed;
  for (let i = 0; i < n; i++) {
    const line = (<u32>x ^ <u32>(x >>> 32)) & (LINES - 1);
    const loaded = load<i64>(BUFFER + ((<usize>line) << 6));
    x = (x + loaded) * MUL + <i64>i;
  }
  return x;
}
