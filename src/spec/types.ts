/**
 * The handler spec: the one input every stage derives from (docs/spec.md).
 * `SpecInput` is what a user writes (optional fields may be absent);
 * `Spec` is the validated, normalised form every later stage consumes.
 */

export type ParamType = "i32" | "i64";

export interface BodySpec {
  /** A body kind from the built-in library (noop, alu, mem) or a --bodies file. */
  kind: string;
  /** The body's work size: dependent ops for alu, cache lines for mem, `n` for user bodies. */
  ops?: number;
}

export interface HandlerInput {
  id: number;
  name: string;
  priority?: number;
  params?: ParamType[];
  body?: BodySpec;
}

/** The spec as written (JSON). */
export interface SpecInput {
  name: string;
  args?: number;
  fallback?: number | string;
  handlers: HandlerInput[];
}

export interface Handler {
  id: number;
  name: string;
  /** 1..99, 1 = hottest; undefined = the unprioritised last level. */
  priority: number | undefined;
  params: ParamType[];
  body: { kind: string; ops: number };
}

/** A validated spec: defaults applied, invariants hold (see validate.ts). */
export interface Spec {
  name: string;
  args: number;
  /** The i64 result for a number with no handler. */
  fallback: bigint;
  /** In the order the spec lists them (Xen's table order for built-ins). */
  handlers: Handler[];
}

/** Xen treats "no priority" as level 100, below every explicit 1..99. */
export const UNPRIORITISED = 100;

/** What ordering needs of a handler (a validated one, or one read back from results.json). */
type Ordered = { id: number; priority?: number | undefined };

export const levelOf = (h: Ordered): number => h.priority ?? UNPRIORITISED;

/** Priority order, then id order: the order of a compare chain. */
export function chainOrder<H extends Ordered>(handlers: readonly H[]): H[] {
  return [...handlers].sort((a, b) => levelOf(a) - levelOf(b) || a.id - b.id);
}

export const LIMITS = {
  maxArgs: 6,
  maxId: 65535,
  maxHandlers: 4096,
  minPriority: 1,
  maxPriority: 99,
} as const;

/**
 * What validate.ts fills in for absent fields (docs/spec.md). Five args is
 * Xen's hypercall ABI; -38 is -ENOSYS, Xen's answer to an unknown number.
 */
export const SPEC_DEFAULTS = {
  args: 5,
  fallback: -38n,
  body: { kind: "noop", ops: 0 },
} as const;

/** The most `body.ops` a handler may ask for: bounds one call to a few milliseconds. */
export const MAX_BODY_OPS = 1_000_000;

/** Handler names and body kinds: a name an emitted module can export. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
