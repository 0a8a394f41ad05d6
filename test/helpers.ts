import { loadBodyLibrary, type BodyLibrary } from "../src/emit/bodies.js";
import { validateSpec } from "../src/spec/validate.js";
import type { SpecInput, Spec } from "../src/spec/types.js";

let library: Promise<BodyLibrary> | undefined;
/** The built-in body library, loaded once per test file. */
export const builtinLibrary = (): Promise<BodyLibrary> => (library ??= loadBodyLibrary());

/**
 * A tiny spec that exercises every shape: a one-handler level, a two-handler
 * mask level, a three-handler level (inner dispatch), an unprioritised tail,
 * narrow params, a gap in the ids, and each body kind.
 */
export const TINY: SpecInput = {
  name: "tiny",
  args: 3,
  fallback: -38,
  handlers: [
    { id: 0, name: "zero", priority: 1, params: ["i64", "i32"], body: { kind: "alu", ops: 2 } },
    { id: 2, name: "two", priority: 2, params: [] },
    { id: 3, name: "three", priority: 2, params: ["i32"] },
    { id: 5, name: "five", priority: 3 },
    { id: 6, name: "six", priority: 3, params: ["i64"], body: { kind: "mem", ops: 3 } },
    { id: 7, name: "seven", priority: 3, params: ["i32", "i32", "i32"] },
    { id: 9, name: "nine" },
    { id: 12, name: "twelve", params: ["i64", "i64"] },
  ],
};

export const tinySpec = (): Spec => validateSpec(TINY);
