/**
 * From a sweep's measured runs to its curves (pure): per-position net costs
 * with a fitted line, cost against N, the a/b ratio along N and along the
 * skew with its crossings, and the dispatch's share of the call by body size.
 */
import { blocksOf, compareCells } from "../results/summarize.js";
import { MIN_ROUNDS } from "../stats/rounds.js";
import { enginesOf, tierEngines, type CellRecord, type CellSummary, type RunConfig, type RunRecord } from "../model/results.js";
import type { CellTier } from "../model/tiers.js";
import { chainOrder } from "../spec/types.js";
import { ratioOfMedians, type DifferenceOfMedians, type RatioOfMedians } from "../stats/medians.js";
import { describeCrossovers, findCrossovers, type RatioPoint } from "../stats/crossover.js";
import { bootstrapLineFit, fitWithPointCIs, type LineFitCI } from "../stats/fit.js";
import type { Summary } from "../stats/summary.js";
import type { BodyCurve, CrossoverCurve, Estimate, PositionCurve, PositionPoint, ScaleCurve, SweepPoint } from "../model/sweep.js";
import { cellKey, engineOf } from "../model/cells.js";
import { DEFAULT_ENGINE } from "../model/engines.js";

/**
 * A cell with too few rounds (CellSummary.inconclusive) is left out of every
 * curve, fit, crossing and share: an interval from 1 round is a point, and a
 * slope or a crossing drawn through points would claim a precision no
 * measurement had. inconclusiveSentences says what was left out.
 */
const conclusive = <T extends { inconclusive: string | null }>(s: T | undefined): T | undefined => (s && !s.inconclusive ? s : undefined);

/** One sentence per run with inconclusive cells: how many, and the first reason. */
export function inconclusiveSentences(runs: readonly RunRecord[], labels: readonly string[]): string[] {
  return runs.flatMap((run, i) => {
    const unsure = run.summaries.filter((s) => s.inconclusive);
    if (unsure.length === 0) return [];
    return [
      `${labels[i] ?? run.spec.name}: ${unsure.length} of ${run.summaries.length} cells inconclusive (${unsure[0]!.inconclusive}): left out of the curves; give the sweep more --time-budget.`,
    ];
  });
}

const fromDifference = (d: DifferenceOfMedians | null): Estimate | null => (d ? { value: d.diff, ciLow: d.ciLow, ciHigh: d.ciHigh } : null);
const fromRatio = (r: RatioOfMedians | null): Estimate | null => (r ? { value: r.ratio, ciLow: r.ciLow, ciHigh: r.ciHigh } : null);
const fromSummary = (s: Summary | null): Estimate | null => (s ? { value: s.median, ciLow: s.ciLow, ciHigh: s.ciHigh } : null);

/** The cell (or summary) of this strategy, workload, tier and engine: a curve, its control and its reference are one engine's. */
const find = <T extends { strategy: string; workload: string; tier: CellTier; engine?: string | undefined }>(
  list: readonly T[],
  strategy: string,
  workload: string,
  tier: CellTier,
  engine: string,
): T | undefined => {
  const key = cellKey({ strategy, workload, tier, engine });
  return list.find((c) => cellKey(c) === key);
};

/**
 * A curve's `engine` field: the engine, where the run measured several or
 * one other than the default node; nothing for a node-only run, so its
 * results.json, sentences and report stay as they were before engines.
 */
export function engineField(config: Pick<RunConfig, "engines">, engine: string): { engine?: string } {
  const engines = enginesOf(config);
  return engines.length === 1 && engines[0] === DEFAULT_ENGINE ? {} : { engine };
}

/** " (bun)": the curve's engine, when the run measured several (groupLabel's style, model/results.ts). */
export const engineNote = (config: Pick<RunConfig, "engines">, engine: string | undefined): string =>
  enginesOf(config).length > 1 ? ` (${engine ?? DEFAULT_ENGINE})` : "";

/** Was this strategy left out in this engine (a wasm feature it lacks)? Then the engine has no curve for it. */
const skippedIn = (run: RunRecord, strategy: string, engine: string): boolean =>
  (run.skipped ?? []).some((k) => k.strategy === strategy && k.engine === engine);

/** The strategies a curve is drawn for: all but the control kernel, in config order. */
const measuredStrategies = (run: RunRecord) => run.config.strategies.filter((s) => s !== run.config.control);

/**
 * The line through (position, net) for one strategy and tier. Every cell
 * of a position sweep is sampled in every round, so the rounds all series
 * share are resampled together (blocks of consecutive rounds, as in
 * results/summarize.ts): the slope's CI then carries the drift every position saw.
 */
function fitPositions(
  run: RunRecord,
  strategy: string,
  tier: CellTier,
  engine: string,
  measured: { position: number; workload: string; net: Estimate }[],
  seed: number,
): LineFitCI | null {
  if (measured.length < 2) return null;
  const pairs = measured.map((m) => ({
    x: m.position,
    cell: find(run.cells, strategy, m.workload, tier, engine),
    control: find(run.cells, run.config.control, m.workload, tier, engine),
  }));
  const rounds = sharedRounds(pairs.flatMap((p) => [p.cell, p.control]));
  if (rounds.length >= MIN_ROUNDS && pairs.every((p) => p.cell && p.control)) {
    const at = (c: CellRecord) => new Map(c.samples.map((s) => [s.round, s.nsPerDispatch]));
    const series = pairs.map((p) => {
      const [cell, control] = [at(p.cell!), at(p.control!)];
      return { x: p.x, cell: rounds.map((r) => cell.get(r.round)!), control: rounds.map((r) => control.get(r.round)!) };
    });
    return bootstrapLineFit(series, { seed, ...blocksOf(rounds) });
  }
  return fitWithPointCIs(
    measured.map((m) => ({ x: m.position, y: m.net.value, ciLow: m.net.ciLow, ciHigh: m.net.ciHigh })),
    { seed },
  );
}

/** The rounds (with their segment) in which every given cell has a sample, in round order. */
function sharedRounds(cells: readonly (CellRecord | undefined)[]): { round: number; segment: number }[] {
  const present = cells.filter((c): c is CellRecord => !!c);
  if (present.length === 0) return [];
  const sets = present.map((c) => new Set(c.samples.map((s) => s.round)));
  return present[0]!.samples
    .filter((s) => sets.every((set) => set.has(s.round)))
    .map((s) => ({ round: s.round, segment: s.segment }))
    .sort((a, b) => a.round - b.round);
}

/** Per tier, per engine, per strategy (config order each): a strategy an engine skipped has no curve there. */
export function positionCurves(run: RunRecord, seed: number): PositionCurve[] {
  const order = chainOrder(run.spec.handlers);
  const strategies = measuredStrategies(run);
  return tierEngines(run.config).flatMap(({ tier, engine }, e) =>
    strategies.flatMap((strategy, i): PositionCurve[] => {
      if (skippedIn(run, strategy, engine)) return [];
      const points: PositionPoint[] = order.map((h, k) => ({
        position: k + 1,
        handler: h.name,
        id: h.id,
        net: fromDifference(conclusive(find(run.summaries, strategy, `fixed:${h.id}`, tier, engine))?.net ?? null),
      }));
      const measured = points.flatMap((p) => (p.net ? [{ position: p.position, workload: `fixed:${p.id}`, net: p.net }] : []));
      const fit = fitPositions(run, strategy, tier, engine, measured, seed * 31 + e * strategies.length + i);
      return [{ strategy, tier, ...engineField(run.config, engine), points, fit }];
    }),
  );
}

/** Runs with their point, in x order (the order they ran in is shuffled). */
const byX = (runs: readonly RunRecord[], points: readonly SweepPoint[], variable: SweepPoint["variable"]) =>
  runs
    .map((run, i) => ({ run, x: points[i]?.x ?? null, variable: points[i]?.variable }))
    .filter((p): p is { run: RunRecord; x: number; variable: SweepPoint["variable"] } => p.variable === variable && p.x !== null)
    .sort((a, b) => a.x - b.x);

/** One curve per key, points appended in the order given. */
function group<K, P>(items: readonly { key: string; meta: K; point: P }[]): { meta: K; points: P[] }[] {
  const curves = new Map<string, { meta: K; points: P[] }>();
  for (const { key, meta, point } of items) {
    const curve = curves.get(key);
    if (curve) curve.points.push(point);
    else curves.set(key, { meta, points: [point] });
  }
  return [...curves.values()];
}

export function scaleCurves(runs: readonly RunRecord[], points: readonly SweepPoint[], _seed: number): ScaleCurve[] {
  const items = byX(runs, points, "n").flatMap(({ run, x }) =>
    run.summaries
      .filter((s) => s.strategy !== run.config.control && !s.inconclusive)
      .map((s) => ({
        key: cellKey(s),
        meta: { strategy: s.strategy, workload: s.workload, tier: s.tier, ...engineField(run.config, engineOf(s)) },
        point: { n: x, spec: run.spec.name, net: fromDifference(s.net), gross: fromSummary(s.gross), ratio: fromRatio(s.ratio) },
      })),
  );
  return group(items).map(({ meta, points: ps }) => ({ ...meta, points: ps }));
}

const ratioPoint = (x: number, summary: CellSummary | undefined): RatioPoint[] => {
  const s = conclusive(summary);
  return s?.ratio ? [{ x, ratio: s.ratio.ratio, ciLow: s.ratio.ciLow, ciHigh: s.ratio.ciHigh }] : [];
};

/** `uniform` is S 0; `zipf:S` is S; other workloads are not on the skew axis. */
const skewOf = (workload: string): number | undefined => (workload === "uniform" ? 0 : workload.startsWith("zipf:") ? Number(workload.slice(5)) : undefined);

interface CurveAt {
  variable: CrossoverCurve["variable"];
  held: string;
  tier: CellTier;
  engine: string;
  config: Pick<RunConfig, "engines">;
}

function crossoverCurve({ variable, held, tier, engine, config }: CurveAt, ratios: RatioPoint[], a: string, b: string): CrossoverCurve {
  const result = findCrossovers(ratios, variable === "n" ? "log" : "linear");
  const axis = variable === "n" ? "N (handlers)" : "zipf S (0 = uniform)";
  const said = describeCrossovers(result, variable === "n" ? { a, b, variable: "N" } : { a, b, variable: "zipf S", decimals: 2 });
  const sentence = `${held}${engineNote(config, engine)}: ${said}`;
  return { variable, axis, held, tier, ...engineField(config, engine), result, sentence };
}

export function crossoverCurves(runs: readonly RunRecord[], points: readonly SweepPoint[], a: string, _seed: number): CrossoverCurve[] {
  const sized = byX(runs, points, "n");
  const first = sized[0]?.run ?? runs[0];
  if (!first) return [];
  const b = first.config.reference;
  const config = first.config;
  const alongN = tierEngines(config).flatMap(({ tier, engine }) =>
    config.workloads.map((w) =>
      crossoverCurve(
        { variable: "n", held: w, tier, engine, config },
        sized.flatMap(({ run, x }) => ratioPoint(x, find(run.summaries, a, w, tier, engine))),
        a,
        b,
      ),
    ),
  );
  const skewRun = runs.find((_, i) => points[i]?.variable === "zipf");
  const alongSkew = skewRun
    ? tierEngines(skewRun.config).map(({ tier, engine }) => {
        const ratios = skewRun.config.workloads.flatMap((w) => {
          const s = skewOf(w);
          return s === undefined ? [] : ratioPoint(s, find(skewRun.summaries, a, w, tier, engine));
        });
        return crossoverCurve({ variable: "zipf", held: skewRun.spec.name, tier, engine, config: skewRun.config }, ratios, a, b);
      })
    : [];
  return [...alongN, ...alongSkew].filter((c) => c.result.points.length > 0);
}

/** share = net / gross = 1 - control / cell, from the paired ratio cell / control (a monotone map, so the CI maps too). */
function shareOfCall(cell: CellRecord | undefined, control: CellRecord | undefined, seed: number): Estimate | null {
  if (!cell?.samples.length || !control?.samples.length) return null;
  const r = compareCells(cell, control, ratioOfMedians, seed);
  return { value: 1 - 1 / r.ratio, ciLow: 1 - 1 / r.ciLow, ciHigh: 1 - 1 / r.ciHigh };
}

export function bodyCurves(runs: readonly RunRecord[], points: readonly SweepPoint[], seed: number): BodyCurve[] {
  const items = byX(runs, points, "ops").flatMap(({ run, x }, i) =>
    run.summaries
      .filter((s) => s.strategy !== run.config.control && !s.inconclusive)
      .map((s, j) => {
        const engine = engineOf(s);
        const control = find(run.cells, run.config.control, s.workload, s.tier, engine);
        const ratio = s.strategy === run.config.reference ? null : fromRatio(s.ratio);
        return {
          key: cellKey(s),
          meta: { strategy: s.strategy, workload: s.workload, tier: s.tier, ...engineField(run.config, engine) },
          point: {
            ops: x,
            callNs: fromSummary(conclusive(find(run.summaries, run.config.control, s.workload, s.tier, engine))?.gross ?? null),
            share: shareOfCall(find(run.cells, s.strategy, s.workload, s.tier, engine), control, seed * 131 + i * 17 + j),
            vsReference: ratio && { value: ratio.value - 1, ciLow: ratio.ciLow - 1, ciHigh: ratio.ciHigh - 1 },
          },
        };
      }),
  );
  return group(items).map(({ meta, points: ps }) => ({ ...meta, points: ps }));
}
