/**
 * Helpers every workload kind shares: errors located at the workload name,
 * the exact weighted allocation, a seeded in-place shuffle, and the mix.
 */
import { LabError } from "../errors.js";
import type { Rng } from "../stats/rng.js";
import type { Handler, Spec } from "../spec/types.js";
import type { Workload, WorkloadKind } from "./types.js";
import type { MixEntry } from "../model/workload.js";

/** The full name a kind was given: `kind` or `kind:arg`. */
export const workloadName = (kind: string, arg: string | undefined): string => (arg === undefined ? kind : `${kind}:${arg}`);

/** A bad workload argument, located at the workload name (the style every kind uses). */
export function argError(name: string, message: string, fix: string): LabError {
  return new LabError("usage", [{ path: name, message }], fix);
}

/** For kinds that take no argument: `uniform:3` is a mistake, not a variant. */
export function expectNoArg(kind: WorkloadKind, arg: string | undefined): void {
  if (arg !== undefined) {
    throw argError(workloadName(kind.kind, arg), `${kind.kind} takes no argument`, `write ${kind.syntax}`);
  }
}

/** For kinds that need one: `zipf` alone has no exponent. */
export function requireArg(kind: WorkloadKind, arg: string | undefined): string {
  if (arg === undefined || arg === "") {
    throw argError(workloadName(kind.kind, arg), `${kind.kind} needs an argument`, `write ${kind.syntax}`);
  }
  return arg;
}

/** Handlers in id order: the canonical order, independent of how the spec lists them. */
export const byId = (spec: Spec): Handler[] => [...spec.handlers].sort((a, b) => a.id - b.id);

/**
 * A non-negative decimal (`0.01`, `2`, `.5`) as an exact fraction, or
 * undefined. Exact so that round(P * length) does not depend on binary
 * rounding (0.29 * 100 is 28.999... in floating point).
 */
export function readDecimal(text: string): { numerator: bigint; denominator: bigint } | undefined {
  const match = /^([0-9]*)(?:\.([0-9]+))?$/.exec(text);
  if (!match || text === "" || text === ".") return undefined;
  const fraction = match[2] ?? "";
  return { numerator: BigInt((match[1] ?? "") + fraction || "0"), denominator: 10n ** BigInt(fraction.length) };
}

/**
 * Largest-remainder (Hamilton) allocation: split `total` entries in
 * proportion to integer `weights`, exactly. Each count is floor(quota) or
 * ceil(quota) (quota = total * weight / sum), the counts sum to `total`, and
 * the leftover entries go to the largest remainders, ties to the earlier
 * index. Integer arithmetic throughout, so every machine gets the same
 * counts. Throws (a caller's bug) when the weights sum to zero.
 */
export function allocate(weights: readonly bigint[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum <= 0n || weights.some((w) => w < 0n)) throw new Error("allocate: weights must be >= 0 with a positive sum");
  const t = BigInt(total);
  const counts = weights.map((w) => Number((w * t) / sum));
  const remainders = weights.map((w) => (w * t) % sum);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = weights.map((_, i) => i).sort((a, b) => (remainders[b]! > remainders[a]! ? 1 : remainders[b]! < remainders[a]! ? -1 : a - b));
  for (const i of order) {
    if (left-- <= 0) break;
    counts[i]!++;
  }
  return counts;
}

/** Fisher-Yates in place (rng.shuffle copies into a plain array: too slow for millions of entries). */
export function shuffleInPlace(values: Int32Array, rng: Rng): Int32Array {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = values[i]!;
    values[i] = values[j]!;
    values[j] = t;
  }
  return values;
}

/**
 * `counts[i]` copies of `values[i]`, then shuffled: a stream whose shares
 * are exactly the allocation and whose order is random (so no strategy
 * benefits from runs of one number).
 */
export function shuffledStream(values: readonly number[], counts: readonly number[], rng: Rng): Int32Array {
  const stream = new Int32Array(counts.reduce((a, b) => a + b, 0));
  let at = 0;
  values.forEach((value, i) => {
    stream.fill(value, at, at + counts[i]!);
    at += counts[i]!;
  });
  return shuffleInPlace(stream, rng);
}

/** How often each handler, and "invalid", appears in `stream`: counted from the stream itself, so it is true by construction. */
export function mixOf(stream: Int32Array, spec: Spec): MixEntry[] {
  const maxId = Math.max(...spec.handlers.map((h) => h.id));
  const handlerAt: (Handler | undefined)[] = new Array<Handler | undefined>(maxId + 1);
  for (const h of spec.handlers) handlerAt[h.id] = h;
  const counts = new Float64Array(maxId + 1);
  let invalid = 0;
  for (const v of stream) {
    if (v >= 0 && v <= maxId && handlerAt[v]) counts[v]!++;
    else invalid++;
  }
  const share = (n: number): number => (stream.length === 0 ? 0 : n / stream.length);
  const entries: { entry: MixEntry; count: number }[] = byId(spec)
    .filter((h) => counts[h.id]! > 0)
    .map((h) => ({ entry: { id: h.id, name: h.name, share: share(counts[h.id]!) }, count: counts[h.id]! }));
  if (invalid > 0) entries.push({ entry: { id: null, name: "invalid", share: share(invalid) }, count: invalid });
  // Stable sort: equal counts keep id order, "invalid" last among them.
  return entries.sort((a, b) => b.count - a.count).map((e) => e.entry);
}

/** A Workload with its mix computed from the stream. */
export function makeWorkload(name: string, description: string, stream: Int32Array, spec: Spec, notes?: string[]): Workload {
  return { name, description, stream, mix: mixOf(stream, spec), ...(notes && notes.length > 0 && { notes }) };
}

/** `0.6655` -> "66.55%": shares in descriptions and notes. */
export const percent = (share: number): string => `${(share * 100).toFixed(2)}%`;
