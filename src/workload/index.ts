/**
 * The workload registry: parses `kind[:arg]`, derives each workload's seed
 * from the run seed and its name, and builds the stream. Adding a kind is
 * adding a file and a line to KINDS.
 */
import { LabError } from "../errors.js";
import type { Spec } from "../spec/types.js";
import { cyclic } from "./cyclic.js";
import { fixed } from "./fixed.js";
import { invalid } from "./invalid.js";
import { trace } from "./trace.js";
import { DEFAULT_STREAM_LENGTH, MAX_STREAM_LENGTH, type Workload, type WorkloadKind } from "./types.js";
import { uniform } from "./uniform.js";
import { xenProfiles } from "./xen.js";
import { zipf } from "./zipf.js";

export { DEFAULT_STREAM_LENGTH, MAX_STREAM_LENGTH } from "./types.js";
export type { MixEntry, Workload, WorkloadContext, WorkloadKind } from "./types.js";

const KINDS: readonly WorkloadKind[] = [uniform, zipf, fixed, cyclic, invalid, trace, ...xenProfiles];

/** What a run measures when given no workloads: the real mix, the flat baseline, the best and worst single handler, and a few misses. */
export const DEFAULT_WORKLOADS: readonly string[] = ["xen:pv-guest-build", "uniform", "fixed:hottest", "fixed:coldest", "invalid:0.01"];

/** Every kind, for --help and docs. */
export function listWorkloads(): { syntax: string; summary: string }[] {
  return KINDS.map((k) => ({ syntax: k.syntax, summary: k.summary }));
}

/**
 * The kind `name` names and its argument. A kind matches `kind` or
 * `kind:...`; the longest match wins, because Xen profile kinds
 * (`xen:pv-guest-build`) contain a colon themselves. undefined: no kind.
 */
export function parseWorkloadName(name: string): { kind: WorkloadKind; arg: string | undefined } | undefined {
  let best: WorkloadKind | undefined;
  for (const k of KINDS) {
    const matches = name === k.kind || name.startsWith(`${k.kind}:`);
    if (matches && (!best || k.kind.length > best.kind.length)) best = k;
  }
  if (!best) return undefined;
  return { kind: best, arg: name === best.kind ? undefined : name.slice(best.kind.length + 1) };
}

/**
 * The seed of one workload in a run: FNV-1a over "<run seed>/<name>", then
 * murmur3's finaliser (FNV's low bits mix poorly, and nearby seeds must not
 * give nearby generator states). Hashing the name, rather than numbering
 * the workloads, means adding or reordering workloads in a run leaves every
 * other stream unchanged.
 */
export function workloadSeed(runSeed: number, name: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${runSeed >>> 0}/${name}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const syntaxList = (): string => KINDS.map((k) => k.syntax).join(", ");

/**
 * The workload `name` (`kind[:arg]`) for `spec`. `ctx.seed` is the run's
 * seed (0..2^32-1); `ctx.length` the stream length (default 64 Ki; a trace
 * file may make the stream longer). Throws LabError("usage") for an
 * unknown kind, a bad argument or a bad length/seed, located at the name.
 */
export function buildWorkload(name: string, spec: Spec, ctx: { seed: number; length?: number }): Workload {
  const length = ctx.length ?? DEFAULT_STREAM_LENGTH;
  if (!Number.isSafeInteger(length) || length < 1 || length > MAX_STREAM_LENGTH) {
    throw new LabError("usage", [{ path: "length", message: `stream length ${length} is not an integer in 1..${MAX_STREAM_LENGTH}` }], `use a length such as ${DEFAULT_STREAM_LENGTH}`);
  }
  if (!Number.isSafeInteger(ctx.seed) || ctx.seed < 0 || ctx.seed > 0xffff_ffff) {
    throw new LabError("usage", [{ path: "seed", message: `seed ${ctx.seed} is not an integer in 0..4294967295` }], "use a seed in 0..4294967295");
  }
  const parsed = parseWorkloadName(name);
  if (!parsed) {
    throw new LabError("usage", [{ path: name, message: "unknown workload" }], `use one of: ${syntaxList()} (docs/workloads.md)`);
  }
  const workload = parsed.kind.build(parsed.arg, spec, { seed: workloadSeed(ctx.seed, name), length });
  if (workload.stream.length > MAX_STREAM_LENGTH) {
    throw new LabError("usage", [{ path: name, message: `${workload.stream.length} numbers, more than the ${MAX_STREAM_LENGTH} a stream may hold` }], "shorten the trace file");
  }
  return workload;
}
