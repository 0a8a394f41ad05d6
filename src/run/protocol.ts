/**
 * Messages between the runner (parent) and a child process, sent over the
 * IPC channel with `serialization: "advanced"` (structured clone), so module
 * bytes and the stream travel as typed arrays. A child hosts one cell (run)
 * or several (a sweep's cells of one strategy): every request names its cell.
 */
import type { OrphanGuard } from "./launcher.js";

/**
 * The most pages any wasm memory of a child may have (`--wasm-max-mem-pages`):
 * 256 MiB, room for the longest stream (64 MiB) and the bodies' static data.
 * A body that grows memory hits it in its first batch instead of taking GBs;
 * the child fails the cell on any growth (child.ts).
 */
export const WASM_MAX_PAGES = 4096;

export interface InitMessage {
  type: "init";
  cell: string;
  module: Uint8Array;
  stream: Int32Array;
  /** Calibrate `reps` so one timed call lasts at least this long. */
  targetSampleMs: number;
  /** Warm-up ends when samples are stable or after this long. */
  maxWarmupMs: number;
  /**
   * The longest one timed call may last (the budget's share, runner.ts): a
   * cell whose one pass over its stream takes longer is refused at once.
   */
  maxSampleMs: number;
  /** Set when a cell's later process must time the same batch as its first: calibration is skipped. */
  reps?: number;
}

export interface SampleRequest {
  type: "sample";
  cell: string;
  round: number;
}

export type ToChild = InitMessage | SampleRequest;

/** Sent as soon as the module is compiled and the stream placed: calibration has its own, shorter timeout. */
export interface Loaded {
  type: "loaded";
}

export interface Ready {
  type: "ready";
  /** Passes over the stream per timed call. */
  reps: number;
  /** Dispatches per timed call: reps x stream length. */
  dispatches: number;
  warmupSamples: number;
  warmupMs: number;
  /** ns per dispatch of the last warm-up samples (for the parent's budget estimate). */
  warmNsPerDispatch: number;
  /** The harness's result for one timed call: identical on every sample, or the work changed. */
  checksum: string;
  /** The V8 flags the child actually runs with. */
  execArgv: string[];
  /** The child's peak resident set so far, MB. */
  maxRssMB: number;
  /** What ends the child if the runner dies (launcher.ts); absent when it was started by hand. */
  guard?: OrphanGuard;
}

export interface SampleReply {
  type: "sample";
  round: number;
  /** Wall time of the timed call, in ns (process.hrtime.bigint). */
  ns: number;
  checksum: string;
  maxRssMB: number;
}

export interface ChildError {
  type: "error";
  phase: "init" | "sample";
  message: string;
}

export type FromChild = Loaded | Ready | SampleReply | ChildError;
