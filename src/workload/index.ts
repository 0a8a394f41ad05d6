/**
 * The workload registry: parses `kind[:arg]`, derives each workload's seed
 * from the run seed and its name, and builds the stream. Adding a kind is
 * adding a file and a line to KINDS.
 */
import { LabError } from "../errors.js";
import { nameList } from "../names.js";
import { didYouMean, nearest } from "../suggest.js";
import type { Spec } from "../spec/types.js";
import { cyclic } from "./cyclic.js";
import { fixed } from "./fixed.js";
import { invalid } from "./invalid.js";
import { trace } from "./trace.js";
import { DEFAULT_STREAM_LENGTH, MAX_STREAM_LENGTH, type Workload, type WorkloadKind } from "./types.js";
import { uniform } from "./uniform.js";
import { readProfile, XEN_PROFILES, xenProfiles } from "./xen.js";
import { zipf } from "./zipf.js";

export { DEFAULT_STREAM_LENGTH, MAX_STREAM_LENGTH } from "./types.js";
export type { Workload, WorkloadContext, WorkloadKind } from "./types.js";

const KINDS: readonly WorkloadKind[] = [uniform, zipf, fixed, cyclic, invalid, trace, ...xenProfiles];

/** Xen's measured mixes a spec may hold, in order of preference: a guest building Xen, PV then PVH. */
const XEN_MIXES = ["pv-guest-build", "pvh-guest-build"];

/**
 * The measured Xen mix for `spec`: the first of XEN_MIXES whose hypercalls
 * (by name) make up at least 90% of the profile's calls in the spec
 * (xen:pv64 -> xen:pv-guest-build, xen:hvm64 -> xen:pvh-guest-build);
 * undefined for a spec without Xen's hypercalls, where a profile would
 * fail or stand for a sliver of itself.
 */
export function xenMixFor(spec: Pick<Spec, "handlers">): string | undefined {
  const names = new Set(spec.handlers.map((h) => h.name));
  const profile = XEN_MIXES.map((m) => XEN_PROFILES.find((p) => p.profile === m)!).find((p) => {
    const rows = readProfile(p);
    const total = rows.reduce((a, r) => a + r.count, 0n);
    const held = rows.reduce((a, r) => (names.has(r.hypercall) ? a + r.count : a), 0n);
    return held * 10n >= total * 9n; // at least 90% of the profile's calls
  });
  return profile && `xen:${profile.profile}`;
}

/** The default workloads after the leading mix: the flat baseline, the best and worst single handler, and a few misses. */
export const BASELINE_WORKLOADS: readonly string[] = ["uniform", "fixed:hottest", "fixed:coldest", "invalid:0.01"];
/** The skewed mix that leads the defaults of a spec without Xen's hypercalls. */
export const GENERIC_MIX = "zipf:1.1";

/**
 * What a run measures when given no workloads: a realistic mix (Xen's
 * measured one when the spec holds its hypercalls, else zipf:1.1), then
 * BASELINE_WORKLOADS. Every one builds on any valid spec.
 */
export const defaultWorkloads = (spec: Pick<Spec, "handlers">): string[] => [xenMixFor(spec) ?? GENERIC_MIX, ...BASELINE_WORKLOADS];

/** `a,b,c` (or an array) to workload names; an empty list or a name given twice is a usage error (two cells would share an id). */
export const workloadList = (list: string | readonly string[]): string[] =>
  nameList(list, { option: "--workloads", what: "workload", example: "uniform,zipf:1.1" });

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

/** `unifrom` -> `uniform`, `zpif:1.1` -> `zipf:1.1`: the kind nearest the whole name, else nearest its head (the argument kept). */
function nearestWorkload(name: string): string | undefined {
  const kinds = KINDS.map((k) => k.kind);
  const whole = nearest(name, kinds);
  if (whole !== undefined || !name.includes(":")) return whole;
  const head = nearest(name.slice(0, name.indexOf(":")), kinds);
  return head && `${head}${name.slice(name.indexOf(":"))}`;
}

/**
 * The workload `name` (`kind[:arg]`) for `spec`. `ctx.seed` is the run's
 * seed (0..2^32-1); `ctx.length` the stream length (default 64 Ki; a trace
 * file may make the stream longer). Throws LabError("usage") for an
 * unknown kind, a bad argument or a bad length/seed, located at the name.
 */
export function buildWorkload(name: string, spec: Spec, ctx: { seed: number; length?: number }): Workload {
  const length = ctx.length ?? DEFAULT_STREAM_LENGTH;
  if (!Number.isSafeInteger(length) || length < 1 || length > MAX_STREAM_LENGTH) {
    throw new LabError(
      "usage",
      [{ path: "length", message: `stream length ${length} is not an integer in 1..${MAX_STREAM_LENGTH}` }],
      `use a length such as ${DEFAULT_STREAM_LENGTH}`,
    );
  }
  if (!Number.isSafeInteger(ctx.seed) || ctx.seed < 0 || ctx.seed > 0xffff_ffff) {
    throw new LabError("usage", [{ path: "seed", message: `seed ${ctx.seed} is not an integer in 0..4294967295` }], "use a seed in 0..4294967295");
  }
  const parsed = parseWorkloadName(name);
  if (!parsed) {
    throw new LabError(
      "usage",
      [{ path: name, message: "unknown workload" }],
      `${didYouMean([nearestWorkload(name)])}use one of: ${syntaxList()} (docs/workloads.md)`,
    );
  }
  const workload = parsed.kind.build(parsed.arg, spec, { seed: workloadSeed(ctx.seed, name), length });
  if (workload.stream.length > MAX_STREAM_LENGTH) {
    throw new LabError(
      "usage",
      [{ path: name, message: `${workload.stream.length} numbers, more than the ${MAX_STREAM_LENGTH} a stream may hold` }],
      "shorten the trace file",
    );
  }
  return workload;
}
