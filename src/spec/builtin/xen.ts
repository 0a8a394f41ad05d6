/**
 * The Xen built-ins (`xen:pv64`, `xen:hvm64`, `xen:arm`, `xen:pv32`,
 * `xen:hvm32`): Xen's own hypercall table, one spec per caller column, built
 * at runtime from data/xen/*.csv (facts restated from hypercall-defs.c and
 * public/xen.h; see data/xen/README.md).
 *
 * Approximation: every caller uses the `do_` prototype (prototypes-do.csv),
 * whatever its prefix (compat, hvm, dep, do_arm). The compat_ handlers take
 * 32-bit guest values where do_ takes `unsigned long`, so pv32/hvm32 params
 * are wider here than in Xen; the dispatch shape, which is what the lab
 * measures, does not depend on them.
 */
import { readFileSync } from "node:fs";
import { dataPath } from "../../paths.js";
import type { HandlerInput, SpecInput, ParamType, Spec } from "../types.js";
import { validateSpec } from "../validate.js";

/**
 * The configuration every x86 built-in models: a default x86 build (what a
 * distribution ships). PV_SHIM_EXCLUSIVE (a shim-only build) and ARGO
 * (unsupported) stay undefined.
 */
export const X86_DEFINES: readonly string[] = [
  "CONFIG_PV",
  "CONFIG_PV32",
  "CONFIG_HVM",
  "CONFIG_COMPAT",
  "CONFIG_GRANT_TABLE",
  "CONFIG_KEXEC",
  "CONFIG_IOREQ_SERVER",
  "CONFIG_HYPFS",
  "CONFIG_SYSCTL",
  "CONFIG_PAGING",
  "CONFIG_XSM",
  "CONFIG_X86",
];

/**
 * The configuration xen:arm models: a default Arm build. Arm's Kconfig
 * defines HVM unconditionally (every Arm guest is an HVM guest), so hvm_op
 * is callable; IOREQ_SERVER is expert-only on Arm, so dm_op is not.
 */
export const ARM_DEFINES: readonly string[] = ["CONFIG_GRANT_TABLE", "CONFIG_HVM", "CONFIG_HYPFS", "CONFIG_SYSCTL", "CONFIG_XSM"];

type Caller = "pv32" | "pv64" | "hvm32" | "hvm64" | "arm";

const CALLERS: Readonly<Record<Caller, readonly string[]>> = {
  pv32: X86_DEFINES,
  pv64: X86_DEFINES,
  hvm32: X86_DEFINES,
  hvm64: X86_DEFINES,
  arm: ARM_DEFINES,
};

/** The built-in names this module answers, `xen:pv64` first (the lab's default spec). */
export const XEN_BUILTINS: readonly string[] = ["xen:pv64", "xen:hvm64", "xen:arm", "xen:pv32", "xen:hvm32"];

const C_TYPES: ReadonlyMap<string, ParamType> = new Map<string, ParamType>([
  ["unsigned long", "i64"],
  ["long", "i64"],
  ["uint64_t", "i64"],
  ["s_time_t", "i64"],
  ["xen_ulong_t", "i64"],
  ["int", "i32"],
  ["unsigned int", "i32"],
  ["unsigned", "i32"],
  ["uint32_t", "i32"],
  ["uint16_t", "i32"],
  ["domid_t", "i32"],
]);

/**
 * The wasm param type of a C parameter type: pointers (guest handles) and
 * 64-bit integers are i64; 32-bit-or-narrower integers are i32 (the handler
 * sees the low 32 bits of the argument register). `const` is ignored.
 * undefined = a typedef this table does not know.
 */
export function cTypeToParam(ctype: string): ParamType | undefined {
  if (ctype.includes("*")) return "i64";
  const words = ctype.split(/\s+/).filter((w) => w !== "" && w !== "const");
  return C_TYPES.get(words.join(" "));
}

/** `unsigned int *pdone` -> its type, `unsigned int *` (the declarator name dropped). */
function declType(decl: string): string {
  const match = /^(.*?)[A-Za-z_][A-Za-z0-9_]*\s*$/.exec(decl.trim());
  if (!match?.[1]?.trim()) throw new Error(`prototypes-do.csv: cannot read parameter "${decl}"`);
  return match[1].trim();
}

/** `int cmd; void *arg` (prototypes-do.csv separates parameters with `;`) -> params. */
function parseParams(list: string, hypercall: string): ParamType[] {
  if (list.trim() === "") return [];
  return list.split(";").map((decl) => {
    const type = declType(decl);
    const param = cTypeToParam(type);
    if (!param) throw new Error(`prototypes-do.csv: ${hypercall}: unknown C type "${type}"`);
    return param;
  });
}

/**
 * Whether a `condition` cell (`CONFIG_X`, `!CONFIG_X`, `A && B && !C`,
 * `A || B`, parentheses) holds under `defines`; an empty cell always holds.
 * Precedence as in C: ! over && over ||.
 */
export function evalCondition(condition: string, defines: ReadonlySet<string>): boolean {
  const tokens = condition.match(/[A-Za-z_][A-Za-z0-9_]*|&&|\|\||[!()]|\S/g) ?? [];
  if (tokens.length === 0) return true;
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`condition "${condition}": ${why}`);
  };
  const expect = (token: string): void => {
    if (tokens[at] !== token) fail(`expected "${token}" at token ${at + 1}`);
    at++;
  };
  const primary = (): boolean => {
    const token = tokens[at++];
    if (token === "!") return !primary();
    if (token === "(") {
      const value = or();
      expect(")");
      return value;
    }
    if (token === undefined || !/^[A-Za-z_]/.test(token)) return fail(`unexpected ${token ?? "end"}`);
    return defines.has(token);
  };
  const and = (): boolean => {
    let value = primary();
    while (tokens[at] === "&&") {
      at++;
      value = primary() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (tokens[at] === "||") {
      at++;
      value = and() || value;
    }
    return value;
  };
  const value = or();
  if (at !== tokens.length) fail(`unexpected ${tokens[at]}`);
  return value;
}

/** One table of a data file: header names -> cells. The files have no quoting, so a split suffices. */
function readCsv(file: string): Record<string, string>[] {
  const lines = readFileSync(dataPath("xen", file), "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  const [header, ...rows] = lines.map((l) => l.split(",").map((c) => c.trim()));
  if (!header) throw new Error(`data/xen/${file} is empty`);
  return rows.map((cells, i) => {
    if (cells.length !== header.length) throw new Error(`data/xen/${file}:${i + 2}: ${cells.length} cells, expected ${header.length}`);
    return Object.fromEntries(header.map((name, j) => [name, cells[j] ?? ""]));
  });
}

/** A callers.csv cell, `prefix[:priority]` or `-`: the priority, or null when not callable. */
function readCell(cell: string): { priority: number | undefined } | null {
  if (cell === "-") return null;
  const [, priority] = cell.split(":");
  return { priority: priority === undefined ? undefined : Number(priority) };
}

/** The spec for one caller column: Xen's table order, the rows its build compiles in. */
function xenSpec(caller: Caller): Spec {
  const numbers = new Map(readCsv("hypercalls.csv").map((r) => [r.name ?? "", Number(r.number)]));
  const prototypes = new Map(readCsv("prototypes-do.csv").map((r) => [r.hypercall ?? "", r.params ?? ""]));
  const defines = new Set(CALLERS[caller]);
  const handlers: HandlerInput[] = [];
  for (const row of readCsv("callers.csv")) {
    const name = row.hypercall ?? "";
    const cell = readCell(row[caller] ?? "-");
    const id = numbers.get(name);
    if (!cell || id === undefined || !evalCondition(row.condition ?? "", defines)) continue;
    const params = prototypes.get(name);
    if (params === undefined) throw new Error(`data/xen/prototypes-do.csv: no prototype for ${name}`);
    handlers.push({ id, name, ...(cell.priority !== undefined && { priority: cell.priority }), params: parseParams(params, name) });
  }
  const spec: SpecInput = { name: `xen-${caller}`, args: 5, fallback: -38, handlers };
  return validateSpec(spec, `xen:${caller}`);
}

/** Each built-in, built on demand (reading the CSVs each time keeps this module free of state). */
export const xenBuiltins: Readonly<Record<string, () => Spec>> = Object.fromEntries(
  XEN_BUILTINS.map((name) => [name, () => xenSpec(name.slice("xen:".length) as Caller)]),
);
