/**
 * Sweeps (docs/sweeps.md): a series of measured points along one variable,
 * and what the lab reads off them. Types only: the planning of each kind
 * lives in kinds/, its analysis in sweep/curves.ts, the measuring in lab/sweep.ts.
 */
import type { CellTier } from "./tiers.js";
import type { CrossoverResult } from "../stats/crossover.js";
import type { Estimate } from "../stats/medians.js";
import type { LineFitCI } from "../stats/fit.js";

export type SweepKind = "position" | "scale" | "crossover" | "body";

export type { Estimate } from "../stats/medians.js";

/**
 * One point of a sweep: one run (one spec, its strategies and workloads).
 * `variable` names what x measures: "n" (handlers) or "ops" (body size).
 * A run that covers a whole curve by itself, its workloads being the x
 * values, has x null: "position" (a fixed workload per handler) and "zipf"
 * (uniform = S 0, then zipf:S).
 */
export interface SweepPoint {
  label: string;
  variable: "n" | "ops" | "position" | "zipf";
  x: number | null;
}

/** Position: net ns per dispatch with a fixed workload on each handler, against the handler's position. */
export interface PositionPoint {
  /** 1-based place in the spec's dispatch order (chain order: priority, then id): 1 is the first compare of a chain. */
  position: number;
  handler: string;
  id: number;
  /** Net ns per dispatch (gross minus the control kernel, paired by round); null when the cell has no data. */
  net: Estimate | null;
}

export interface PositionCurve {
  strategy: string;
  tier: CellTier;
  /**
   * The engine the curve's cells ran in (model/engines.ts), the control and the reference included: set only when the
   * run measured several engines or one other than the default node, so a node-only sweep is written as before.
   */
  engine?: string;
  points: PositionPoint[];
  /** Least squares net = intercept + slope x position, CIs by a round-block bootstrap that refits each resample; null below 2 points. */
  fit: LineFitCI | null;
}

export interface PositionAnalysis {
  kind: "position";
  spec: string;
  curves: PositionCurve[];
  sentences: string[];
}

/** Scale: cost against the number of handlers N, per strategy and workload. */
export interface ScalePoint {
  n: number;
  /** The spec measured at this N. */
  spec: string;
  net: Estimate | null;
  gross: Estimate | null;
  /** Gross over the reference strategy's gross at the same N and workload. */
  ratio: Estimate | null;
}

export interface ScaleCurve {
  strategy: string;
  workload: string;
  tier: CellTier;
  /** As PositionCurve.engine: set only for a sweep of several engines or a non-default one. */
  engine?: string;
  points: ScalePoint[];
}

export interface ScaleAnalysis {
  kind: "scale";
  reference: string;
  curves: ScaleCurve[];
  sentences: string[];
}

/** Crossover: where the faster of strategies a and b changes along N or along the zipf skew. */
export interface CrossoverCurve {
  variable: "n" | "zipf";
  /** Axis label: "N (handlers)" or "zipf S (0 = uniform)". */
  axis: string;
  /** The workload (for "n") or the spec (for "zipf") held fixed along the curve. */
  held: string;
  tier: CellTier;
  /** The engine both strategies ran in (a and b are compared within one engine); as PositionCurve.engine, set only for a sweep of several engines or a non-default one. */
  engine?: string;
  /** Points are gross(a) / gross(b) per x, paired by round within each run. */
  result: CrossoverResult;
  sentence: string;
}

export interface CrossoverAnalysis {
  kind: "crossover";
  a: string;
  b: string;
  curves: CrossoverCurve[];
  sentences: string[];
}

/** Body: the dispatch's share of the whole call as handler bodies grow. */
export interface BodyPoint {
  /** alu ops per handler body. */
  ops: number;
  /** Gross ns per call of the control kernel (loop + direct call + body): what the body costs with no dispatch to speak of. */
  callNs: Estimate | null;
  /** Net over gross: the dispatch's share of the whole call (0.01 = 1%). */
  share: Estimate | null;
  /** Gross over the reference strategy's gross, minus 1: what switching from the reference changes in the whole call (-0.01 = 1% faster). */
  vsReference: Estimate | null;
}

export interface BodyCurve {
  strategy: string;
  workload: string;
  tier: CellTier;
  /** As PositionCurve.engine: set only for a sweep of several engines or a non-default one. */
  engine?: string;
  points: BodyPoint[];
}

export interface BodyAnalysis {
  kind: "body";
  reference: string;
  curves: BodyCurve[];
  sentences: string[];
}

export type SweepAnalysis = PositionAnalysis | ScaleAnalysis | CrossoverAnalysis | BodyAnalysis;

/** What results.json records about a sweep (null for a plain run). `points[i]` describes `runs[i]`. */
export interface SweepRecord {
  kind: SweepKind;
  /** The sweep's resolved options, as the user could pass them again. */
  options: Record<string, string | number | string[] | number[]>;
  points: SweepPoint[];
  /** The order the points ran in (indices into points): shuffled, so slow drift does not line up with x. */
  order: number[];
  /** Null until every point has data. */
  analysis: SweepAnalysis | null;
}
