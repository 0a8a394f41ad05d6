/**
 * Where does the faster of two strategies A and B change along a swept
 * variable x (the number of handlers N, a Zipf exponent S)?
 *
 * Input: the ratio cost(A) / cost(B) at each x with its CI. A point is won
 * significantly when its CI lies wholly on one side of 1. A crossing is
 * where the ratio's MEDIAN crosses 1 between neighbouring points; its
 * estimate interpolates log(ratio), which is symmetric in A and B (a ratio
 * r and its inverse 1/r sit equally far from 0) and close to linear in log N
 * for costs that grow like a power of N. Its interval runs out to the
 * nearest points on each side where the winner is significant.
 */

/** ratio = cost(A) / cost(B) at x; < 1 means A is faster */
export interface RatioPoint {
  x: number;
  ratio: number;
  ciLow: number;
  ciHigh: number;
}

/** tie: the CI contains 1 */
export type Winner = "a" | "b" | "tie";

export interface Crossing {
  /** the winner before and after (never "tie") */
  from: "a" | "b";
  to: "a" | "b";
  /** point estimate: where the ratio's median crosses 1, interpolating log(ratio) linearly in `scale` (x or log x) between the two adjacent points whose medians straddle 1 */
  estimate: number;
  /** the interval: from the last x before the crossing where `from` wins significantly (CI wholly on its side of 1) to the first x after it where `to` wins significantly; if the data on one side never reaches significance, that side's bound is the adjacent point's x and `conclusive` is false */
  low: number;
  high: number;
  conclusive: boolean;
}

export interface CrossoverResult {
  points: (RatioPoint & { winner: Winner })[];
  crossings: Crossing[];
  /** when there are no crossings: who wins over the whole range ("a" if a wins at least one point and b none, likewise b, else "tie"); null when there are crossings */
  throughout: Winner | null;
}

type Scored = RatioPoint & { winner: Winner };

const winnerOf = (p: RatioPoint): Winner => (p.ciHigh < 1 ? "a" : p.ciLow > 1 ? "b" : "tie");

function assertRatioPoints(points: readonly RatioPoint[], scale: "log" | "linear"): void {
  points.forEach((p, i) => {
    if (![p.x, p.ratio, p.ciLow, p.ciHigh].every(Number.isFinite)) throw new Error(`findCrossovers: non-finite point ${i}`);
    if (!(p.ratio > 0)) throw new Error(`findCrossovers: point ${i} has ratio ${p.ratio}, need > 0 for its log`);
    if (p.ciLow > p.ciHigh) throw new Error(`findCrossovers: point ${i} has ciLow ${p.ciLow} > ciHigh ${p.ciHigh}`);
    if (scale === "log" && !(p.x > 0)) throw new Error(`findCrossovers: x = ${p.x} at point ${i}, need > 0 on a log scale`);
  });
}

function sortByX(points: readonly RatioPoint[]): Scored[] {
  const sorted = points.map((p) => ({ ...p, winner: winnerOf(p) })).sort((p, q) => p.x - q.x);
  const dup = sorted.findIndex((p, i) => i > 0 && p.x === sorted[i - 1]!.x);
  if (dup >= 0) throw new Error(`findCrossovers: duplicate x ${sorted[dup]!.x}`);
  return sorted;
}

/**
 * Where log2(ratio) reaches 0 on the straight line through p and q, in x or
 * log2 x. Base 2 keeps powers of two exact; the base cancels in t anyway.
 */
function crossingEstimate(p: RatioPoint, q: RatioPoint, scale: "log" | "linear"): number {
  const lp = Math.log2(p.ratio);
  const t = lp / (lp - Math.log2(q.ratio));
  if (scale === "linear") return p.x + t * (q.x - p.x);
  const u = Math.log2(p.x);
  return 2 ** (u + t * (Math.log2(q.x) - u));
}

/**
 * Walks from `start` by `step` to the first significant point: a bound if
 * `want` wins there. Otherwise (the other side wins first, or the data ends)
 * the bound falls back to the start point and is not significant.
 */
function bound(points: readonly Scored[], start: number, step: 1 | -1, want: "a" | "b"): { x: number; significant: boolean } {
  for (let i = start; i >= 0 && i < points.length; i += step) {
    const winner = points[i]!.winner;
    if (winner === want) return { x: points[i]!.x, significant: true };
    if (winner !== "tie") break;
  }
  return { x: points[start]!.x, significant: false };
}

/** A crossing between each pair of consecutive points (ratio exactly 1 skipped) whose medians lie on opposite sides of 1. */
function crossingsOf(points: readonly Scored[], scale: "log" | "linear"): Crossing[] {
  const signed = points.flatMap((p, i) => (p.ratio === 1 ? [] : [i]));
  const crossings: Crossing[] = [];
  for (let k = 1; k < signed.length; k++) {
    const [i, j] = [signed[k - 1]!, signed[k]!];
    const [p, q] = [points[i]!, points[j]!];
    if (p.ratio < 1 === q.ratio < 1) continue;
    const from = p.ratio < 1 ? "a" : "b";
    const to = from === "a" ? "b" : "a";
    const low = bound(points, i, -1, from);
    const high = bound(points, j, 1, to);
    const estimate = crossingEstimate(p, q, scale);
    crossings.push({ from, to, estimate, low: low.x, high: high.x, conclusive: low.significant && high.significant });
  }
  return crossings;
}

function overallWinner(points: readonly Scored[]): Winner {
  const a = points.some((p) => p.winner === "a");
  const b = points.some((p) => p.winner === "b");
  return a && !b ? "a" : b && !a ? "b" : "tie";
}

/**
 * Points are sorted by x first (input order does not matter; duplicate x -> throw). scale "log" for N (log x
 * interpolation), "linear" for a skew exponent. A crossing is counted where the sign of log(ratio) medians changes
 * between consecutive points (ignoring points whose median ratio is exactly 1); several crossings are possible, listed
 * in x order. Throws on non-finite values, a ratio <= 0, ciLow > ciHigh, or x <= 0 on a log scale.
 */
export function findCrossovers(points: readonly RatioPoint[], scale: "log" | "linear"): CrossoverResult {
  assertRatioPoints(points, scale);
  const sorted = sortByX(points);
  const crossings = crossingsOf(sorted, scale);
  return { points: sorted, crossings, throughout: crossings.length ? null : overallWinner(sorted) };
}

/**
 * One sentence, e.g. "chain is faster below N ≈ 37 (crossover between 32 and 64); table is faster above" or
 * "no crossover for N in 4..1024: table is faster throughout". Numbers get `decimals` places, trailing zeros dropped;
 * by default 0 (N rounded to a whole count) when every x is an integer, else 2 (a skew S like 0.87).
 */
export function describeCrossovers(result: CrossoverResult, names: { a: string; b: string; variable: string; decimals?: number }): string {
  const xs = result.points.map((p) => p.x);
  const v = names.variable;
  if (xs.length === 0) return `no data for ${v}`;
  const decimals = names.decimals ?? (xs.every(Number.isInteger) ? 0 : 2);
  const fmt = (x: number): string => String(Number(x.toFixed(decimals)));
  if (result.crossings.length === 0) {
    const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
    const range = lo === hi ? `${v} = ${fmt(lo)}` : `${v} in ${fmt(lo)}..${fmt(hi)}`;
    const w = result.throughout;
    const verdict = w === "a" || w === "b" ? `${names[w]} is faster throughout` : `neither ${names.a} nor ${names.b} is significantly faster`;
    return `no crossover for ${range}: ${verdict}`;
  }
  const segments = result.crossings.map((c, i) => {
    const where = `${i === 0 ? "below" : "up to"} ${v} ≈ ${fmt(c.estimate)}`;
    const interval = `crossover between ${fmt(c.low)} and ${fmt(c.high)}${c.conclusive ? "" : ", inconclusive"}`;
    return `${names[c.from]} is faster ${where} (${interval})`;
  });
  return `${segments.join("; ")}; ${names[result.crossings.at(-1)!.to]} is faster above`;
}
