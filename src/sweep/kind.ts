/**
 * What a sweep kind is: a planner (request -> the runs to measure) and an
 * analyser (measured runs -> curves, fits, crossings, sentences). Both
 * pure; lab/sweep.ts measures the planned runs.
 */
import { nameList } from "../names.js";
import { CONTROL, type RunRecord, type RunConfig } from "../model/results.js";
import type { MeasureSettings } from "../model/settings.js";
import type { Tier } from "../model/tiers.js";
import type { Spec } from "../spec/types.js";
import { workloadList } from "../workload/index.js";
import type { SweepAnalysis, SweepKind, SweepPoint, SweepRecord } from "../model/sweep.js";

/** The options a sweep takes; each kind reads the ones it needs and fills its defaults. */
export interface SweepOptions {
  spec?: string;
  /** A spec with `{n}` where N goes (scale, crossover). */
  family?: string;
  strategies?: string[];
  workloads?: string[];
  sizes?: number[];
  skews?: number[];
  ops?: number[];
  /** crossover: the strategies a and b compared (a / b). */
  pair?: [string, string];
}

export interface PlannedPoint {
  point: SweepPoint;
  config: RunConfig;
}

export interface SweepPlan {
  points: PlannedPoint[];
  options: SweepRecord["options"];
}

export interface SweepKindDef {
  kind: SweepKind;
  summary: string;
  /** Help lines: the options this kind reads and their defaults. */
  help: string[];
  /** `load` resolves a spec argument (the composition passes loadSpec); `s`: the settings every point measures with. */
  plan(o: SweepOptions, s: MeasureSettings, load: (spec: string) => Spec): SweepPlan;
  analyze(runs: readonly RunRecord[], points: readonly SweepPoint[], options: SweepRecord["options"], seed: number): SweepAnalysis;
}

/**
 * A point's run config: the control kernel always measured, the reference
 * always among the strategies. The strategies and workloads a user gave
 * must each be named once (workloads: two cells would share an id).
 */
export function pointConfig(spec: string, strategies: readonly string[], workloads: readonly string[], reference: string, s: MeasureSettings): RunConfig {
  const list = [...new Set([...nameList(strategies, { option: "--strategies", what: "strategy", example: "table,chain" }), reference, CONTROL])];
  // Every setting, as run's newConfig spreads them: a field left out here is a setting a sweep silently ignores.
  return { spec, strategies: list, workloads: workloadList(workloads), reference, control: CONTROL, ...s, tiers: [...s.tiers] as Tier[] };
}

/** `synthetic:{n},levels=4` with n = 64 -> `synthetic:64,levels=4`. */
export const atSize = (family: string, n: number): string => family.replaceAll("{n}", String(n));

export const DEFAULT_SIZES = [4, 8, 16, 32, 64, 128, 256, 512, 1024];
/** Four priority levels (1 + 2 + 4 + 8 handlers), about Xen's own shape, so the xen strategy has levels to test. */
export const DEFAULT_FAMILY = "synthetic:{n},levels=4";
