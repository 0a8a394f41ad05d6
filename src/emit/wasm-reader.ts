/**
 * A small WebAssembly binary reader, written without binaryen on purpose.
 *
 * Why: we emit modules with binaryen and then audit the final bytes ("is the
 * `dispatch` export really one call_indirect, or a br_table over N labels?").
 * Asking binaryen to check its own output would hide binaryen's own rewrites
 * (and our misuse of its optimizer), so the audit reads the binary itself.
 *
 * Scope: enough of the binary format (spec chapter 5, "Binary Format") to
 *   - walk every section and map function indices to export names
 *     (imported functions take the first indices, then defined ones in
 *     function-section order);
 *   - find each defined function's body in the code section;
 *   - decode every instruction of a body with its immediates, so that
 *     opcode counts are exact (a wrongly sized immediate would desync the
 *     stream, which is why we never "guess" and throw on unknown opcodes).
 * Covered: MVP, sign-extension, saturating truncation, bulk memory,
 * reference types, multi-value block types, tail calls, multi-memory
 * memargs, memory64 offsets and the function-references call/br ops.
 * Not covered (throws): SIMD (0xFD), threads (0xFE), GC (0xFB) and the
 * exception-handling opcodes. The caller only audits functions it generated.
 *
 * All offsets in errors are absolute byte offsets into the module.
 */

// ---------------------------------------------------------------------------
// Public types

export type ExportKind = "func" | "table" | "memory" | "global" | "tag";

export interface WasmExport {
  name: string;
  kind: ExportKind;
  index: number;
}

/** Instruction counts keyed by the spec's text-format name ("br_if", "i32.eq"). */
export type OpcodeCounts = Record<string, number>;

/**
 * One decoded instruction. `immediates` holds the decoded operands in binary
 * order: indices and labels as numbers, i64.const as a bigint, f32/f64 consts
 * as numbers; a block type is its s33 value (-64 = empty, -1 = i32, ...,
 * >= 0 = type index); a memarg is [alignLog2, offset, memoryIndex].
 */
export interface Instruction {
  name: string;
  /** Absolute byte offset of the opcode in the module. */
  offset: number;
  immediates: (number | bigint)[];
}

/** Every malformed or unsupported input, or a bad export lookup, raises this. */
export class WasmReadError extends Error {
  /** Absolute byte offset of the problem; undefined for lookup errors (a missing export). */
  readonly offset: number | undefined;
  constructor(message: string, offset?: number) {
    super(offset === undefined ? message : `${message} (at byte offset ${offset})`);
    this.name = "WasmReadError";
    this.offset = offset;
  }
}

// ---------------------------------------------------------------------------
// Byte reader: LEB128 integers, floats, names.

const utf8 = new TextDecoder("utf-8", { fatal: true });

class ByteReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string, at: number = this.pos): never {
    throw new WasmReadError(message, at);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail("unexpected end of data");
    return this.bytes[this.pos++]!;
  }

  /** Advance past `n` bytes, returning where they started. */
  skip(n: number): number {
    const at = this.pos;
    if (n < 0 || at + n > this.end) this.fail(`length ${n} runs past the end of its container`);
    this.pos += n;
    return at;
  }

  /**
   * Unsigned LEB128 of at most 32 bits (at most 5 bytes). Plain numbers are
   * exact here (35 bits at most), so this hot path avoids BigInt. Checking
   * the final value's range also rejects garbage in the unused high bits.
   */
  u32(): number {
    const at = this.pos;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) this.fail("u32 LEB128 out of range", at);
        return result;
      }
    }
    return this.fail("u32 LEB128 longer than 5 bytes", at);
  }

  /** Signed LEB128 of `bits` <= 33 bits (s32 for i32.const, s33 for block types). */
  sSmall(bits: 32 | 33): number {
    const at = this.pos;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        // Bit 6 of the last byte is the sign: sign-extend from shift + 7 bits.
        if (b & 0x40) result -= 2 ** (shift + 7);
        const limit = 2 ** (bits - 1);
        if (result < -limit || result >= limit) this.fail(`s${bits} LEB128 out of range`, at);
        return result;
      }
    }
    return this.fail(`s${bits} LEB128 longer than 5 bytes`, at);
  }

  /** LEB128 of 64 bits (at most 10 bytes), as a bigint: i64.const and memory64 offsets. */
  big64(signed: boolean): bigint {
    const at = this.pos;
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.u8();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        if (signed && b & 0x40) result -= 1n << (shift + 7n);
        const ok = signed ? BigInt.asIntN(64, result) === result : BigInt.asUintN(64, result) === result;
        if (!ok) this.fail(`${signed ? "s" : "u"}64 LEB128 out of range`, at);
        return result;
      }
    }
    return this.fail("64-bit LEB128 longer than 10 bytes", at);
  }

  /** IEEE 754 little-endian float of 4 or 8 bytes. */
  float(size: 4 | 8): number {
    const at = this.skip(size);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + at, size);
    return size === 4 ? view.getFloat32(0, true) : view.getFloat64(0, true);
  }

  /** name ::= vec(byte) holding UTF-8. */
  name(): string {
    const len = this.u32();
    const at = this.skip(len);
    try {
      return utf8.decode(this.bytes.subarray(at, at + len));
    } catch {
      return this.fail("name is not valid UTF-8", at);
    }
  }
}

// ---------------------------------------------------------------------------
// Types: value types, heap types, limits (needed to step over imports).

/** Reference-type shorthands 0x69..0x74 (exn .. noexn, incl. funcref 0x70, externref 0x6F). */
const isRefShorthand = (b: number): boolean => b >= 0x69 && b <= 0x74;
/** Numeric and vector types: i32 0x7F, i64 0x7E, f32 0x7D, f64 0x7C, v128 0x7B. */
const isNumOrVec = (b: number): boolean => b >= 0x7b && b <= 0x7f;

/**
 * A value type; returns its codes (for immediates). `(ref ht)` 0x64 and
 * `(ref null ht)` 0x63 are followed by a heap type (an s33: a negative
 * shorthand or a type index).
 */
function readValType(r: ByteReader): number[] {
  const at = r.pos;
  const b = r.u8();
  if (isNumOrVec(b) || isRefShorthand(b)) return [b];
  if (b === 0x63 || b === 0x64) return [b, r.sSmall(33)];
  return r.fail(`unknown value type 0x${hex(b)}`, at);
}

/**
 * Limits: a flags byte (bit 0: has max, bit 1: shared, bit 2: 64-bit
 * indices so min/max are u64, bit 3: custom page size log2 follows).
 */
function skipLimits(r: ByteReader): void {
  const at = r.pos;
  const flags = r.u8();
  if (flags & ~0x0f) r.fail(`unknown limits flags 0x${hex(flags)}`, at);
  const readBound = (): unknown => (flags & 0x04 ? r.big64(false) : r.u32());
  readBound();
  if (flags & 0x01) readBound();
  if (flags & 0x08) r.u32();
}

/** Block type: 0x40 (empty), a value type, or a non-negative s33 type index. */
function readBlockType(r: ByteReader): number[] {
  const at = r.pos;
  const b = r.bytes[r.pos];
  if (b === 0x63 || b === 0x64) return readValType(r);
  // One byte in 0x40..0x7F is a negative s33: 0x40 = -64 = empty, 0x7F = -1 = i32.
  const value = r.sSmall(33);
  if (value < 0 && value !== -64 && !isNumOrVec(value + 0x80) && !isRefShorthand(value + 0x80)) {
    r.fail(`unknown block type 0x${hex(value + 0x80)}`, at);
  }
  return [value];
}

// ---------------------------------------------------------------------------
// Opcode tables.

/** How an opcode's immediates are laid out in the binary. */
type Imm =
  | "none"
  | "block" // block type
  | "idx" // one u32: label, function, local, global, table, memory, type, data or elem index
  | "idx2" // two u32s: call_indirect (type, table), memory.copy, table.init, ...
  | "br_table" // vec(label) then default label
  | "select_t" // vec(valtype)
  | "memarg" // align (bit 6: memory index follows), [memidx], offset
  | "heaptype" // s33
  | "i32"
  | "i64"
  | "f32"
  | "f64";

interface OpInfo {
  name: string;
  imm: Imm;
}

const hex = (n: number): string => n.toString(16).padStart(2, "0");

const I_CMP = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"];
const F_CMP = ["eq", "ne", "lt", "gt", "le", "ge"];
const I_ARITH = ["clz", "ctz", "popcnt", "add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr"];
const F_ARITH = ["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt", "add", "sub", "mul", "div", "min", "max", "copysign"];
/** 0xA7..0xBF conversions, then 0xC0..0xC4 sign extension (spec order). */
const CONVERSIONS = [
  "i32.wrap_i64",
  "i32.trunc_f32_s",
  "i32.trunc_f32_u",
  "i32.trunc_f64_s",
  "i32.trunc_f64_u",
  "i64.extend_i32_s",
  "i64.extend_i32_u",
  "i64.trunc_f32_s",
  "i64.trunc_f32_u",
  "i64.trunc_f64_s",
  "i64.trunc_f64_u",
  "f32.convert_i32_s",
  "f32.convert_i32_u",
  "f32.convert_i64_s",
  "f32.convert_i64_u",
  "f32.demote_f64",
  "f64.convert_i32_s",
  "f64.convert_i32_u",
  "f64.convert_i64_s",
  "f64.convert_i64_u",
  "f64.promote_f32",
  "i32.reinterpret_f32",
  "i64.reinterpret_f64",
  "f32.reinterpret_i32",
  "f64.reinterpret_i64",
  "i32.extend8_s",
  "i32.extend16_s",
  "i64.extend8_s",
  "i64.extend16_s",
  "i64.extend32_s",
];
const prefixed = (type: string, ops: string[]): string[] => ops.map((op) => `${type}.${op}`);

/** Names of the immediate-free numeric opcodes 0x45..0xC4, in opcode order. */
const NUMERIC: string[] = [
  "i32.eqz",
  ...prefixed("i32", I_CMP),
  "i64.eqz",
  ...prefixed("i64", I_CMP),
  ...prefixed("f32", F_CMP),
  ...prefixed("f64", F_CMP),
  ...prefixed("i32", I_ARITH),
  ...prefixed("i64", I_ARITH),
  ...prefixed("f32", F_ARITH),
  ...prefixed("f64", F_ARITH),
  ...CONVERSIONS,
];

/** Loads and stores 0x28..0x3E; all take a memarg. */
const MEMORY_ACCESS = [
  "i32.load",
  "i64.load",
  "f32.load",
  "f64.load",
  "i32.load8_s",
  "i32.load8_u",
  "i32.load16_s",
  "i32.load16_u",
  "i64.load8_s",
  "i64.load8_u",
  "i64.load16_s",
  "i64.load16_u",
  "i64.load32_s",
  "i64.load32_u",
  "i32.store",
  "i64.store",
  "f32.store",
  "f64.store",
  "i32.store8",
  "i32.store16",
  "i64.store8",
  "i64.store16",
  "i64.store32",
];

/** Single-byte opcodes other than the two generated ranges above. */
const SINGLE: [number, string, Imm][] = [
  [0x00, "unreachable", "none"],
  [0x01, "nop", "none"],
  [0x02, "block", "block"],
  [0x03, "loop", "block"],
  [0x04, "if", "block"],
  [0x05, "else", "none"],
  [0x0b, "end", "none"],
  [0x0c, "br", "idx"],
  [0x0d, "br_if", "idx"],
  [0x0e, "br_table", "br_table"],
  [0x0f, "return", "none"],
  [0x10, "call", "idx"],
  [0x11, "call_indirect", "idx2"],
  [0x12, "return_call", "idx"],
  [0x13, "return_call_indirect", "idx2"],
  [0x14, "call_ref", "idx"],
  [0x15, "return_call_ref", "idx"],
  [0x1a, "drop", "none"],
  [0x1b, "select", "none"],
  [0x1c, "select", "select_t"],
  [0x20, "local.get", "idx"],
  [0x21, "local.set", "idx"],
  [0x22, "local.tee", "idx"],
  [0x23, "global.get", "idx"],
  [0x24, "global.set", "idx"],
  [0x25, "table.get", "idx"],
  [0x26, "table.set", "idx"],
  // memory.size/grow: MVP wrote a reserved 0x00 byte; multi-memory reads it as a u32 memory index.
  [0x3f, "memory.size", "idx"],
  [0x40, "memory.grow", "idx"],
  [0x41, "i32.const", "i32"],
  [0x42, "i64.const", "i64"],
  [0x43, "f32.const", "f32"],
  [0x44, "f64.const", "f64"],
  [0xd0, "ref.null", "heaptype"],
  [0xd1, "ref.is_null", "none"],
  [0xd2, "ref.func", "idx"],
  [0xd3, "ref.eq", "none"],
  [0xd4, "ref.as_non_null", "none"],
  [0xd5, "br_on_null", "idx"],
  [0xd6, "br_on_non_null", "idx"],
];

/** 0xFC prefix: a u32 sub-opcode follows. */
const FC_OPS: OpInfo[] = [
  ...["i32.trunc_sat_f32_s", "i32.trunc_sat_f32_u", "i32.trunc_sat_f64_s", "i32.trunc_sat_f64_u"],
  ...["i64.trunc_sat_f32_s", "i64.trunc_sat_f32_u", "i64.trunc_sat_f64_s", "i64.trunc_sat_f64_u"],
].map((name): OpInfo => ({ name, imm: "none" }));
FC_OPS.push(
  { name: "memory.init", imm: "idx2" }, // 8: data index, memory index
  { name: "data.drop", imm: "idx" }, // 9: data index
  { name: "memory.copy", imm: "idx2" }, // 10: destination memory, source memory
  { name: "memory.fill", imm: "idx" }, // 11: memory index
  { name: "table.init", imm: "idx2" }, // 12: elem index, table index
  { name: "elem.drop", imm: "idx" }, // 13: elem index
  { name: "table.copy", imm: "idx2" }, // 14: destination table, source table
  { name: "table.grow", imm: "idx" }, // 15
  { name: "table.size", imm: "idx" }, // 16
  { name: "table.fill", imm: "idx" }, // 17
);

const PREFIX_NAMES: Record<number, string> = { 251: "GC", 253: "SIMD", 254: "threads" };

function buildSingleByteTable(): (OpInfo | undefined)[] {
  const table: (OpInfo | undefined)[] = new Array(256).fill(undefined);
  const add = (op: number, name: string, imm: Imm): void => {
    if (table[op]) throw new Error(`wasm-reader: opcode 0x${hex(op)} defined twice`);
    table[op] = { name, imm };
  };
  for (const [op, name, imm] of SINGLE) add(op, name, imm);
  MEMORY_ACCESS.forEach((name, i) => add(0x28 + i, name, "memarg"));
  NUMERIC.forEach((name, i) => add(0x45 + i, name, "none"));
  return table;
}

const OPS = buildSingleByteTable();
// Guard the generated ranges against an edit that shifts every later name.
if (NUMERIC.length !== 0xc4 - 0x45 + 1 || MEMORY_ACCESS.length !== 0x3e - 0x28 + 1) {
  throw new Error("wasm-reader: opcode tables are misaligned");
}

// ---------------------------------------------------------------------------
// Instruction decoding.

function readImmediates(r: ByteReader, imm: Imm): (number | bigint)[] {
  switch (imm) {
    case "none":
      return [];
    case "block":
      return readBlockType(r);
    case "idx":
      return [r.u32()];
    case "idx2":
      return [r.u32(), r.u32()];
    case "br_table":
      return readBrTable(r);
    case "select_t":
      return readSelectTypes(r);
    case "memarg":
      return readMemarg(r);
    case "heaptype":
      return [r.sSmall(33)];
    case "i32":
      return [r.sSmall(32)];
    case "i64":
      return [r.big64(true)];
    case "f32":
      return [r.float(4)];
    case "f64":
      return [r.float(8)];
  }
}

/** br_table: vec(labelidx) then the default labelidx; immediates = [...labels, default]. */
function readBrTable(r: ByteReader): number[] {
  const count = r.u32();
  const labels: number[] = [];
  for (let i = 0; i <= count; i++) labels.push(r.u32());
  return labels;
}

function readSelectTypes(r: ByteReader): number[] {
  const count = r.u32();
  const codes: number[] = [];
  for (let i = 0; i < count; i++) codes.push(...readValType(r));
  return codes;
}

/**
 * memarg ::= align:u32 offset:u64. Multi-memory sets bit 6 of `align` to say a
 * memory index follows the align field (before the offset). Offsets are u32
 * in wasm32 but u64 with memory64, so read 64 bits and narrow when safe.
 */
function readMemarg(r: ByteReader): (number | bigint)[] {
  const at = r.pos;
  const flags = r.u32();
  const memory = flags & 0x40 ? r.u32() : 0;
  const align = flags & ~0x40;
  if (align >= 64) r.fail(`memarg alignment flags 0x${flags.toString(16)} out of range`, at);
  const offset = r.big64(false);
  const narrowed = offset <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(offset) : offset;
  return [align, narrowed, memory];
}

function readInstruction(r: ByteReader): Instruction {
  const offset = r.pos;
  const op = r.u8();
  let info = OPS[op];
  if (op === 0xfc) {
    const sub = r.u32();
    info = FC_OPS[sub];
    if (!info) r.fail(`unknown opcode 0xfc ${sub}`, offset);
  } else if (!info) {
    const what = PREFIX_NAMES[op] ? ` (${PREFIX_NAMES[op]} prefix, not supported)` : "";
    r.fail(`unknown opcode 0x${hex(op)}${what}`, offset);
  }
  return { name: info.name, offset, immediates: readImmediates(r, info.imm) };
}

/** locals ::= vec(count:u32 valtype); the spec caps the total at 2^32 - 1. */
function skipLocals(r: ByteReader): void {
  const groups = r.u32();
  let total = 0;
  for (let i = 0; i < groups; i++) {
    const at = r.pos;
    total += r.u32();
    if (total > 0xffffffff) r.fail("too many locals", at);
    readValType(r);
  }
}

/**
 * A code entry: locals, then an expression ending in the `end` that closes
 * the function's implicit block. Nesting is tracked (block/loop/if open,
 * `end` closes) so that this final `end` must land exactly on the last byte.
 */
function decodeBody(bytes: Uint8Array, body: BodyRange): Instruction[] {
  const r = new ByteReader(bytes, body.start, body.end);
  skipLocals(r);
  const out: Instruction[] = [];
  let depth = 1;
  while (depth > 0) {
    if (r.atEnd()) r.fail("function body ends before its final end");
    const ins = readInstruction(r);
    out.push(ins);
    if (ins.name === "block" || ins.name === "loop" || ins.name === "if") depth++;
    else if (ins.name === "end") depth--;
  }
  if (!r.atEnd()) r.fail("bytes after the function's final end");
  return out;
}

// ---------------------------------------------------------------------------
// Module structure.

/** Byte range of one code entry (locals + expression), excluding its size prefix. */
interface BodyRange {
  start: number;
  end: number;
}

interface ModuleInfo {
  importedFuncs: number;
  /** Type index of each defined function (function section). */
  funcTypes: number[];
  exports: WasmExport[];
  bodies: BodyRange[];
}

const SECTION = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  datacount: 12,
  tag: 13,
} as const;

const EXPORT_KINDS: ExportKind[] = ["func", "table", "memory", "global", "tag"];

/** Counts imported functions; steps over every other import's descriptor. */
function readImports(r: ByteReader): number {
  let funcs = 0;
  const count = r.u32();
  for (let i = 0; i < count; i++) {
    r.name(); // module
    r.name(); // field
    const at = r.pos;
    const kind = r.u8();
    if (kind === 0x00) {
      r.u32(); // type index
      funcs++;
    } else if (kind === 0x01) {
      readValType(r); // table element reftype
      skipLimits(r);
    } else if (kind === 0x02) {
      skipLimits(r);
    } else if (kind === 0x03) {
      readValType(r);
      r.u8(); // mutability
    } else if (kind === 0x04) {
      r.u8(); // tag attribute (0 = exception)
      r.u32(); // type index
    } else {
      r.fail(`unknown import kind 0x${hex(kind)}`, at);
    }
  }
  return funcs;
}

function readFunctionSection(r: ByteReader): number[] {
  const count = r.u32();
  const types: number[] = [];
  for (let i = 0; i < count; i++) types.push(r.u32());
  return types;
}

function readExportSection(r: ByteReader): WasmExport[] {
  const count = r.u32();
  const out: WasmExport[] = [];
  for (let i = 0; i < count; i++) {
    const name = r.name();
    const at = r.pos;
    const kind = EXPORT_KINDS[r.u8()];
    if (!kind) r.fail(`unknown export kind 0x${hex(r.bytes[at]!)}`, at);
    out.push({ name, kind, index: r.u32() });
  }
  return out;
}

/** code ::= vec(size:u32 func); record each func's range, decode nothing yet. */
function readCodeSection(r: ByteReader): BodyRange[] {
  const count = r.u32();
  const out: BodyRange[] = [];
  for (let i = 0; i < count; i++) {
    const size = r.u32();
    const start = r.skip(size);
    out.push({ start, end: start + size });
  }
  return out;
}

/** Magic "\0asm" then version 1 (little-endian u32). Components use another version/layer. */
function readHeader(r: ByteReader): void {
  const magic = [0x00, 0x61, 0x73, 0x6d];
  for (const m of magic) if (r.u8() !== m) r.fail("not a WebAssembly module (bad magic)", 0);
  const version = r.u8() | (r.u8() << 8) | (r.u8() << 16) | (r.u8() << 24);
  if (version !== 1) r.fail(`unsupported binary version ${version}`, 4);
}

/**
 * Walks the sections. Each is id:byte size:u32 payload; sections we do not
 * need (type, table, memory, global, start, element, data, datacount, tag,
 * custom) are skipped by size. Non-custom sections may appear at most once.
 */
function parseModule(bytes: Uint8Array): ModuleInfo {
  const r = new ByteReader(bytes, 0, bytes.length);
  readHeader(r);
  const info: ModuleInfo = { importedFuncs: 0, funcTypes: [], exports: [], bodies: [] };
  const seen = new Set<number>();
  while (!r.atEnd()) {
    const at = r.pos;
    const id = r.u8();
    const size = r.u32();
    const start = r.skip(size);
    if (id > SECTION.tag) r.fail(`unknown section id ${id}`, at);
    if (id !== SECTION.custom && seen.has(id)) r.fail(`duplicate section id ${id}`, at);
    seen.add(id);
    readSection(new ByteReader(bytes, start, start + size), id, info);
  }
  if (info.funcTypes.length !== info.bodies.length) {
    r.fail(`function section declares ${info.funcTypes.length} functions but code section has ${info.bodies.length}`);
  }
  return info;
}

function readSection(s: ByteReader, id: number, info: ModuleInfo): void {
  if (id === SECTION.import) info.importedFuncs = readImports(s);
  else if (id === SECTION.function) info.funcTypes = readFunctionSection(s);
  else if (id === SECTION.export) info.exports = readExportSection(s);
  else if (id === SECTION.code) info.bodies = readCodeSection(s);
  else return; // skipped by size
  if (!s.atEnd()) s.fail(`section ${id} has trailing bytes`);
}

/** The body of the function exported as `name`; throws if it is not a defined function. */
function exportedBody(info: ModuleInfo, name: string): BodyRange {
  const exp = info.exports.find((e) => e.name === name);
  if (!exp) {
    const funcs = info.exports.filter((e) => e.kind === "func").map((e) => e.name);
    throw new WasmReadError(`no export named "${name}" (function exports: ${funcs.join(", ") || "none"})`);
  }
  if (exp.kind !== "func") throw new WasmReadError(`export "${name}" is a ${exp.kind}, not a function`);
  if (exp.index < info.importedFuncs) {
    throw new WasmReadError(`export "${name}" is imported function ${exp.index}; it has no body`);
  }
  const body = info.bodies[exp.index - info.importedFuncs];
  if (!body) throw new WasmReadError(`export "${name}" names function ${exp.index}, which does not exist`);
  return body;
}

function countInstructions(instructions: Instruction[]): OpcodeCounts {
  const counts: OpcodeCounts = {};
  for (const { name } of instructions) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

// ---------------------------------------------------------------------------
// Public API.

/** The module's exports in export-section order. Function indices count imports first. */
export function readExports(bytes: Uint8Array): WasmExport[] {
  return parseModule(bytes).exports;
}

/** Every instruction of the exported function's body (not its callees), final `end` included. */
export function decodeFunction(bytes: Uint8Array, exportName: string): Instruction[] {
  const info = parseModule(bytes);
  return decodeBody(bytes, exportedBody(info, exportName));
}

/** Instruction counts of the exported function's body, keyed by text-format name; `end`/`else` included. */
export function countOpcodes(bytes: Uint8Array, exportName: string): OpcodeCounts {
  return countInstructions(decodeFunction(bytes, exportName));
}

/**
 * Byte size of the exported function's code entry: local declarations plus
 * the expression (the `size` field of the code section), without that
 * size prefix itself.
 */
export function functionBodySize(bytes: Uint8Array, exportName: string): number {
  const body = exportedBody(parseModule(bytes), exportName);
  return body.end - body.start;
}

/** countOpcodes for several exports, parsing the module once. */
export function auditFunctions(bytes: Uint8Array, names: string[]): Record<string, OpcodeCounts> {
  const info = parseModule(bytes);
  const out: Record<string, OpcodeCounts> = {};
  for (const name of names) out[name] = countInstructions(decodeBody(bytes, exportedBody(info, name)));
  return out;
}
