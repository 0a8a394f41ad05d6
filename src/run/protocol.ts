/**
 * The runner <-> child protocol: one JSON object per line, the runner's on
 * the child's stdin, the child's on its stdout after a marker. JSON lines are
 * what every engine speaks (Node's advanced IPC serialization crashes a Deno
 * child's parent, a Bun child never answers it); bytes travel as base64.
 */
import { bytesFromBase64, int32sFromBase64, toBase64 } from "../text/base64.js";
import type { CellReady } from "../model/cells.js";

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
  /**
   * A native child's stream address for its harness's arguments (lower-c.ts
   * `run(stream, count, reps, base)`): the wasm module's stream_base, so that
   * both compute the same sum. Absent for a wasm child (its module says).
   */
  base?: number;
}

/**
 * The untimed pass before each timed call (child.ts, native-child.c): other
 * cells ran on this CPU since the cell's last sample, so caches and branch
 * predictors hold their state, not the cell's. About 1 ms of the cell's own
 * work re-warms them (a pass over its stream takes 0.1-0.3 ms for the
 * default specs); it is a fixed time, not a share of the sample, so a longer
 * sample costs no longer re-warm. A cell whose one pass outlasts it passes
 * once.
 */
export const PREPASS_MS = 1;

/** Reps of the untimed pass for a cell calibrated to `reps` per targetSampleMs: max(1, ceil(reps x PREPASS_MS / targetSampleMs)). */
export const prepassReps = (reps: number, targetSampleMs: number): number => Math.max(1, Math.ceil((reps * PREPASS_MS) / targetSampleMs));

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

/** What starts each protocol line on the child's stdout: anything else there (an engine's own words) is not a message. */
export const MARK = "\u0001dispatch-lab ";

type WireInit = Omit<InitMessage, "module" | "stream"> & { module: string; stream: string };

/** A runner's message as its line (without the newline). */
export function encodeToChild(m: ToChild): string {
  return JSON.stringify(m.type === "init" ? ({ ...m, module: toBase64(m.module), stream: toBase64(m.stream) } satisfies WireInit) : m);
}

/** A runner's line as its message; the stream's bytes copied to an aligned buffer. */
export function decodeToChild(line: string): ToChild {
  const m = JSON.parse(line) as WireInit | SampleRequest;
  if (m.type !== "init") return m;
  return { ...m, module: bytesFromBase64(m.module), stream: int32sFromBase64(m.stream) };
}

/** A child's message as its stdout line. */
export const encodeFromChild = (m: FromChild): string => `${MARK}${JSON.stringify(m)}\n`;

/** A child's stdout line as its message, or null for a line that is not one. */
export const decodeFromChild = (line: string): FromChild | null => (line.startsWith(MARK) ? (JSON.parse(line.slice(MARK.length)) as FromChild) : null);
