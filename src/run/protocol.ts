/**
 * Messages between the runner (parent) and a child process, sent over the
 * IPC channel with `serialization: "advanced"` (structured clone), so module
 * bytes and the stream travel as typed arrays. A child hosts one cell (run)
 * or several (a sweep's cells of one strategy): every request names its cell.
 */

export interface InitMessage {
  type: "init";
  cell: string;
  module: Uint8Array;
  stream: Int32Array;
  /** Calibrate `reps` so one timed call lasts at least this long. */
  targetSampleMs: number;
  /** Warm-up ends when samples are stable or after this long. */
  maxWarmupMs: number;
  /** Set when a cell's later process must time the same batch as its first: calibration is skipped. */
  reps?: number;
}

export interface SampleRequest {
  type: "sample";
  cell: string;
  round: number;
}

export type ToChild = InitMessage | SampleRequest;

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

export type FromChild = Ready | SampleReply | ChildError;
