/**
 * How every run measures, whoever asks: `run` and each point of a sweep
 * (RunConfig's measuring half; the spec, strategies and workloads are the
 * other half, what is measured).
 */
import type { RunConfig } from "./results.js";

export type MeasureSettings = Pick<
  RunConfig,
  "tiers" | "samples" | "processes" | "timeBudgetS" | "seed" | "targetSampleMs" | "streamLength" | "cpu" | "bodies" | "engines" | "inlining" | "cc" | "measure"
>;
