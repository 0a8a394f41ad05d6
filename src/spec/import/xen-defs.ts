/**
 * Import Xen's xen/include/hypercall-defs.c (any version) into a Spec for one
 * caller column: the same table Xen's build turns into `call_handlers_<caller>`
 * with scripts/gen_hypercall.awk. The file is preprocessed with a chosen
 * define set (preprocess.ts), then read line by line with the awk's rules
 * (docs/import.md):
 *
 * - `prefix:` sets the prefixes of the prototype lines that follow;
 * - `caller:` enables a caller column; columns of callers never enabled are
 *   ignored, and so are `-` cells;
 * - `table:` names the columns; every later non-directive line is a row
 *   `name cell...`, a cell being `prefix[:priority]` or `-`;
 * - a cell of an enabled caller must name a prototype (name, prefix) seen
 *   before its row, and a priority in 1..99 (none = Xen's level 100).
 *
 * Like the awk, a directive, a caller or a prototype takes effect from its
 * line on: a row only sees what came before it. Everything but reading the
 * files is pure (`importXenDefsText`).
 */
import { readFileSync } from "node:fs";
import { LabError, usageError, type Problem } from "../../errors.js";
import { dataPath } from "../../paths.js";
import { ARM_DEFINES, cTypeToParam, X86_DEFINES } from "../builtin/xen.js";
import type { HandlerInput, SpecInput, ParamType, Spec } from "../types.js";
import { validateSpec } from "../validate.js";
import { preprocess, type SourceLine } from "./preprocess.js";

export interface XenImportOptions {
  /** The caller column to import: pv32, pv64, hvm32, hvm64, arm, or any caller the file declares. */
  caller: string;
  /** The define preset (XEN_PRESETS); default: DEFAULT_ARCH of the caller, else none. */
  arch?: "x86" | "arm";
  /** `NAME` or `NAME=VALUE`, added after the preset (`NAME` alone is 1, as with cc -D). */
  define?: string[];
  /** Names removed after the preset and the defines. */
  undefine?: string[];
  /** A file of hypercall numbers: `number,name` CSV or a C header (public/xen.h); default data/xen/hypercalls.csv. */
  numbers?: string;
}

export interface XenImportResult {
  spec: Spec;
  /** `FILE:LINE: ...` for what was guessed (unknown C types, taken as i64). */
  warnings: string[];
  /** What was decided without being asked: the defines, the callers enabled, the rows left out. */
  notes: string[];
}

/** The spec-argument form: `xen-defs:FILE#CALLER`. */
export const XEN_DEFS_PREFIX = "xen-defs:";

/**
 * The define presets. x86 is exactly the configuration the x86 built-ins
 * (xen:pv64, ...) model. arm is xen:arm's configuration plus CONFIG_ARM: the
 * built-in needs no CONFIG_ARM (no row condition names it), but the file
 * does, to enable `caller: arm` and the `dep` / `do_arm` prefixes.
 */
export const XEN_PRESETS: Readonly<Record<"x86" | "arm", readonly string[]>> = {
  x86: X86_DEFINES,
  arm: [...ARM_DEFINES, "CONFIG_ARM"],
};

/** The preset a caller gets without --arch; callers Xen does not have get none. */
export const DEFAULT_ARCH: Readonly<Record<string, "x86" | "arm">> = {
  pv32: "x86",
  pv64: "x86",
  hvm32: "x86",
  hvm64: "x86",
  arm: "arm",
};

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_PARAMS = 5;

/**
 * Fixed-width and plain C types cTypeToParam (the built-ins' table) does not
 * list but whose width is not a guess; real compat prototypes use int32_t.
 */
const STANDARD_TYPES: ReadonlyMap<string, ParamType> = new Map<string, ParamType>([
  ["int8_t", "i32"],
  ["int16_t", "i32"],
  ["int32_t", "i32"],
  ["uint8_t", "i32"],
  ["signed int", "i32"],
  ["unsigned char", "i32"],
  ["char", "i32"],
  ["bool", "i32"],
  ["int64_t", "i64"],
  ["long long", "i64"],
  ["unsigned long long", "i64"],
]);

// ---------------------------------------------------------------- arguments

/** `xen-defs:path/to/hypercall-defs.c#pv64` -> its file and caller (the last `#` separates them). */
export function parseXenDefsArg(arg: string): { file: string; caller: string } {
  const body = arg.startsWith(XEN_DEFS_PREFIX) ? arg.slice(XEN_DEFS_PREFIX.length) : undefined;
  const hash = body?.lastIndexOf("#") ?? -1;
  const file = body !== undefined && hash >= 0 ? body.slice(0, hash) : "";
  const caller = body !== undefined && hash >= 0 ? body.slice(hash + 1) : "";
  if (file === "" || !IDENT.test(caller)) {
    throw new LabError(
      "usage",
      [{ path: arg, message: `expected ${XEN_DEFS_PREFIX}FILE#CALLER, a hypercall-defs.c and the caller column to import` }],
      `e.g. ${XEN_DEFS_PREFIX}xen/include/hypercall-defs.c#pv64`,
    );
  }
  return { file, caller };
}

/** The define map the file is preprocessed with: preset, then --define, then --undefine. */
export function defineMap(options: XenImportOptions): Map<string, string> {
  const arch = options.arch ?? DEFAULT_ARCH[options.caller];
  if (options.arch !== undefined && !Object.hasOwn(XEN_PRESETS, options.arch)) {
    throw usageError(`--arch: "${String(options.arch)}" is not x86 or arm`);
  }
  const defines = new Map((arch ? XEN_PRESETS[arch] : []).map((name): [string, string] => [name, "1"]));
  for (const d of options.define ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/s.exec(d);
    if (!m) throw usageError(`--define: "${d}" is not NAME or NAME=VALUE`);
    defines.set(m[1]!, m[2] ?? "1");
  }
  for (const u of options.undefine ?? []) {
    if (!IDENT.test(u)) throw usageError(`--undefine: "${u}" is not a macro name`);
    defines.delete(u);
  }
  return defines;
}

// ------------------------------------------------------------------ numbers

/** A C integer as headers write it: decimal or hex, optional parentheses and U/L suffixes. */
function cInteger(text: string): number | undefined {
  const m = /^\(?\s*(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*\s*\)?$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** `number,name` rows (data/xen/hypercalls.csv's format). */
function csvNumbers(lines: readonly string[], file: string): { numbers: Map<string, number>; problems: Problem[] } {
  const numbers = new Map<string, number>();
  const problems: Problem[] = [];
  lines.forEach((raw, i) => {
    const text = raw.trim();
    if (i === 0 || text === "") return;
    const [num, name, ...rest] = text.split(",").map((c) => c.trim());
    const n = /^[0-9]+$/.test(num ?? "") ? Number(num) : NaN;
    if (rest.length > 0 || !IDENT.test(name ?? "") || !(n >= 0 && n <= 65535)) {
      problems.push({ path: `${file}:${i + 1}`, message: `expected "number,name" with number in 0..65535, got "${text}"` });
    } else numbers.set(name!, n);
  });
  return { numbers, problems };
}

/**
 * Every `#define __HYPERVISOR_name N` of a header. N may also name another
 * `__HYPERVISOR_*` (public/xen.h aliases, arch headers' `__HYPERVISOR_arch_0`);
 * values of any other form are not numbers and are skipped.
 */
function headerNumbers(lines: readonly string[]): Map<string, number> {
  const raw = new Map<string, string>();
  for (const line of lines) {
    const m = /^\s*#\s*define\s+__HYPERVISOR_([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/.exec(line);
    if (m) raw.set(m[1]!, m[2]!.replace(/\/\*.*?(\*\/|$)|\/\/.*$/g, "").trim());
  }
  const resolve = (name: string, depth: number): number | undefined => {
    const value = raw.get(name);
    if (value === undefined || depth > 10) return undefined;
    const alias = /^\(?\s*__HYPERVISOR_([A-Za-z_][A-Za-z0-9_]*)\s*\)?$/.exec(value);
    return alias ? resolve(alias[1]!, depth + 1) : cInteger(value);
  };
  const numbers = new Map<string, number>();
  for (const name of raw.keys()) {
    const n = resolve(name, 0);
    if (n !== undefined && n <= 65535) numbers.set(name, n);
  }
  return numbers;
}

/**
 * Hypercall numbers from a `--numbers` file's text: a CSV whose first line is
 * `number,name`, otherwise a C header read for `#define __HYPERVISOR_*`.
 */
export function parseNumbers(text: string, file: string): Map<string, number> {
  const lines = text.split(/\r?\n/);
  const first = lines.find((l) => l.trim() !== "")?.replace(/\s/g, "");
  if (first === "number,name") {
    const { numbers, problems } = csvNumbers(lines, file);
    if (problems.length > 0) throw new LabError("spec-invalid", problems, `fix ${file}: one "number,name" row per hypercall`);
    return numbers;
  }
  const numbers = headerNumbers(lines);
  if (numbers.size === 0) {
    throw new LabError(
      "spec-invalid",
      [{ path: file, message: 'neither a "number,name" CSV nor a header with "#define __HYPERVISOR_name N" lines' }],
      "pass data/xen/hypercalls.csv's format or Xen's xen/include/public/xen.h",
    );
  }
  return numbers;
}

/** Read a file for the importer; `missing` is the error code when it does not exist. */
function readInput(path: string, missing: "spec-not-found" | "io"): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new LabError(missing, [{ path, message: "no such file" }], "check the path");
    throw new LabError("io", [{ path, message: `cannot read: ${(e as Error).message}` }]);
  }
}

/** The numbers an import uses: `--numbers FILE`, else data/xen/hypercalls.csv. */
export function readNumbers(file?: string): Map<string, number> {
  const path = file ?? dataPath("xen", "hypercalls.csv");
  return parseNumbers(readInput(path, "io"), file ?? "data/xen/hypercalls.csv");
}

// ------------------------------------------------------------ the directives

export interface Prototype {
  name: string;
  prefixes: string[];
  /** Each parameter's C type, the declarator name dropped (`unsigned int *`). */
  types: string[];
  line: number;
}

export interface Row {
  name: string;
  cells: string[];
  line: number;
  /** Index into Defs.tables: the `table:` line this row belongs to. */
  table: number;
}

/** What the directive lines of a preprocessed file say, each with its line. */
export interface Defs {
  prototypes: Prototype[];
  /** Caller name -> the line of its first `caller:` (it is enabled for later rows). */
  callers: Map<string, number>;
  tables: { columns: string[]; line: number }[];
  rows: Row[];
}

/** Parse state: what has been read so far and every problem found. */
interface Reader {
  file: string;
  defs: Defs;
  /** Prefixes of the prototypes that follow (the last `prefix:` line). */
  prefixes: string[];
  /** Prefix -> the line that gave it a return type (explicit, or `long` by a `prefix:` line). */
  rettypes: Map<string, number>;
  /** `name prefix` -> the line of its prototype, to find duplicates. */
  seen: Map<string, number>;
  problems: Problem[];
}

const problem = (r: Reader, line: number, message: string): void => {
  r.problems.push({ path: `${r.file}:${line}`, message });
};

/** `unsigned int *pdone` -> `unsigned int *`; undefined when the type or the name is missing (the awk's rule). */
function paramType(decl: string): string | undefined {
  const pointer = decl.includes("*");
  const words = decl.replace(/\*/g, " ").trim().split(/\s+/);
  if (words.length < 2 || !IDENT.test(words[words.length - 1]!)) return undefined;
  return words.slice(0, -1).join(" ") + (pointer ? " *" : "");
}

function prototypeLine(r: Reader, line: number, text: string): void {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)$/.exec(text);
  if (!m) return problem(r, line, `not a prototype line: "${text}" (expected name(type a, type *b, ...))`);
  const name = m[1]!;
  const list = m[2]!;
  const decls = list.trim() === "" ? [] : list.split(",");
  if (decls.length > MAX_PARAMS) return problem(r, line, `${name} has ${decls.length} parameters; at most ${MAX_PARAMS} are allowed`);
  const types: string[] = [];
  for (const decl of decls) {
    const type = paramType(decl);
    if (type === undefined) return problem(r, line, `parameter "${decl.trim()}" of ${name} has no type or no name`);
    types.push(type);
  }
  for (const prefix of r.prefixes) {
    const first = r.seen.get(`${name} ${prefix}`);
    if (first !== undefined) problem(r, line, `duplicate prototype for ${name} with prefix ${prefix} (first at line ${first})`);
    else r.seen.set(`${name} ${prefix}`, line);
  }
  r.defs.prototypes.push({ name, prefixes: [...r.prefixes], types, line });
}

function rettypeLine(r: Reader, line: number, args: string[]): void {
  const prefix = args[0];
  if (prefix === undefined || args.length < 2) return problem(r, line, '"rettype:" needs a prefix and a type');
  const first = r.rettypes.get(prefix);
  if (first !== undefined)
    return problem(r, line, `the return type of prefix ${prefix} is already set (line ${first}); set it once, before any "prefix:" line uses it`);
  r.rettypes.set(prefix, line);
}

function prefixLine(r: Reader, line: number, args: string[]): void {
  r.prefixes = args;
  // An unset return type defaults to long here, so a later rettype: is too late (the awk's rule).
  for (const p of args) if (!r.rettypes.has(p)) r.rettypes.set(p, line);
}

/** A `name:` line. Returns false when it is not a directive. */
function directiveLine(r: Reader, line: number, text: string): boolean {
  const m = /^([A-Za-z_][A-Za-z0-9_-]*):(?:\s+(.*))?$/.exec(text);
  if (!m) return false;
  const args = (m[2] ?? "").split(/\s+/).filter((a) => a !== "");
  switch (m[1]) {
    case "rettype":
      rettypeLine(r, line, args);
      break;
    case "prefix":
      prefixLine(r, line, args);
      break;
    case "handle": // guest-handle spellings: every pointer is an i64 here, whatever its handle type
      if (args.length < 2) problem(r, line, '"handle:" needs a handle type and a C type');
      break;
    case "defhandle":
      if (args.length < 1) problem(r, line, '"defhandle:" needs a handle type');
      break;
    case "caller":
      if (args.length !== 1 || !IDENT.test(args[0]!)) problem(r, line, '"caller:" needs one caller name');
      else if (!r.defs.callers.has(args[0]!)) r.defs.callers.set(args[0]!, line);
      break;
    case "table":
      if (args.length === 0) problem(r, line, '"table:" needs at least one caller');
      r.defs.tables.push({ columns: args, line });
      break;
    default:
      problem(r, line, `unknown directive "${m[1]}:"`);
  }
  return true;
}

function tableRow(r: Reader, line: number, text: string): void {
  const [name, ...cells] = text.split(/\s+/);
  if (!IDENT.test(name ?? "")) return problem(r, line, `table row "${text}" does not start with a hypercall name`);
  const table = r.defs.tables.length - 1;
  const columns = r.defs.tables[table]!.columns.length;
  if (cells.length !== columns) return problem(r, line, `table row has ${cells.length} cells, the table has ${columns} callers`);
  r.defs.rows.push({ name: name!, cells, line, table });
}

/**
 * Read the directive lines of a preprocessed file. Like the awk, a line that
 * is not a directive is a prototype before the first `table:` and a table
 * row after it.
 */
export function parseDefs(lines: readonly SourceLine[], file: string): { defs: Defs; problems: Problem[] } {
  const r: Reader = {
    file,
    defs: { prototypes: [], callers: new Map(), tables: [], rows: [] },
    prefixes: [],
    rettypes: new Map(),
    seen: new Map(),
    problems: [],
  };
  for (const { text, line } of lines) {
    if (directiveLine(r, line, text)) continue;
    if (r.defs.tables.length > 0) tableRow(r, line, text);
    else prototypeLine(r, line, text);
  }
  return { defs: r.defs, problems: r.problems };
}

// ------------------------------------------------------------- the handlers

/** A cell `prefix[:priority]`; priority undefined = none (Xen's level 100). */
function parseCell(cell: string): { prefix: string; priority: number | undefined } | string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::([0-9]+))?$/.exec(cell);
  if (!m) return `cell "${cell}" is not prefix[:priority] or -`;
  const priority = m[2] === undefined ? undefined : Number(m[2]);
  if (priority !== undefined && (priority < 1 || priority > 99)) return `priority ${priority} outside 1..99`;
  return { prefix: m[1]!, priority };
}

/** The prototype a row's cell calls: same name, listed under that prefix, before the row. */
const findPrototype = (defs: Defs, name: string, prefix: string, before: number): Prototype | undefined =>
  defs.prototypes.find((p) => p.name === name && p.line < before && p.prefixes.includes(prefix));

const enabledAt = (defs: Defs, caller: string, line: number): boolean => (defs.callers.get(caller) ?? Infinity) < line;

/** What the import collects while walking the rows. */
interface Build {
  file: string;
  caller: string;
  numbers: ReadonlyMap<string, number>;
  handlers: (HandlerInput & { line: number })[];
  skipped: string[];
  warnings: string[];
  problems: Problem[];
}

function mapParams(b: Build, proto: Prototype): ParamType[] {
  return proto.types.map((type) => {
    const known =
      cTypeToParam(type) ??
      STANDARD_TYPES.get(
        type
          .split(/\s+/)
          .filter((w) => w !== "const")
          .join(" "),
      );
    if (known) return known;
    const warning = `${b.file}:${proto.line}: unknown type "${type}" in ${proto.name}, taken as i64`;
    if (!b.warnings.includes(warning)) b.warnings.push(warning);
    return "i64";
  });
}

/** One cell of one enabled column; for the imported caller's column, also its handler. */
function visitCell(b: Build, defs: Defs, row: Row, column: string, cell: string): void {
  if (cell === "-") {
    if (column === b.caller) b.skipped.push(row.name);
    return;
  }
  const at = `${b.file}:${row.line}`;
  const parsed = parseCell(cell);
  if (typeof parsed === "string") return void b.problems.push({ path: at, message: parsed });
  const proto = findPrototype(defs, row.name, parsed.prefix, row.line);
  if (!proto) return void b.problems.push({ path: at, message: `no prototype for hypercall ${row.name} with prefix ${parsed.prefix}` });
  if (column !== b.caller) return;
  const id = b.numbers.get(row.name);
  if (id === undefined) return void b.problems.push({ path: at, message: `hypercall ${row.name} has no known number (add it to --numbers)` });
  const params = mapParams(b, proto);
  b.handlers.push({ id, name: row.name, ...(parsed.priority !== undefined && { priority: parsed.priority }), params, line: row.line });
}

/** Two rows for one hypercall, or two hypercalls with one number: duplicate `case` labels in Xen's C. */
function conflicts(b: Build): Problem[] {
  const problems: Problem[] = [];
  b.handlers.forEach((h, i) => {
    const other = b.handlers.slice(0, i).find((o) => o.name === h.name || o.id === h.id);
    if (!other) return;
    const what = other.name === h.name ? `hypercall ${h.name} already has a row` : `hypercall ${h.name} has number ${h.id}, as has ${other.name}`;
    problems.push({ path: `${b.file}:${h.line}`, message: `${what} for caller ${b.caller} (line ${other.line})` });
  });
  return problems;
}

/** Whether the caller can be imported at all: a column of a table, and enabled by a `caller:` line. */
function callerProblem(defs: Defs, file: string, caller: string, text: string): Problem | undefined {
  const last = defs.tables[defs.tables.length - 1];
  if (!last) return { path: file, message: 'no "table:" line (the hypercall table starts with "table: <caller> ...")' };
  if (!defs.tables.some((t) => t.columns.includes(caller))) {
    return { path: `${file}:${last.line}`, message: `caller ${caller} is not a column of the table (columns: ${last.columns.join(", ")})` };
  }
  if (defs.callers.has(caller)) return undefined;
  const raw = text.split(/\r?\n/).findIndex((l) => new RegExp(`^\\s*caller:\\s*${caller}\\s*$`).test(l));
  if (raw >= 0) {
    return { path: `${file}:${raw + 1}`, message: `caller ${caller} is not enabled (its \`caller:\` line is inside a disabled #if)` };
  }
  return { path: `${file}:${last.line}`, message: `caller ${caller} is not enabled (no "caller: ${caller}" line)` };
}

/**
 * Import hypercall-defs.c text (named `file` in messages) for one caller,
 * with `numbers` for the ids. Pure. Throws LabError("spec-invalid") listing
 * every problem at `FILE:LINE` (or "usage" for bad options).
 */
export function importXenDefsText(text: string, file: string, options: XenImportOptions, numbers: ReadonlyMap<string, number>): XenImportResult {
  const { caller } = options;
  if (!IDENT.test(caller)) throw usageError(`caller "${caller}" is not a name`);
  const defines = defineMap(options);
  const { lines } = preprocess(text, file, defines);
  const { defs, problems } = parseDefs(lines, file);
  const fix = `fix ${file}, or the defines it is read with (docs/import.md)`;
  const bad = callerProblem(defs, file, caller, text);
  if (bad) throw new LabError("spec-invalid", byLine([...problems, bad]), `${fix}; --arch, --define or another caller may enable it`);
  const b: Build = { file, caller, numbers, handlers: [], skipped: [], warnings: [], problems };
  for (const row of defs.rows) {
    const columns = defs.tables[row.table]!.columns;
    columns.forEach((column, c) => {
      if (enabledAt(defs, column, row.line)) visitCell(b, defs, row, column, row.cells[c]!);
    });
  }
  b.problems.push(...conflicts(b));
  if (b.problems.length > 0) throw new LabError("spec-invalid", byLine(b.problems), fix);
  const handlers = b.handlers.map(({ line: _, ...h }) => h);
  const input: SpecInput = { name: `xen-defs-${caller}`, args: MAX_PARAMS, fallback: -38, handlers };
  const spec = validateSpec(input, `${XEN_DEFS_PREFIX}${file}#${caller}`);
  return { spec, warnings: b.warnings, notes: notesOf(defs, defines, options, b) };
}

/**
 * Problems in file order (the parse and the row walk find them in two
 * passes), each once: a row wrong for several callers is one problem.
 */
const byLine = (problems: readonly Problem[]): Problem[] =>
  problems
    .filter((p, i) => problems.findIndex((q) => q.path === p.path && q.message === p.message) === i)
    .map((p, i) => ({ p, i, line: Number(/:(\d+)$/.exec(p.path)?.[1] ?? 0) }))
    .sort((a, b) => a.line - b.line || a.i - b.i)
    .map(({ p }) => p);

function notesOf(defs: Defs, defines: ReadonlyMap<string, string>, options: XenImportOptions, b: Build): string[] {
  const arch = options.arch ?? DEFAULT_ARCH[options.caller];
  const enabled = [...defs.callers.keys()];
  const ignored = [...new Set(defs.tables.flatMap((t) => t.columns))].filter((c) => !defs.callers.has(c));
  const notes = [
    `defines (${arch ? `preset ${arch}` : "no preset"}): ${[...defines.keys()].join(", ") || "none"}`,
    `callers enabled: ${enabled.join(", ")}${ignored.length > 0 ? `; columns ignored (no active caller: line): ${ignored.join(", ")}` : ""}`,
  ];
  if (b.skipped.length > 0) notes.push(`not callable by ${b.caller} ("-"): ${b.skipped.join(", ")}`);
  return notes;
}

/**
 * Import a hypercall-defs.c file for one caller (docs/import.md). Throws
 * LabError: spec-not-found (no such file), io (unreadable, or a missing
 * --numbers file), spec-invalid (every problem of the file, at FILE:LINE),
 * usage (bad options).
 */
export function importXenDefs(file: string, options: XenImportOptions): XenImportResult {
  const text = readInput(file, "spec-not-found");
  return importXenDefsText(text, file, options, readNumbers(options.numbers));
}
