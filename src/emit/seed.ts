/**
 * The handler seed's constants (docs/modules.md), shared by the wasm lowering
 * (binaryen.ts) and the C lowering (native/lower-c.ts) so both compute the
 * same result for the same handler and arguments.
 *
 * Odd 64-bit constants: seed = (id + 1) * GOLDEN, then for each declared
 * param p: seed = (seed ^ p) * MIX. xor with a constant and multiplication by
 * an odd number are both bijections on i64, so changing any one argument
 * changes the seed, and distinct ids start from distinct seeds.
 */
export const GOLDEN = 0x9e3779b97f4a7c15n;
export const MIX = 0xbf58476d1ce4e5b9n;

/** The handler's initial seed, (id + 1) * GOLDEN, as a signed i64. */
export const initialSeed = (id: number): bigint => BigInt.asIntN(64, (BigInt(id) + 1n) * GOLDEN);
