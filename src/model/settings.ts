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

/** `run`'s defaults: 50 s keeps `npm start` (105 cells, its build included) under a minute on a 2-core VM. */
export const DEFAULT_TIME_BUDGET_S = 50;
export const DEFAULT_PROCESSES = 3;

/** What one timed sample aims at, ms: long enough that its round trip and untimed pass (~2 ms) are a tenth of it. */
export const DEFAULT_TARGET_SAMPLE_MS = 20;
