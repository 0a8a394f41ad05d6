/**
 * Workloads: the stream of dispatched numbers the timing harness feeds to
 * `dispatch` in a loop (docs/workloads.md). A workload kind turns an
 * argument (`zipf:1.2` -> "1.2") into a stream for one spec; the registry
 * in index.ts parses names and derives each workload's seed.
 */
import type { MixEntry } from "../model/workload.js";
import type { Spec } from "../spec/types.js";

export interface Workload {
  /** The name it was built from, e.g. `zipf:1.2`. */
  name: string;
  /** One line for docs/--help/results: what the stream is. */
  description: string;
  /** The dispatched numbers, in order. Negative values are numbers with no handler. */
  stream: Int32Array;
  /** Every handler that appears (and "invalid" when some number has no handler): largest share first, ties in id order. */
  mix: MixEntry[];
  /** Caveats for the results, e.g. the profile hypercalls a spec lacks (xen:*). */
  notes?: string[];
}

/** What a kind's build receives: the workload's own seed (derived by index.ts) and the stream length. */
export interface WorkloadContext {
  seed: number;
  length: number;
}

export interface WorkloadKind {
  /** The name before the argument, e.g. "zipf" or "xen:pv-guest-build". */
  kind: string;
  /** How to write it, e.g. "zipf:S". */
  syntax: string;
  /** One line for --help. */
  summary: string;
  /**
   * The workload for `kind[:arg]` (arg undefined when there is no colon).
   * Must be deterministic: same arg, spec and ctx -> the same stream, byte
   * for byte. Throws LabError("usage") located at the workload name.
   */
  build(arg: string | undefined, spec: Spec, ctx: WorkloadContext): Workload;
}

/** >= 64 Ki entries, so the pattern is not learnt by the branch predictor. */
export const DEFAULT_STREAM_LENGTH = 65536;

/** 16 Mi entries (64 MiB of wasm memory): more only slows a run down, it measures nothing new. */
export const MAX_STREAM_LENGTH = 1 << 24;
