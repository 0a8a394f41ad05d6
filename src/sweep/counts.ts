/**
 * What a sweep that measured counts (`--measure counts` or `time,counts`)
 * says of them (pure): per strategy, tier and engine (and workload, where a
 * point's run has several), a least-squares line of its net simulated counts
 * per dispatch (the control's subtracted) against the sweep's variable.
 * Counts are exact (model/counts.ts), so the line has no interval; its r²
 * says how straight the curve is, its ends what it spans.
 */
import { formatCount, mispredicts, type EventCounts } from "../model/counts.js";
import { enginesOf, type RunRecord } from "../model/results.js";
import { engineOf } from "../model/cells.js";
import type { SweepPoint } from "../model/sweep.js";
import { chainOrder } from "../spec/types.js";
import { olsFit } from "../stats/fit.js";

/** One measured point of a counts curve: x, and the cell's net counts per dispatch there. */
interface CountsPoint {
  x: number;
  net: EventCounts;
}

/** How a sentence names x and its unit, per sweep variable. */
const AXES: Record<SweepPoint["variable"], { at: (x: number) => string; per: string }> = {
  position: { at: (x) => `position ${x}`, per: "position" },
  n: { at: (x) => `N=${x}`, per: "handler" },
  ops: { at: (x) => `${x} body ops`, per: "body op" },
  zipf: { at: (x) => `skew ${x}`, per: "unit of skew" },
};

/**
 * x of a cell: the point's own x (a run per point), or where a run covers
 * the whole curve, its workload's: the handler's place in dispatch order
 * (position) or the skew (zipf: uniform is 0). null: not on the curve.
 */
function xOf(run: RunRecord, point: SweepPoint, workload: string): number | null {
  if (point.x !== null) return point.x;
  if (point.variable === "position") {
    const k = chainOrder(run.spec.handlers).findIndex((h) => `fixed:${h.id}` === workload);
    return k < 0 ? null : k + 1;
  }
  if (point.variable === "zipf") {
    if (workload === "uniform") return 0;
    const m = /^zipf:([\d.]+)$/.exec(workload);
    return m ? Number(m[1]) : null;
  }
  return null;
}

/** `+1.500`, `-0.250`, `0.000` (a slope that rounds to zero has no sign). */
function signed(x: number, digits: number): string {
  const r = Math.abs(x) < 0.5 * 10 ** -digits ? 0 : x;
  return `${r > 0 ? "+" : ""}${r.toFixed(digits)}`;
}

/** One sentence per curve with counts, in the order the cells first appear; none when no run of the sweep measured counts. */
export function countsSentences(runs: readonly RunRecord[], points: readonly SweepPoint[]): string[] {
  const curves = new Map<string, { label: string; variable: SweepPoint["variable"]; points: CountsPoint[] }>();
  runs.forEach((run, i) => {
    const point = points[i];
    if (!point) return;
    const several = {
      tiers: run.config.tiers.length > 1,
      engines: enginesOf(run.config).length > 1,
      workloads: point.x !== null && run.config.workloads.length > 1,
    };
    for (const s of run.summaries) {
      const net = s.counts?.net;
      const x = xOf(run, point, s.workload);
      if (!net || x === null || s.strategy === run.config.control) continue;
      const parts = [...(several.tiers ? [s.tier] : []), ...(several.engines ? [engineOf(s)] : []), ...(several.workloads ? [s.workload] : [])];
      const label = `${s.strategy}${parts.length ? ` (${parts.join(", ")})` : ""}`;
      const key = JSON.stringify([label, point.variable]);
      const curve = curves.get(key) ?? curves.set(key, { label, variable: point.variable, points: [] }).get(key)!;
      curve.points.push({ x, net });
    }
  });
  return [...curves.values()].map(({ label, variable, points: measured }) => {
    const axis = AXES[variable];
    const sorted = [...measured].sort((a, b) => a.x - b.x);
    const first = sorted[0]!;
    const last = sorted.at(-1)!;
    const head = `${label}, simulated counts`;
    if (first.x === last.x)
      return `${head}: ${formatCount(first.net.Ir)} net instructions and ${formatCount(mispredicts(first.net))} net mispredicts per dispatch at ${axis.at(first.x)}.`;
    const xs = sorted.map((p) => p.x);
    const ir = olsFit(
      xs,
      sorted.map((p) => p.net.Ir),
    );
    const miss = olsFit(
      xs,
      sorted.map((p) => mispredicts(p.net)),
    );
    return (
      `${head}: ${signed(ir.slope, 3)} net instructions per dispatch per ${axis.per} (${formatCount(first.net.Ir)} at ${axis.at(first.x)} to ${formatCount(last.net.Ir)} at ${axis.at(last.x)}; ` +
      `r² ${ir.r2.toFixed(2)} over ${sorted.length} points), ${signed(miss.slope, 4)} net mispredicts per ${axis.per} (${formatCount(mispredicts(first.net))} to ${formatCount(mispredicts(last.net))}).`
    );
  });
}
