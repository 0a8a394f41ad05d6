/**
 * One entry point from a spec argument (a built-in name or a file path) to a
 * validated Spec, plus the hash that ties a result to the exact spec it came
 * from.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { LabError } from "../errors.js";
import { readBody, SYNTHETIC_PREFIX, syntheticSpec } from "./builtin/synthetic.js";
import { XEN_BUILTINS, xenBuiltins } from "./builtin/xen.js";
import { importXenDefs, parseXenDefsArg, XEN_DEFS_PREFIX } from "./import/xen-defs.js";
import type { Spec } from "./types.js";
import { parseSpecJson } from "./validate.js";

/** The spec a command uses when given none: Xen's 64-bit PV table, the one the 2022 debate was about. */
export const DEFAULT_SPEC = "xen:pv64";

/** The built-in spec arguments, for help text: the Xen tables, then the synthetic form. */
export function listBuiltins(): string[] {
  return [...XEN_BUILTINS, "synthetic:N"];
}

const NOT_FOUND = `no such file, and not a built-in (${[...XEN_BUILTINS.slice(0, 3), "synthetic:N"].join(", ")}) or ${XEN_DEFS_PREFIX}FILE#CALLER`;

/**
 * `xen:*` and `synthetic:*` are built-ins; anything else is a JSON file.
 * Throws LabError: spec-not-found (no such file or built-in), io (unreadable
 * file), spec-invalid (bad JSON, bad spec, bad synthetic options).
 */
export function loadSpec(arg: string): Spec {
  const modifier = BODY_MODIFIER.exec(arg);
  if (modifier) return withBody(loadSpec(arg.slice(0, modifier.index)), modifier[1]!, arg);
  if (arg.startsWith(SYNTHETIC_PREFIX)) return syntheticSpec(arg);
  if (arg.startsWith(XEN_DEFS_PREFIX)) {
    const { file, caller } = parseXenDefsArg(arg);
    return importXenDefs(file, { caller }).spec;
  }
  if (arg.startsWith("xen:")) {
    const build = Object.hasOwn(xenBuiltins, arg) ? xenBuiltins[arg] : undefined;
    if (!build) {
      throw new LabError("spec-not-found", [{ path: arg, message: `not a Xen built-in (${XEN_BUILTINS.join(", ")})` }], "pick one of the listed names");
    }
    return build();
  }
  return parseSpecJson(readSpecFile(arg), arg);
}

/**
 * `SPEC+body=KIND[:OPS]`: the spec with every handler's body replaced, e.g.
 * `xen:pv64+body=alu:1000` (the body-cost sweep uses it). It ends the
 * argument, so a file path may contain `+` elsewhere.
 */
const BODY_MODIFIER = /\+body=([^+]*)$/;

function withBody(spec: Spec, text: string, arg: string): Spec {
  const body = readBody(text);
  if (typeof body === "string")
    throw new LabError("spec-invalid", [{ path: arg, message: body }], "write SPEC+body=KIND or SPEC+body=KIND:OPS, e.g. xen:pv64+body=alu:100");
  return { ...spec, name: `${spec.name}+body=${body.kind}:${body.ops}`, handlers: spec.handlers.map((h) => ({ ...h, body })) };
}

function readSpecFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new LabError("spec-not-found", [{ path, message: NOT_FOUND }], "pass a spec file or a built-in name");
    }
    throw new LabError("io", [{ path, message: `cannot read: ${(e as Error).message}` }]);
  }
}

/** JSON with sorted keys and bigints as decimal strings: equal specs, equal text. */
function canonicalJson(value: unknown): string {
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * A stable identity for a normalised spec: sha256 (hex) of its canonical
 * JSON. Key order, an absent vs undefined priority, and how the spec was
 * written (defaults left out or spelled out) do not change it.
 */
export function specHash(spec: Spec): string {
  return createHash("sha256").update(canonicalJson(spec)).digest("hex");
}
