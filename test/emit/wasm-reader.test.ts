import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditFunctions, countOpcodes, decodeFunction, functionBodySize, readExports, WasmReadError, type WasmExport } from "../../src/emit/wasm-reader.js";
import { packageRoot } from "../../src/paths.js";

// ---------------------------------------------------------------------------
// A tiny module assembler. Function bodies are given as raw instruction bytes
// *including* their final `end`, so tests can also build malformed bodies.

const I32 = 0x7f;
const I64 = 0x7e;
const FUNCREF = 0x70;
const END = 0x0b;

/** Unsigned LEB128. */
function leb(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return out;
}

/** Signed LEB128. */
function sleb(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n; // arithmetic shift on bigint
    const signBit = (b & 0x40) !== 0;
    if ((v === 0n && !signBit) || (v === -1n && signBit)) return [...out, b];
    out.push(b | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const str = (s: string): number[] => vec([...new TextEncoder().encode(s)].map((b) => [b]));
const functype = (params: number[], results: number[]): number[] => [0x60, ...vec(params.map((p) => [p])), ...vec(results.map((r) => [r]))];
const f32 = (x: number): number[] => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, x, true);
  return [...b];
};
const f64 = (x: number): number[] => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, true);
  return [...b];
};

interface FuncDef {
  type: number;
  /** Local groups: [count, valtype]. */
  locals?: [number, number][];
  body: number[];
  export?: string;
}

interface Import {
  module: string;
  name: string;
  /** Import descriptor: kind byte then its payload. */
  desc: number[];
}

interface ModuleDef {
  types: number[][];
  imports?: Import[];
  funcs: FuncDef[];
  /** Extra export entries (already encoded), after the function exports. */
  exports?: number[][];
  /** Raw payloads for other sections, by section id. */
  sections?: Partial<Record<number, number[]>>;
}

/** Canonical section order (datacount 12 sits before code 10). */
const ORDER = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11];

/** Returns the bytes and, per defined function, the absolute offset of its first instruction. */
function buildModule(def: ModuleDef): { bytes: Uint8Array<ArrayBuffer>; codeOffsets: number[] } {
  const imports = def.imports ?? [];
  const importedFuncs = imports.filter((i) => i.desc[0] === 0).length;
  const exports = def.funcs.flatMap((f, i) => (f.export ? [[...str(f.export), 0x00, ...leb(importedFuncs + i)]] : []));
  exports.push(...(def.exports ?? []));
  const entries = def.funcs.map((f) => {
    const locals = vec((f.locals ?? []).map(([n, t]) => [...leb(n), t]));
    return { locals, body: f.body };
  });
  const payloads: Record<number, number[]> = { ...(def.sections as Record<number, number[]>) };
  payloads[1] = vec(def.types);
  if (imports.length) payloads[2] = vec(imports.map((i) => [...str(i.module), ...str(i.name), ...i.desc]));
  payloads[3] = vec(def.funcs.map((f) => leb(f.type)));
  if (exports.length) payloads[7] = vec(exports);
  payloads[10] = vec(entries.map((e) => [...leb(e.locals.length + e.body.length), ...e.locals, ...e.body]));

  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const codeOffsets: number[] = [];
  for (const id of ORDER) {
    const payload = payloads[id];
    if (!payload) continue;
    const payloadStart = out.length + 1 + leb(payload.length).length;
    if (id === 10) {
      let at = payloadStart + leb(entries.length).length;
      for (const e of entries) {
        at += leb(e.locals.length + e.body.length).length;
        codeOffsets.push(at + e.locals.length);
        at += e.locals.length + e.body.length;
      }
    }
    out.push(id, ...leb(payload.length), ...payload);
  }
  return { bytes: new Uint8Array(out), codeOffsets };
}

/** A one-function module (type () -> ()) exported as "f", for decode-only tests. */
const oneFunc = (body: number[], type: number[] = functype([], [])): Uint8Array<ArrayBuffer> =>
  buildModule({ types: [type], funcs: [{ type: 0, body, export: "f" }] }).bytes;

async function instantiate(bytes: Uint8Array<ArrayBuffer>, imports: WebAssembly.Imports = {}): Promise<Record<string, unknown>> {
  expect(WebAssembly.validate(bytes)).toBe(true);
  const { instance } = await WebAssembly.instantiate(bytes, imports);
  return instance.exports as Record<string, unknown>;
}

const call = (exports: Record<string, unknown>, name: string, ...args: unknown[]): unknown => (exports[name] as (...a: unknown[]) => unknown)(...args);

const immediatesOf = (bytes: Uint8Array, fn: string, op: string): (number | bigint)[][] =>
  decodeFunction(bytes, fn)
    .filter((i) => i.name === op)
    .map((i) => i.immediates);

// ---------------------------------------------------------------------------

describe("wasm-reader", () => {
  it("decodes call_indirect, return_call and return_call_indirect", async () => {
    const { bytes } = buildModule({
      types: [functype([], [I32]), functype([I32], [I32])],
      funcs: [
        { type: 0, body: [0x41, 42, END] },
        { type: 1, body: [0x20, 0, 0x11, 0, 0, END], export: "dispatch" },
        { type: 1, body: [0x20, 0, 0x13, 0, 0, END], export: "tail" },
        { type: 0, body: [0x12, 0, END], export: "tailcall" },
      ],
      sections: {
        4: vec([[FUNCREF, 0x00, 1]]), // one funcref table, min 1
        9: vec([[0x00, 0x41, 0, END, ...vec([[0]])]]), // active segment at 0: [func 0]
      },
    });
    expect(countOpcodes(bytes, "dispatch")).toEqual({ "local.get": 1, call_indirect: 1, end: 1 });
    expect(immediatesOf(bytes, "dispatch", "call_indirect")).toEqual([[0, 0]]);
    expect(countOpcodes(bytes, "tail")).toEqual({ "local.get": 1, return_call_indirect: 1, end: 1 });
    expect(countOpcodes(bytes, "tailcall")).toEqual({ return_call: 1, end: 1 });
    const ex = await instantiate(bytes);
    expect(call(ex, "dispatch", 0)).toBe(42);
    expect(call(ex, "tail", 0)).toBe(42);
  });

  it("decodes br_table with several labels and a default", async () => {
    const body = [
      0x02,
      0x40,
      0x02,
      0x40,
      0x02,
      0x40, // block block block
      0x20,
      0,
      0x0e,
      ...vec([[0], [1], [2]]),
      2, // local.get 0; br_table 0 1 2 (default 2)
      END,
      0x41,
      10,
      0x0f, // end; i32.const 10; return
      END,
      0x41,
      20,
      0x0f,
      END,
      0x41,
      30,
      END,
    ];
    const bytes = oneFunc(body, functype([I32], [I32]));
    expect(countOpcodes(bytes, "f")).toEqual({
      block: 3,
      "local.get": 1,
      br_table: 1,
      "i32.const": 3,
      return: 2,
      end: 4,
    });
    expect(immediatesOf(bytes, "f", "br_table")).toEqual([[0, 1, 2, 2]]);
    const ex = await instantiate(bytes);
    expect([0, 1, 2, 9].map((x) => call(ex, "f", x))).toEqual([10, 20, 30, 30]);
  });

  it("decodes nested if/else with value, empty and multi-byte type-index block types", async () => {
    // Type 64 needs a two-byte s33 (0xC0 0x00): a one-byte 0x40 would mean "empty".
    const types = [functype([I32], [I32]), ...Array.from({ length: 63 }, () => functype([], [])), functype([I32], [I32])];
    const body = [
      0x20,
      0,
      0x04,
      I32, // local.get 0; if (result i32)
      0x20,
      0,
      0x41,
      1,
      0x46,
      0x04,
      I32, // local.get 0; i32.const 1; i32.eq; if (result i32)
      0x41,
      10,
      0x05,
      0x41,
      20,
      END, // i32.const 10; else; i32.const 20; end
      0x05,
      0x41,
      30,
      END, // else; i32.const 30; end
      0x02,
      0xc0,
      0x00,
      0x41,
      1,
      0x6a,
      END, // block (type 64): i32.const 1; i32.add; end
      0x41,
      0,
      0x04,
      0x40,
      0x01,
      END, // i32.const 0; if; nop; end
      END,
    ];
    const { bytes } = buildModule({ types, funcs: [{ type: 0, body, export: "f" }] });
    expect(countOpcodes(bytes, "f")).toEqual({
      "local.get": 2,
      if: 3,
      else: 2,
      block: 1,
      "i32.const": 6,
      "i32.eq": 1,
      "i32.add": 1,
      nop: 1,
      end: 5,
    });
    expect(immediatesOf(bytes, "f", "if")).toEqual([[-1], [-1], [-64]]);
    expect(immediatesOf(bytes, "f", "block")).toEqual([[64]]);
    const ex = await instantiate(bytes);
    expect([1, 2, 0].map((x) => call(ex, "f", x))).toEqual([11, 21, 31]);
  });

  it("decodes large negative i64 consts, i32 extremes and float consts", async () => {
    const min64 = -(2n ** 63n);
    const body = [
      0x42,
      ...sleb(min64),
      0x1a, // i64.const -2^63; drop
      0x41,
      ...sleb(-(2 ** 31)),
      0x1a, // i32.const -2^31; drop
      0x43,
      ...f32(1.5),
      0x1a, // f32.const 1.5; drop
      0x44,
      ...f64(-0.1),
      0x1a, // f64.const -0.1; drop
      0x42,
      ...sleb(2n ** 63n - 1n),
      0x1a,
      0x42,
      ...sleb(-6364136223846793005n),
      END,
    ];
    const bytes = oneFunc(body, functype([], [I64]));
    expect(immediatesOf(bytes, "f", "i64.const")).toEqual([[min64], [2n ** 63n - 1n], [-6364136223846793005n]]);
    expect(immediatesOf(bytes, "f", "i32.const")).toEqual([[-(2 ** 31)]]);
    expect(immediatesOf(bytes, "f", "f32.const")).toEqual([[1.5]]);
    expect(immediatesOf(bytes, "f", "f64.const")).toEqual([[-0.1]]);
    expect(countOpcodes(bytes, "f")).toEqual({ "i64.const": 3, "i32.const": 1, "f32.const": 1, "f64.const": 1, drop: 5, end: 1 });
    const ex = await instantiate(bytes);
    expect(call(ex, "f")).toBe(-6364136223846793005n);
  });

  it("decodes loads and stores with alignments and offsets", async () => {
    const body = [
      0x20,
      0,
      0x42,
      ...sleb(0x1122334455667788n),
      0x37,
      3,
      ...leb(70000), // i64.store align=8 offset=70000
      0x20,
      0,
      0x41,
      ...sleb(200),
      0x3a,
      0,
      0, // i32.store8
      0x20,
      0,
      0x29,
      3,
      ...leb(70000), // i64.load align=8 offset=70000
      0x20,
      0,
      0x2d,
      0,
      0, // i32.load8_u
      0xad,
      0x7c, // i64.extend_i32_u; i64.add
      0x3f,
      0,
      0x1a, // memory.size; drop
      0x41,
      0,
      0x40,
      0,
      0x1a, // i32.const 0; memory.grow; drop
      END,
    ];
    const { bytes } = buildModule({
      types: [functype([I32], [I64])],
      funcs: [{ type: 0, body, export: "f" }],
      sections: { 5: vec([[0x00, 2]]) }, // one memory, min 2 pages
    });
    expect(countOpcodes(bytes, "f")).toEqual({
      "local.get": 4,
      "i64.const": 1,
      "i32.const": 2,
      "i64.store": 1,
      "i32.store8": 1,
      "i64.load": 1,
      "i32.load8_u": 1,
      "i64.extend_i32_u": 1,
      "i64.add": 1,
      "memory.size": 1,
      "memory.grow": 1,
      drop: 2,
      end: 1,
    });
    expect(immediatesOf(bytes, "f", "i64.store")).toEqual([[3, 70000, 0]]);
    expect(immediatesOf(bytes, "f", "i64.load")).toEqual([[3, 70000, 0]]);
    expect(immediatesOf(bytes, "f", "i32.load8_u")).toEqual([[0, 0, 0]]);
    const ex = await instantiate(bytes);
    expect(call(ex, "f", 8)).toBe(0x1122334455667788n + 200n);
  });

  it("decodes multi-memory memargs (bit 6 of align) and 64-bit offsets", () => {
    const bytes = oneFunc([
      0x41,
      0,
      0x28,
      0x42,
      1,
      8,
      0x1a, // i32.load memory 1, align=4, offset=8; drop
      0x41,
      0,
      0x29,
      3,
      ...leb(2n ** 60n),
      0x1a, // i64.load offset=2^60 (memory64 style)
      END,
    ]);
    expect(immediatesOf(bytes, "f", "i32.load")).toEqual([[2, 8, 1]]);
    expect(immediatesOf(bytes, "f", "i64.load")).toEqual([[3, 2n ** 60n, 0]]);
    expect(countOpcodes(bytes, "f")).toEqual({ "i32.const": 2, "i32.load": 1, "i64.load": 1, drop: 2, end: 1 });
  });

  it("decodes the 0xFC prefix: saturating truncation, bulk memory and table ops", async () => {
    const c = (n: number): number[] => [0x41, n]; // i32.const n
    const body = [
      ...c(0),
      ...c(0),
      ...c(3),
      0xfc,
      8,
      0,
      0, // memory.init data 0, memory 0
      0xfc,
      9,
      0, // data.drop 0
      ...c(0),
      ...c(0),
      ...c(1),
      0xfc,
      10,
      0,
      0, // memory.copy 0 0
      ...c(0),
      ...c(0),
      ...c(1),
      0xfc,
      11,
      0, // memory.fill 0
      ...c(0),
      ...c(0),
      ...c(1),
      0xfc,
      12,
      0,
      0, // table.init elem 0, table 0
      0xfc,
      13,
      0, // elem.drop 0
      ...c(0),
      ...c(0),
      ...c(0),
      0xfc,
      14,
      0,
      0, // table.copy 0 0
      0xd0,
      FUNCREF,
      ...c(1),
      0xfc,
      15,
      0,
      0x1a, // ref.null func; table.grow 0; drop
      0xfc,
      16,
      0,
      0x1a, // table.size 0; drop
      ...c(0),
      0xd2,
      0,
      ...c(1),
      0xfc,
      17,
      0, // ref.func 0; table.fill 0
      0x43,
      ...f32(1.5),
      0xfc,
      0,
      0x1a, // i32.trunc_sat_f32_s
      0x44,
      ...f64(-1),
      0xfc,
      7,
      0x1a, // i64.trunc_sat_f64_u
      0xd0,
      FUNCREF,
      0xd1,
      0x1a, // ref.is_null
      END,
    ];
    const { bytes } = buildModule({
      types: [functype([], [])],
      funcs: [{ type: 0, body, export: "bulk" }],
      sections: {
        4: vec([[FUNCREF, 0x00, 1]]),
        5: vec([[0x00, 1]]),
        9: vec([[0x01, 0x00, ...vec([[0]])]]), // passive elem segment: funcs [0]
        12: leb(1), // datacount: required by memory.init / data.drop
        11: vec([[0x01, ...vec([[1], [2], [3]])]]), // passive data segment
      },
    });
    const counts = countOpcodes(bytes, "bulk");
    for (const op of [
      "memory.init",
      "data.drop",
      "memory.copy",
      "memory.fill",
      "table.init",
      "elem.drop",
      "table.copy",
      "table.grow",
      "table.size",
      "table.fill",
      "i32.trunc_sat_f32_s",
      "i64.trunc_sat_f64_u",
      "ref.func",
      "ref.is_null",
    ]) {
      expect(counts[op], op).toBe(1);
    }
    expect(counts["ref.null"]).toBe(2);
    expect(counts["i32.const"]).toBe(18); // 5 ops x 3 args, table.grow 1, table.fill 2
    expect(counts.drop).toBe(5);
    expect(immediatesOf(bytes, "bulk", "memory.init")).toEqual([[0, 0]]);
    expect(immediatesOf(bytes, "bulk", "ref.null")).toEqual([[FUNCREF - 0x80], [FUNCREF - 0x80]]);
    const ex = await instantiate(bytes);
    expect(call(ex, "bulk")).toBeUndefined();
    expect(() => countOpcodes(oneFunc([0xfc, 18, END]), "f")).toThrow(/unknown opcode 0xfc 18/);
  });

  it("counts imported functions first when mapping exports to bodies", async () => {
    const { bytes } = buildModule({
      types: [functype([], []), functype([], [I32])],
      imports: [
        { module: "env", name: "log", desc: [0x00, 0] },
        { module: "env", name: "mem", desc: [0x02, 0x01, 1, 2] }, // memory min 1 max 2
        { module: "env", name: "g", desc: [0x03, I32, 0x00] }, // immutable i32 global
        { module: "env", name: "t", desc: [0x01, FUNCREF, 0x00, 0] }, // funcref table min 0
        { module: "env", name: "tick", desc: [0x00, 0] },
      ],
      funcs: [
        { type: 1, body: [0x41, 1, END], export: "a" },
        {
          type: 1,
          locals: [
            [2, I32],
            [1, I64],
          ],
          body: [0x10, 2, 0x41, 2, 0x6a, END],
          export: "b",
        },
      ],
      exports: [
        [...str("reexport"), 0x00, 0],
        [...str("memory"), 0x02, 0],
        [...str("glob"), 0x03, 0],
        [...str("table"), 0x01, 0],
      ],
    });
    const expected: WasmExport[] = [
      { name: "a", kind: "func", index: 2 },
      { name: "b", kind: "func", index: 3 },
      { name: "reexport", kind: "func", index: 0 },
      { name: "memory", kind: "memory", index: 0 },
      { name: "glob", kind: "global", index: 0 },
      { name: "table", kind: "table", index: 0 },
    ];
    expect(readExports(bytes)).toEqual(expected);
    expect(countOpcodes(bytes, "a")).toEqual({ "i32.const": 1, end: 1 });
    expect(countOpcodes(bytes, "b")).toEqual({ call: 1, "i32.const": 1, "i32.add": 1, end: 1 });
    expect(immediatesOf(bytes, "b", "call")).toEqual([[2]]);
    expect(auditFunctions(bytes, ["a", "b"])).toEqual({
      a: { "i32.const": 1, end: 1 },
      b: { call: 1, "i32.const": 1, "i32.add": 1, end: 1 },
    });
    expect(functionBodySize(bytes, "a")).toBe(1 + 3); // empty locals vec + body
    expect(functionBodySize(bytes, "b")).toBe(1 + 2 + 2 + 6); // vec count, two groups, body
    expect(() => countOpcodes(bytes, "reexport")).toThrow(/imported function 0/);
    expect(() => countOpcodes(bytes, "memory")).toThrow(/is a memory, not a function/);
    expect(() => countOpcodes(bytes, "nope")).toThrow(/no export named "nope"/);

    const ex = await instantiate(bytes, {
      env: {
        log: () => {},
        tick: () => {},
        mem: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
        g: new WebAssembly.Global({ value: "i32", mutable: false }, 7),
        t: new WebAssembly.Table({ element: "anyfunc", initial: 0 }),
      },
    });
    expect(call(ex, "b")).toBe(3);
  });

  it("names every numeric opcode 0x45..0xC4 by its spec text name", () => {
    const ops = Array.from({ length: 0xc4 - 0x45 + 1 }, (_, i) => 0x45 + i);
    const names = decodeFunction(oneFunc([...ops, END]), "f").map((i) => i.name);
    expect(names).toHaveLength(ops.length + 1);
    expect(new Set(names.slice(0, -1)).size).toBe(ops.length);
    const at = (op: number): string | undefined => names[op - 0x45];
    expect(at(0x45)).toBe("i32.eqz");
    expect(at(0x46)).toBe("i32.eq");
    expect(at(0x49)).toBe("i32.lt_u");
    expect(at(0x5a)).toBe("i64.ge_u");
    expect(at(0x5d)).toBe("f32.lt");
    expect(at(0x66)).toBe("f64.ge");
    expect(at(0x6a)).toBe("i32.add");
    expect(at(0x78)).toBe("i32.rotr");
    expect(at(0x86)).toBe("i64.shl");
    expect(at(0x98)).toBe("f32.copysign");
    expect(at(0xa6)).toBe("f64.copysign");
    expect(at(0xa7)).toBe("i32.wrap_i64");
    expect(at(0xad)).toBe("i64.extend_i32_u");
    expect(at(0xb6)).toBe("f32.demote_f64");
    expect(at(0xbb)).toBe("f64.promote_f32");
    expect(at(0xbf)).toBe("f64.reinterpret_i64");
    expect(at(0xc0)).toBe("i32.extend8_s");
    expect(at(0xc4)).toBe("i64.extend32_s");
  });

  it("throws on an unknown opcode, naming it and its byte offset", () => {
    // v128.const 0; i32x4.extract_lane 0: valid SIMD that the reader does not decode.
    const body = [0xfd, 0x0c, ...new Array<number>(16).fill(0), 0xfd, 0x1b, 0x00, END];
    const { bytes, codeOffsets } = buildModule({
      types: [functype([], [I32])],
      funcs: [{ type: 0, body: [0x01, ...body], export: "simd" }],
    });
    expect(WebAssembly.validate(bytes)).toBe(true);
    const offset = codeOffsets[0]! + 1; // after the nop
    let error: unknown;
    try {
      countOpcodes(bytes, "simd");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WasmReadError);
    expect((error as WasmReadError).offset).toBe(offset);
    expect((error as Error).message).toMatch(/unknown opcode 0xfd \(SIMD/);
    expect((error as Error).message).toContain(`byte offset ${offset}`);
    expect(bytes[offset]).toBe(0xfd);
  });

  it("rejects bodies whose final end is missing or not last, and non-wasm input", () => {
    expect(() => countOpcodes(oneFunc([0x02, 0x40, END]), "f")).toThrow(/ends before its final end/);
    expect(() => countOpcodes(oneFunc([END, 0x01]), "f")).toThrow(/after the function's final end/);
    expect(() => readExports(new Uint8Array([1, 2, 3, 4, 1, 0, 0, 0]))).toThrow(/bad magic/);
  });

  const bodiesPath = join(packageRoot, "build", "bodies.wasm");
  it.skipIf(!existsSync(bodiesPath))("decodes build/bodies.wasm exports alu and mem", () => {
    const bytes = new Uint8Array(readFileSync(bodiesPath));
    const funcs = readExports(bytes)
      .filter((e) => e.kind === "func")
      .map((e) => e.name);
    expect(funcs).toEqual(expect.arrayContaining(["alu", "mem"]));
    const audit = auditFunctions(bytes, ["alu", "mem"]);
    for (const name of ["alu", "mem"]) {
      expect(audit[name]!.end).toBeGreaterThanOrEqual(1);
      expect(functionBodySize(bytes, name)).toBeGreaterThan(0);
    }
    expect(Object.keys(audit.mem!).some((op) => /\.load/.test(op))).toBe(true);
  });
});
