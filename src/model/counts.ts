/**
 * Deterministic counts (`run --measure counts`): what a cell's dispatch costs
 * in instructions and in a simulated branch predictor's mispredicts, under
 * valgrind (callgrind with cachegrind's branch simulator, `--branch-sim=yes
 * --cache-sim=no`: run/callgrind.ts). The same on
 * every run of the same binaries, inputs and flags: a proxy that explains
 * timings and gates where timing is noise, never a measurement of this CPU's
 * predictor (cachegrind's is a simple model: bimodal counters, a last-target
 * table for indirect branches, returns always right). Simulated, and said so
 * wherever shown.
 */

/** Valgrind's events with --branch-sim=yes --cache-sim=no (cachegrind's and callgrind's alike). */
export const COUNT_EVENTS = ["Ir", "Bc", "Bcm", "Bi", "Bim"] as const;
export type CountEvent = (typeof COUNT_EVENTS)[number];

/** Per event: Ir instructions, Bc/Bcm conditional branches and their simulated mispredicts, Bi/Bim indirect ones. */
export type EventCounts = Record<CountEvent, number>;

/** What the docs, tables and gate call each event. */
export const EVENT_NAMES: Readonly<Record<CountEvent, string>> = {
  Ir: "instructions",
  Bc: "conditional branches",
  Bcm: "conditional mispredicts (simulated)",
  Bi: "indirect branches",
  Bim: "indirect mispredicts (simulated)",
};

/**
 * A cell's counts: per dispatch, from the difference of two calls over the
 * cell's stream that differ only in their passes (the call's own cost and
 * the predictor's warm-up cancel exactly: run/counts-plan.ts).
 */
export interface CellCounts {
  /** Per dispatch (gross: loop, call, dispatch and handler, as gross ns). */
  perDispatch: EventCounts;
  /** The dispatches the difference covers (one pass: the stream's length). */
  dispatches: number;
  /** `valgrind-3.19.0`: a count from another valgrind is not comparable. */
  valgrind: string;
  /** Every argument valgrind ran with, then the engine's own flags (V8's --predictable etc.). */
  flags: string[];
}

/** A cell's counts net of its group's control (same workload, tier, engine), per dispatch; absent without a control's counts. */
export interface CountsSummary {
  perDispatch: EventCounts;
  net: EventCounts | null;
}

/** The simulated mispredicts of a per-dispatch count: conditional and indirect together. */
export const mispredicts = (c: EventCounts): number => c.Bcm + c.Bim;

/** Two decimals; a count that rounds to zero is 0.00, never -0.00 (a JIT-only count's last digits can dip below zero). */
export const formatCount = (x: number): string => (Math.abs(x) < 0.005 ? 0 : x).toFixed(2);

/** Per-event difference a - b. */
export const subtractCounts = (a: EventCounts, b: EventCounts): EventCounts => Object.fromEntries(COUNT_EVENTS.map((e) => [e, a[e] - b[e]])) as EventCounts;

/** What a run measures: timed samples, deterministic counts, or both. */
export const MEASURES = ["time", "counts"] as const;
export type Measure = (typeof MEASURES)[number];

/** What a run's config says it measures (absent: time, as every run before counts). */
export const measuresOf = (config: { measure?: readonly Measure[] | undefined }): readonly Measure[] => config.measure ?? ["time"];
