/**
 * Synthetic specs: `synthetic:N[,key=value...]`, N handlers (1..4096) shaped
 * by options, so a strategy can be measured at sizes and densities Xen's own
 * table (41 handlers, ids 0..49) never reaches. Everything random comes from
 * one generator (src/stats/rng.ts) seeded by `seed`, drawn in a fixed order,
 * so the same argument always gives the same spec, byte for byte.
 *
 * Options (each at most once, any order; docs/spec.md has examples):
 * - `levels=L` (default 0, 0..99): L priority levels; level j (1..L) gets
 *   2^(j-1) handlers chosen at random, so level 1 is a single compare,
 *   level 2 a two-handler mask level, level 3+ a mask and an inner
 *   dispatch. Capped at N-1 prioritised handlers (N when N is 1), so at
 *   least one handler stays unprioritised when there is more than one; the
 *   last level that gets handlers may get fewer than 2^(j-1).
 * - `sparse=S` (default 1, a decimal >= 1): ids are a random sample of N
 *   distinct ids from 0..floor(S*N)-1 (computed exactly, not in floating
 *   point); S=1 gives 0..N-1. floor(S*N) may not exceed 65536.
 * - `seed=X` (default 1, 0..4294967295): the generator's seed.
 * - `args=A` (default 5, 0..6): the args every call passes.
 * - `params=mixed|i64` (default mixed): mixed gives each handler a random
 *   count 0..A of random i32/i64 params; i64 gives every handler A i64 params.
 * - `body=noop|KIND|KIND:OPS` (default noop): every handler's body; OPS
 *   (default 0, 0..1000000) is `body.ops`.
 *
 * Handlers are named `h_<id>` and listed in id order.
 */
import { LabError } from "../../errors.js";
import { seededRng, type Rng } from "../../stats/rng.js";
import { IDENTIFIER, LIMITS, MAX_BODY_OPS, type HandlerInput, type SpecInput, type ParamType, type Spec } from "../types.js";
import { validateSpec } from "../validate.js";

export const SYNTHETIC_PREFIX = "synthetic:";

const GRAMMAR = "synthetic:N[,levels=L][,sparse=S][,seed=X][,args=A][,params=mixed|i64][,body=KIND[:OPS]]";
const ID_SPACE = LIMITS.maxId + 1;

/** The parsed options; every field has its default filled in. */
export interface SyntheticOptions {
  count: number;
  levels: number;
  /** S as an exact fraction, numerator / denominator (a power of ten). */
  sparse: { numerator: bigint; denominator: bigint };
  seed: number;
  args: number;
  params: "mixed" | "i64";
  body: { kind: string; ops: number };
}

const DEFAULTS: Omit<SyntheticOptions, "count"> = {
  levels: 0,
  sparse: { numerator: 1n, denominator: 1n },
  seed: 1,
  args: 5,
  params: "mixed",
  body: { kind: "noop", ops: 0 },
};

/** A decimal integer in lo..hi, or a message saying why not. */
function readInt(text: string, lo: number, hi: number, what: string): number | string {
  if (!/^[0-9]+$/.test(text)) return `${what} "${text}" is not a non-negative integer`;
  const n = Number(text);
  return n >= lo && n <= hi ? n : `${what} ${text} is outside ${lo}..${hi}`;
}

/** `2.5` -> 25/10, exactly: floor(S*N) must not depend on binary rounding. */
function readSparse(text: string): SyntheticOptions["sparse"] | string {
  const match = /^([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (!match) return `sparse "${text}" is not a decimal number`;
  const fraction = match[2] ?? "";
  const sparse = { numerator: BigInt((match[1] ?? "") + fraction), denominator: 10n ** BigInt(fraction.length) };
  return sparse.numerator >= sparse.denominator ? sparse : `sparse ${text} is below 1`;
}

/** `KIND` or `KIND:OPS` (also the `+body=` spec modifier, load.ts), or a message saying why not. */
export function readBody(text: string): SyntheticOptions["body"] | string {
  const [kind = "", ops, ...rest] = text.split(":");
  if (rest.length > 0 || !IDENTIFIER.test(kind)) return `body "${text}" is not KIND or KIND:OPS (KIND an identifier)`;
  if (ops === undefined) return { kind, ops: 0 };
  const n = readInt(ops, 0, MAX_BODY_OPS, "body ops");
  return typeof n === "string" ? n : { kind, ops: n };
}

/** A reader's result as the options it sets, or its message unchanged. */
function setting<K extends keyof SyntheticOptions>(key: K, value: SyntheticOptions[K] | string): Partial<SyntheticOptions> | string {
  return typeof value === "string" ? value : { [key]: value };
}

/** Each option's reader: the options it sets, or a message saying why it cannot. */
const READERS: Readonly<Record<string, (value: string) => Partial<SyntheticOptions> | string>> = {
  levels: (v) => setting("levels", readInt(v, 0, LIMITS.maxPriority, "levels")),
  sparse: (v) => setting("sparse", readSparse(v)),
  seed: (v) => setting("seed", readInt(v, 0, 0xffff_ffff, "seed")),
  args: (v) => setting("args", readInt(v, 0, LIMITS.maxArgs, "args")),
  params: (v) => (v === "mixed" || v === "i64" ? { params: v } : `params "${v}" is not mixed or i64`),
  body: (v) => setting("body", readBody(v)),
};

/** The size of the id range, floor(S*N), exact. */
const idRange = (o: SyntheticOptions): number => Number((o.sparse.numerator * BigInt(o.count)) / o.sparse.denominator);

/**
 * Parse `synthetic:N[,key=value...]`, collecting every problem. Throws
 * LabError("spec-invalid") located at the whole argument.
 */
export function parseSynthetic(arg: string): SyntheticOptions {
  const [head = "", ...pairs] = arg.slice(SYNTHETIC_PREFIX.length).split(",");
  const problems: string[] = [];
  const count = readInt(head, 1, LIMITS.maxHandlers, "N");
  if (typeof count === "string") problems.push(count);
  const options: SyntheticOptions = { ...DEFAULTS, count: typeof count === "number" ? count : 1 };
  const seen = new Set<string>();
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const reader = Object.hasOwn(READERS, key) ? READERS[key] : undefined;
    if (!reader) problems.push(`unknown option "${key}" (known: ${Object.keys(READERS).join(", ")})`);
    else if (eq < 0) problems.push(`option "${key}" needs a value (${key}=...)`);
    else if (seen.has(key)) problems.push(`option "${key}" is given twice`);
    else {
      const result = reader(pair.slice(eq + 1));
      if (typeof result === "string") problems.push(result);
      else Object.assign(options, result);
    }
    seen.add(key);
  }
  if (problems.length === 0 && idRange(options) > ID_SPACE) {
    problems.push(`sparse gives ${idRange(options)} possible ids (floor(S*N)); at most ${ID_SPACE} fit in 0..${LIMITS.maxId}`);
  }
  if (problems.length > 0) {
    throw new LabError(
      "spec-invalid",
      problems.map((message) => ({ path: arg, message })),
      `write ${GRAMMAR} (docs/spec.md)`,
    );
  }
  return options;
}

/** Level sizes 1, 2, 4, ... for L levels, cut off once the prioritised budget runs out. */
export function levelSizes(levels: number, count: number): number[] {
  let budget = count > 1 ? count - 1 : count;
  const sizes: number[] = [];
  for (let j = 1; j <= levels && budget > 0; j++) {
    const size = Math.min(2 ** (j - 1), budget);
    sizes.push(size);
    budget -= size;
  }
  return sizes;
}

const PARAM_TYPES: readonly ParamType[] = ["i32", "i64"];

function randomParams(rng: Rng, o: SyntheticOptions): ParamType[] {
  if (o.params === "i64") return Array.from({ length: o.args }, (): ParamType => "i64");
  const length = rng.int(0, o.args);
  return Array.from({ length }, () => rng.pick(PARAM_TYPES));
}

/** The canonical argument: N, then the non-default options in a fixed order. */
function canonicalName(o: SyntheticOptions): string {
  const parts = [String(o.count)];
  if (o.levels !== DEFAULTS.levels) parts.push(`levels=${o.levels}`);
  if (o.sparse.numerator !== o.sparse.denominator) parts.push(`sparse=${decimal(o.sparse)}`);
  if (o.seed !== DEFAULTS.seed) parts.push(`seed=${o.seed}`);
  if (o.args !== DEFAULTS.args) parts.push(`args=${o.args}`);
  if (o.params !== DEFAULTS.params) parts.push(`params=${o.params}`);
  if (o.body.kind !== DEFAULTS.body.kind || o.body.ops !== DEFAULTS.body.ops) {
    parts.push(`body=${o.body.kind}${o.body.ops === 0 ? "" : `:${o.body.ops}`}`);
  }
  return `synthetic-${parts.join(",")}`;
}

/** 25/10 -> "2.5": S without leading or trailing zeros. */
function decimal({ numerator, denominator }: SyntheticOptions["sparse"]): string {
  const places = String(denominator).length - 1;
  const digits = String(numerator).padStart(places + 1, "0");
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

/**
 * The spec for `synthetic:...`. Draw order (fixed: changing it changes
 * every synthetic spec): a shuffle of 0..floor(S*N)-1 whose first N are the
 * ids, a shuffle of the ids whose first ones take the priorities (level 1
 * first), then each handler's params in id order.
 */
export function syntheticSpec(arg: string): Spec {
  const o = parseSynthetic(arg);
  const rng = seededRng(o.seed);
  const ids = rng
    .shuffle(Array.from({ length: idRange(o) }, (_, i) => i))
    .slice(0, o.count)
    .sort((a, b) => a - b);
  const sizes = levelSizes(o.levels, o.count);
  const chosen = rng.shuffle(ids).slice(
    0,
    sizes.reduce((a, b) => a + b, 0),
  );
  const priority = new Map<number, number>();
  sizes.forEach((size, j) => chosen.splice(0, size).forEach((id) => priority.set(id, j + 1)));
  const handlers = ids.map(
    (id): HandlerInput => ({
      id,
      name: `h_${id}`,
      ...(priority.has(id) && { priority: priority.get(id) }),
      params: randomParams(rng, o),
      body: { ...o.body },
    }),
  );
  const spec: SpecInput = { name: canonicalName(o), args: o.args, fallback: -38, handlers };
  return validateSpec(spec, arg);
}
