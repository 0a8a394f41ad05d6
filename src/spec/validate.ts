/**
 * Spec validation: a parsed JSON value in, a normalised `Spec` out, or one
 * LabError("spec-invalid") that lists every problem at once (a user fixing a
 * spec should not have to rerun once per mistake). zod checks each field's
 * shape; the rules that relate fields to each other (unique ids and names,
 * params within args) run separately over the raw input, so they still
 * report when some other field is broken.
 */
import { z } from "zod";
import { LabError, type Problem } from "../errors.js";
import { nearest } from "../suggest.js";
import { controlIndex, visibleControls } from "../text/escape.js";
import { IDENTIFIER, LIMITS, MAX_BODY_OPS, SPEC_DEFAULTS, type Handler, type ParamType, type Spec } from "./types.js";

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

const FIX = "edit the spec so each listed field follows docs/spec.md";

/** `handlers[3].id`: the path style every Problem uses. */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => {
      if (typeof key === "number") return `[${key}]`;
      const name = String(key);
      if (!IDENTIFIER.test(name)) return `[${JSON.stringify(name)}]`;
      return i === 0 ? name : `.${name}`;
    })
    .join("");
}

/** A value as a message quotes it: `string "7"`, `null`, `an array`. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** An integer field in lo..hi; each failure names the offending value. */
function intIn(lo: number, hi: number) {
  return z
    .number()
    .int({ error: (iss) => `${String(iss.input)} is not an integer` })
    .min(lo, { error: (iss) => `${String(iss.input)} is outside ${lo}..${hi}` })
    .max(hi, { error: (iss) => `${String(iss.input)} is outside ${lo}..${hi}` });
}

/**
 * The longest spec, handler or body-kind name, in characters. Names reach
 * every output (terminal tables, chart labels, CSV, Markdown): a limit keeps
 * them legible and keeps a hostile spec from flooding them.
 */
export const MAX_NAME_LENGTH = 128;

const tooLong = (iss: { input: unknown }): string => `${[...String(iss.input)].length} characters; at most ${MAX_NAME_LENGTH} are allowed`;

const identifier = z
  .string()
  .regex(IDENTIFIER, { error: (iss) => `${JSON.stringify(iss.input)} is not an identifier (letters, digits and _, not starting with a digit)` })
  .max(MAX_NAME_LENGTH, { error: tooLong });

/** A spec name: printable text (spaces and any script are fine) of 1..MAX_NAME_LENGTH characters. */
const specName = z
  .string()
  .regex(/\S/, { error: "must not be empty" })
  .refine((name) => [...name].length <= MAX_NAME_LENGTH, { error: tooLong })
  .refine((name) => controlIndex(name) < 0, {
    error: (iss) => {
      const name = String(iss.input);
      const at = controlIndex(name);
      return `holds the control character ${visibleControls(name[at]!)} at index ${at}; a spec name is printable text (no control characters)`;
    },
  });

/** i64 from a JSON number (exact only up to 2^53) or a decimal string (the full range). */
function parseI64(value: unknown): bigint | string {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return `${value} is not an integer`;
    if (!Number.isSafeInteger(value)) return `${value} is beyond ±2^53 and loses precision in JSON; write it as a decimal string`;
    return BigInt(value);
  }
  if (typeof value === "string") {
    if (!/^-?[0-9]+$/.test(value)) return `${JSON.stringify(value)} is not a decimal integer`;
    const n = BigInt(value);
    return n < I64_MIN || n > I64_MAX ? `${value} does not fit in i64 (${I64_MIN}..${I64_MAX})` : n;
  }
  return `expected an integer (a number or a decimal string), got ${describe(value)}`;
}

const i64 = z.unknown().transform((value, ctx): bigint => {
  const parsed = parseI64(value);
  if (typeof parsed === "bigint") return parsed;
  ctx.addIssue({ code: "custom", message: parsed });
  return z.NEVER;
});

const paramType = z.enum(["i32", "i64"], {
  error: (iss) =>
    typeof iss.input === "string"
      ? `unknown param type ${JSON.stringify(iss.input)} (expected "i32" or "i64")`
      : `expected "i32" or "i64", got ${describe(iss.input)}`,
});

const bodySchema = z.strictObject({
  kind: identifier,
  ops: intIn(0, MAX_BODY_OPS).optional(),
});

/** Built once: a schema per handler costs ~80 ms at 1024 handlers (crossProblems checks every id with it). */
const handlerId = intIn(0, LIMITS.maxId);

const handlerSchema = z.strictObject({
  id: handlerId,
  name: identifier,
  priority: intIn(LIMITS.minPriority, LIMITS.maxPriority).optional(),
  params: z.array(paramType).optional(),
  body: bodySchema.optional(),
});

const specSchema = z.strictObject({
  name: specName,
  args: intIn(0, LIMITS.maxArgs).optional(),
  fallback: i64.optional(),
  handlers: z
    .array(handlerSchema)
    .min(1, { error: "at least 1 handler is required" })
    .max(LIMITS.maxHandlers, {
      error: (iss) => `${(iss.input as unknown[]).length} handlers; at most ${LIMITS.maxHandlers} are allowed`,
    }),
});

/** The keys allowed in the object at `path`: the spec, a handler, or a body. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(specSchema.shape);
  return Object.keys(path[path.length - 1] === "body" ? bodySchema.shape : handlerSchema.shape);
}

/** Suggest the nearest known key (src/suggest.ts): typos in keys are the common case. */
function unknownKeyMessage(key: string, known: readonly string[]): string {
  const near = nearest(key, known);
  return near !== undefined ? `unknown key; did you mean "${near}"?` : `unknown key (known keys: ${known.join(", ")})`;
}

/** zod's generic failures (wrong type, missing, unknown key) in this module's words. */
function issueToProblems(issue: z.core.$ZodIssue, rootPath: string): Problem[] {
  const at = (path: readonly PropertyKey[]) => formatPath(path) || rootPath;
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(issue.path);
    return issue.keys.map((key) => ({ path: at([...issue.path, key]), message: unknownKeyMessage(key, known) }));
  }
  return [{ path: at(issue.path), message: issue.message }];
}

const EXPECTED: Record<string, string> = {
  number: "an integer",
  string: "a string",
  object: "an object",
  array: "an array",
};

/** Messages for the issues no field schema words itself. */
const errorMap: z.core.$ZodErrorMap = (iss) => {
  if (iss.code !== "invalid_type") return undefined;
  if (iss.input === undefined) return "missing (required)";
  return `expected ${EXPECTED[iss.expected] ?? iss.expected}, got ${describe(iss.input)}`;
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Unique ids, unique names, params within args: checked on every handler whose fields are well-formed. */
function crossProblems(input: unknown): Problem[] {
  if (!isRecord(input) || !Array.isArray(input.handlers)) return [];
  const argsOk = input.args === undefined || intIn(0, LIMITS.maxArgs).safeParse(input.args).success;
  const args = argsOk ? ((input.args as number | undefined) ?? SPEC_DEFAULTS.args) : undefined;
  const problems: Problem[] = [];
  const firstId = new Map<number, number>();
  const firstName = new Map<string, number>();
  input.handlers.forEach((h: unknown, i: number) => {
    if (!isRecord(h)) return;
    if (handlerId.safeParse(h.id).success) {
      const id = h.id as number;
      const first = firstId.get(id);
      if (first === undefined) firstId.set(id, i);
      else problems.push({ path: `handlers[${i}].id`, message: `${id} duplicates handlers[${first}].id` });
    }
    if (typeof h.name === "string") {
      const first = firstName.get(h.name);
      if (first === undefined) firstName.set(h.name, i);
      else problems.push({ path: `handlers[${i}].name`, message: `${JSON.stringify(h.name)} duplicates handlers[${first}].name` });
    }
    if (args !== undefined && Array.isArray(h.params) && h.params.length > args) {
      problems.push({ path: `handlers[${i}].params`, message: `${plural(h.params.length, "param")} but the spec passes ${plural(args, "arg")}` });
    }
  });
  return problems;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The zod output with every default applied: the one `Spec` shape later stages rely on. */
function normalise(parsed: z.output<typeof specSchema>): Spec {
  const args = parsed.args ?? SPEC_DEFAULTS.args;
  const handlers = parsed.handlers.map(
    (h): Handler => ({
      id: h.id,
      name: h.name,
      priority: h.priority,
      params: h.params ?? Array.from({ length: args }, (): ParamType => "i64"),
      body: h.body ? { kind: h.body.kind, ops: h.body.ops ?? 0 } : { ...SPEC_DEFAULTS.body },
    }),
  );
  return { name: parsed.name, args, fallback: parsed.fallback ?? SPEC_DEFAULTS.fallback, handlers };
}

/**
 * Validate a parsed `SpecInput` (docs/spec.md) and return it normalised.
 * `source` (a file name or built-in name) labels problems about the whole
 * value, which have no JSON path of their own, and appears in the fix.
 * Throws LabError("spec-invalid") listing every problem found.
 */
export function validateSpec(input: unknown, source?: string): Spec {
  const result = specSchema.safeParse(input, { error: errorMap });
  const problems = [...(result.success ? [] : result.error.issues.flatMap((iss) => issueToProblems(iss, source ?? "spec"))), ...crossProblems(input)];
  if (!result.success || problems.length > 0) {
    throw new LabError("spec-invalid", problems, source ? `${FIX} (in ${source})` : FIX);
  }
  return normalise(result.data);
}

/** Parse and validate spec text; a JSON syntax error is a spec problem located at `source`. */
export function parseSpecJson(text: string, source: string): Spec {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new LabError("spec-invalid", [{ path: source, message: `not valid JSON: ${message}` }], `fix the JSON syntax in ${source}`);
  }
  return validateSpec(value, source);
}
