import type { CellReady } from "../model/cells.js";

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

/** The child's reply to init: the cell is calibrated and warm. */
export interface Ready extends CellReady {
  type: "ready";
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
