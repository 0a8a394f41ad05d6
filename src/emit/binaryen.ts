/**
 * The one module that talks to binaryen. It links the compiled
 * AssemblyScript body library with generated handlers, a dispatch function
 * lowered from a strategy's Plan, and the timing harness; validates; and
 * emits binary (and text) wasm.
 *
 * Nothing here optimizes: binaryen's optimizer turns 3+ br_if compares into
 * a br_table (-O1) and inlines direct calls (-O2), so an optimized `chain`
 * would no longer be a chain. Bodies arrive already optimized by asc -O3.
 */
import binaryen from "binaryen";
import { LabError } from "../errors.js";
import type { Handler, ParamType, Spec } from "../spec/types.js";
import { planFeatures, type MaskMode, type MaskWord, type Node, type Plan, type Test } from "./plan.js";
import { initialSeed, MIX } from "./seed.js";
import type { Pad } from "./strategy.js";

// Each LabError thrown here is our bug (a module we built that binaryen rejects).
const FEATURES =
  binaryen.Features.MutableGlobals |
  binaryen.Features.NontrappingFPToInt |
  binaryen.Features.SignExt |
  binaryen.Features.BulkMemory |
  binaryen.Features.BulkMemoryOpt |
  binaryen.Features.SIMD128;

/**
 * Added only for a plan that needs typed function references (a tableRef node): binaryen
 * validates call_ref only with GC enabled ("call_ref requires gc"). Every other module keeps
 * FEATURES alone, so its bytes do not change.
 */
const TYPED_FUNCTION_REFERENCES = binaryen.Features.ReferenceTypes | binaryen.Features.GC;

/** binaryen.js's addTable takes the element type and an init expression; its .d.ts omits both. */
interface TypedTables {
  addTable(name: string, initial: number, maximum: number, type: binaryen.Type, init: binaryen.ExpressionRef): binaryen.TableRef;
}

function readLibrary(bytes: Uint8Array): binaryen.Module {
  const mod = binaryen.readBinary(bytes);
  mod.setFeatures(FEATURES);
  return mod;
}

/** A body function found in a compiled library: its export name and signature. */
export interface BodyExport {
  kind: string;
  params: string[];
  results: string[];
}

export interface LibraryInfo {
  bodies: BodyExport[];
  /** `module.name` of every imported function: a linked body library must have none. */
  imports: string[];
  hasMemory: boolean;
}

const typeNames = (t: number): string[] =>
  binaryen
    .expandType(t)
    .map((x) => (x === binaryen.i32 ? "i32" : x === binaryen.i64 ? "i64" : x === binaryen.f32 ? "f32" : x === binaryen.f64 ? "f64" : "ref"));

/** Read a compiled body library: what it exports, what it imports. */
export function describeLibrary(bytes: Uint8Array): LibraryInfo {
  const mod = readLibrary(bytes);
  try {
    const bodies: BodyExport[] = [];
    let hasMemory = false;
    for (let i = 0; i < mod.getNumExports(); i++) {
      const info = binaryen.getExportInfo(mod.getExportByIndex(i));
      if (info.kind === binaryen.ExternalMemory) hasMemory = true;
      if (info.kind !== binaryen.ExternalFunction) continue;
      const fn = binaryen.getFunctionInfo(mod.getFunction(info.value));
      bodies.push({ kind: info.name, params: typeNames(fn.params), results: typeNames(fn.results) });
    }
    const imports: string[] = [];
    for (let i = 0; i < mod.getNumFunctions(); i++) {
      const fn = binaryen.getFunctionInfo(mod.getFunctionByIndex(i));
      if (fn.module) imports.push(`${fn.module}.${fn.base}`);
    }
    return { bodies, imports, hasMemory };
  } finally {
    mod.dispose();
  }
}

export interface LinkInput {
  spec: Spec;
  plan: Plan;
  /** The compiled body library (AssemblyScript output). */
  library: Uint8Array;
  /** Custom section contents: self-description, and bytes that make each cell's module unique. */
  customSections: Record<string, Uint8Array>;
  withText: boolean;
  pad?: Pad | undefined;
}

export interface Linked {
  bytes: Uint8Array;
  text?: string;
}

const wasmType = (p: ParamType): number => (p === "i32" ? binaryen.i32 : binaryen.i64);

/** Names inside the module (the exported contract is dispatch, h<id>, run, memory, stream_base). */
const implName = (h: Handler) => `handler.${h.name}`;
const adapterName = (h: Handler) => `adapter.${h.name}`;
const FALLBACK_FN = "fallback.uniform";
const TABLE = "handlers";
/** The start function that puts the handlers into typed tables (tableRef). */
const TABLE_INIT_FN = "handlers.init";

const i64 = (v: bigint) => BigInt.asIntN(64, v);

export function link(input: LinkInput): Linked {
  const mod = readLibrary(input.library);
  try {
    if (planFeatures(input.plan).includes("typed-function-references")) mod.setFeatures(FEATURES | TYPED_FUNCTION_REFERENCES);
    const ctx = new Lowering(mod, input.spec);
    ctx.addHandlers();
    ctx.addDispatch(input.plan);
    ctx.addHarness(input.pad);
    ctx.finish();
    for (const [name, data] of Object.entries(input.customSections)) mod.addCustomSection(name, data);
    if (!mod.validate())
      throw new LabError("emit-invalid", `binaryen rejected the module emitted for spec ${input.spec.name} (see the validation messages above)`);
    const bytes = mod.emitBinary();
    return input.withText ? { bytes, text: mod.emitText() } : { bytes };
  } finally {
    mod.dispose();
  }
}

class Lowering {
  private readonly uniform: number;
  private tables = 0;
  /** The uniform signature as a heap type, built on first use (tableRef). */
  private uniformHeapType: number | undefined;
  /** table.set statements for the start function (tableRef). */
  private readonly tableInits: number[] = [];
  private readonly bodyNames = new Map<string, string>();
  private readonly byId = new Map<number, Handler>();

  constructor(
    private readonly mod: binaryen.Module,
    private readonly spec: Spec,
  ) {
    this.uniform = binaryen.createType(new Array<number>(spec.args).fill(binaryen.i64));
    for (const h of spec.handlers) this.byId.set(h.id, h);
    for (let i = 0; i < mod.getNumExports(); i++) {
      const info = binaryen.getExportInfo(mod.getExportByIndex(i));
      if (info.kind === binaryen.ExternalFunction) this.bodyNames.set(info.name, info.value);
    }
  }

  private isUniform(h: Handler): boolean {
    return h.params.length === this.spec.args && h.params.every((p) => p === "i64");
  }

  /** The function a uniform-signature caller (table entry, h<id> export) reaches. */
  private uniformEntry(h: Handler): string {
    return this.isUniform(h) ? implName(h) : adapterName(h);
  }

  addHandlers(): void {
    const m = this.mod;
    for (const h of this.spec.handlers) {
      const params = h.params.map(wasmType);
      m.addFunction(implName(h), binaryen.createType(params), binaryen.i64, [], this.handlerBody(h));
      if (!this.isUniform(h)) {
        // The adapter narrows each 64-bit register to what the handler declares: i32 = the low 32 bits.
        const args = h.params.map((p, i) => (p === "i32" ? m.i32.wrap(m.local.get(i, binaryen.i64)) : m.local.get(i, binaryen.i64)));
        m.addFunction(adapterName(h), this.uniform, binaryen.i64, [], m.call(implName(h), args, binaryen.i64));
      }
      m.addFunctionExport(this.uniformEntry(h), `h${h.id}`);
    }
    const fb = m.i64.const(this.spec.fallback);
    m.addFunction(FALLBACK_FN, this.uniform, binaryen.i64, [], fb);
  }

  private handlerBody(h: Handler): number {
    const m = this.mod;
    let seed = m.i64.const(initialSeed(h.id));
    h.params.forEach((p, i) => {
      const arg = p === "i32" ? m.i64.extend_u(m.local.get(i, binaryen.i32)) : m.local.get(i, binaryen.i64);
      seed = m.i64.mul(m.i64.xor(seed, arg), m.i64.const(i64(MIX)));
    });
    if (h.body.kind === "noop") return seed;
    const body = this.bodyNames.get(h.body.kind);
    if (!body) throw new LabError("emit-invalid", `body kind "${h.body.kind}" is not in the linked library`);
    return m.call(body, [seed, m.i32.const(h.body.ops)], binaryen.i64);
  }

  // --- dispatch: params op (local 0), a1..aN (locals 1..N); vars mask (i64), word (i32)

  private get maskLocal() {
    return this.spec.args + 1;
  }
  private get wordLocal() {
    return this.spec.args + 2;
  }
  private op() {
    return this.mod.local.get(0, binaryen.i32);
  }
  private args() {
    return Array.from({ length: this.spec.args }, (_, i) => this.mod.local.get(i + 1, binaryen.i64));
  }

  addDispatch(plan: Plan): void {
    const m = this.mod;
    const stmts: number[] = [];
    if (plan.mask) stmts.push(...this.computeMask(plan.mask));
    stmts.push(this.lower(plan.root, plan.mask));
    const params = binaryen.createType([binaryen.i32, ...new Array<number>(this.spec.args).fill(binaryen.i64)]);
    m.addFunction("dispatch", params, binaryen.i64, [binaryen.i64, binaryen.i32], m.block(null, stmts, binaryen.unreachable));
    m.addFunctionExport("dispatch", "dispatch");
  }

  /** Set the mask (and, multiword, the word index) once, as Xen's generated code does. */
  private computeMask(mode: MaskMode): number[] {
    const m = this.mod;
    const shifted = m.i64.shl(m.i64.const(1n), m.i64.extend_u(this.op())); // i64.shl takes the count mod 64
    if (mode === "unguarded") return [m.local.set(this.maskLocal, shifted)];
    if (mode === "guarded") return [m.local.set(this.maskLocal, m.select(m.i32.gt_u(this.op(), m.i32.const(63)), m.i64.const(0n), shifted))];
    return [m.local.set(this.maskLocal, shifted), m.local.set(this.wordLocal, m.i32.shr_u(this.op(), m.i32.const(6)))];
  }

  private test(t: Test, mode: MaskMode | undefined): number {
    const m = this.mod;
    if (t.kind === "eq") return m.i32.eq(this.op(), m.i32.const(t.value));
    if (t.kind === "ltU") return m.i32.lt_u(this.op(), m.i32.const(t.value));
    const bits = mode === "multiword" ? this.wordBits(t.words) : m.i64.const(i64(t.words[0]?.bits ?? 0n));
    return m.i64.ne(m.i64.and(m.local.get(this.maskLocal, binaryen.i64), bits), m.i64.const(0n));
  }

  /** word == w0 ? M0 : word == w1 ? M1 : ... : 0 */
  private wordBits(words: readonly MaskWord[]): number {
    const m = this.mod;
    return words.reduceRight(
      (rest, { word, bits }) => m.select(m.i32.eq(m.local.get(this.wordLocal, binaryen.i32), m.i32.const(word)), m.i64.const(i64(bits)), rest),
      m.i64.const(0n),
    );
  }

  /** Every node ends the dispatch with a return: chains lower flat, as guarded returns. */
  private lower(node: Node, mode: MaskMode | undefined): number {
    const m = this.mod;
    switch (node.kind) {
      case "call":
        return m.return(this.directCall(node.id));
      case "fallback":
        return m.return(m.i64.const(this.spec.fallback));
      case "chain":
        return m.block(
          null,
          [...node.arms.map((a) => m.if(this.test(a.test, mode), this.lower(a.then, mode))), this.lower(node.otherwise, mode)],
          binaryen.unreachable,
        );
      case "table":
        return this.lowerTable(node.entries);
      case "tableRef":
        return this.lowerTableRef(node.entries);
      case "switch":
        return this.lowerSwitch(node.base, node.entries);
    }
  }

  private directCall(id: number): number {
    const h = this.byId.get(id)!;
    const args = this.args()
      .map((a, i) => (h.params[i] === "i32" ? this.mod.i32.wrap(a) : a))
      .slice(0, h.params.length);
    return this.mod.call(implName(h), args, binaryen.i64);
  }

  /** if (op >=u SIZE) return fallback; return table[op](a1..aN): a fixed-size table (min = max). */
  private lowerTable(entries: readonly (number | null)[]): number {
    const m = this.mod;
    const name = this.nextTableName();
    m.addTable(name, entries.length, entries.length);
    const funcs = entries.map((id) => (id === null ? FALLBACK_FN : this.uniformEntry(this.byId.get(id)!)));
    m.addActiveElementSegment(name, `${name}.init`, funcs, m.i32.const(0));
    return m.block(
      null,
      [
        m.if(m.i32.ge_u(this.op(), m.i32.const(entries.length)), m.return(m.i64.const(this.spec.fallback))),
        m.return(m.call_indirect(name, this.op(), this.args(), this.uniform, binaryen.i64)),
      ],
      binaryen.unreachable,
    );
  }

  private nextTableName(): string {
    const name = this.tables === 0 ? TABLE : `${TABLE}${this.tables}`;
    this.tables++;
    return name;
  }

  /** (ref null $uniform) and (ref $uniform): the typed table's element type and a ref.func's type. */
  private uniformRefTypes(): { nullable: number; exact: number } {
    if (this.uniformHeapType === undefined) {
      const builder = new binaryen.TypeBuilder(1);
      builder.setSignatureType(0, this.uniform, binaryen.i64);
      this.uniformHeapType = builder.buildAndDispose()[0]!; // the same (final) type as every uniform function's
    }
    return { nullable: binaryen.getTypeFromHeapType(this.uniformHeapType, true), exact: binaryen.getTypeFromHeapType(this.uniformHeapType, false) };
  }

  /**
   * (table $t N N (ref null $uniform) (ref.func $fallback)): every slot starts as the
   * fallback function; the start function sets each handler's slot (an active element
   * segment cannot be typed through binaryen's API). Then
   * if (op >=u N) return fallback; return call_ref $uniform (a1..aN, table.get $t op).
   */
  private lowerTableRef(entries: readonly (number | null)[]): number {
    const m = this.mod;
    const name = this.nextTableName();
    const { nullable, exact } = this.uniformRefTypes();
    (m as unknown as TypedTables).addTable(name, entries.length, entries.length, nullable, m.ref.func(FALLBACK_FN, exact));
    entries.forEach((id, slot) => {
      if (id !== null) this.tableInits.push(m.table.set(name, m.i32.const(slot), m.ref.func(this.uniformEntry(this.byId.get(id)!), exact)));
    });
    return m.block(
      null,
      [
        m.if(m.i32.ge_u(this.op(), m.i32.const(entries.length)), m.return(m.i64.const(this.spec.fallback))),
        m.return(m.call_ref(m.table.get(name, this.op(), nullable), this.args(), binaryen.i64)),
      ],
      binaryen.unreachable,
    );
  }

  /** The start function filling typed tables (after the library's own start, if it has one). */
  private addTableInit(): void {
    if (this.tableInits.length === 0) return;
    const m = this.mod;
    const previous = m.getStart();
    const first = previous ? [m.call(binaryen.getFunctionInfo(previous).name, [], binaryen.none)] : [];
    m.setStart(m.addFunction(TABLE_INIT_FN, binaryen.none, binaryen.none, [], m.block(null, [...first, ...this.tableInits], binaryen.none)));
  }

  /**
   * block $fallback { block $case_{k-1} { ... block $case_0 { br_table } return h0() } ... return h_{k-1}() }
   * return fallback. Nested blocks, one per handler; the table maps each number to its case.
   */
  private lowerSwitch(base: number, entries: readonly (number | null)[]): number {
    const m = this.mod;
    const ids = [...new Set(entries.filter((e): e is number => e !== null))];
    const prefix = `switch${base}.`; // labels stay unique when a plan holds several br_tables
    const fallbackLabel = `${prefix}fallback`;
    const label = new Map(ids.map((id, k) => [id, `${prefix}case${k}`]));
    const labels = entries.map((id) => (id === null ? fallbackLabel : label.get(id)!));
    const index = base ? m.i32.sub(this.op(), m.i32.const(base)) : this.op();
    let inner = m.block(`${prefix}case0`, [m.switch(labels, fallbackLabel, index)]);
    ids.forEach((id, k) => {
      const next = k + 1 < ids.length ? `${prefix}case${k + 1}` : fallbackLabel;
      inner = m.block(next, [inner, m.return(this.directCall(id))]);
    });
    return m.block(null, [inner, m.return(m.i64.const(this.spec.fallback))], binaryen.unreachable);
  }

  /**
   * run(base, count, reps) -> i64: `reps` passes over `count` i32 numbers at
   * linear-memory address `base`, each dispatched with arguments derived from
   * its address; every result is added into the returned sum, so no engine
   * can drop a call. The loop lives in wasm: one JS->wasm call per sample.
   */
  addHarness(pad: Pad | undefined): void {
    const m = this.mod;
    const [BASE, COUNT, REPS, P, END, ACC, X, ZERO] = [0, 1, 2, 3, 4, 5, 6, 7];
    const I32 = binaryen.i32;
    const I64 = binaryen.i64;
    const x = () => m.local.get(X, I64);
    const args = Array.from({ length: this.spec.args }, (_, k) => (k === 0 ? x() : m.i64.add(x(), m.i64.const(BigInt(k)))));
    // The pad adds a zero held in a local (read once from a mutable global, so no engine can fold
    // it): K register adds per dispatch, no memory access.
    const zero = () => m.local.get(ZERO, I64);
    const op =
      pad?.where === "op" ? m.i32.wrap(this.padded(m.i64.extend_u(m.i32.load(0, 4, m.local.get(P, I32))), pad.k, zero)) : m.i32.load(0, 4, m.local.get(P, I32));
    const dispatch = pad?.where === "result" ? this.padded(m.call("dispatch", [op, ...args], I64), pad.k, zero) : m.call("dispatch", [op, ...args], I64);
    const inner = m.loop(
      "item",
      m.block(null, [
        m.br("items_done", m.i32.ge_u(m.local.get(P, I32), m.local.get(END, I32))),
        m.local.set(X, m.i64.extend_u(m.local.get(P, I32))),
        m.local.set(ACC, m.i64.add(m.local.get(ACC, I64), dispatch)),
        m.local.set(P, m.i32.add(m.local.get(P, I32), m.i32.const(4))),
        m.br("item"),
      ]),
    );
    const outer = m.loop(
      "rep",
      m.block(null, [
        m.br("reps_done", m.i32.eqz(m.local.get(REPS, I32))),
        m.local.set(P, m.local.get(BASE, I32)),
        m.block("items_done", [inner]),
        m.local.set(REPS, m.i32.sub(m.local.get(REPS, I32), m.i32.const(1))),
        m.br("rep"),
      ]),
    );
    if (pad) m.addGlobal("pad.zero", I64, true, m.i64.const(0n));
    const body = m.block(
      null,
      [
        ...(pad ? [m.local.set(ZERO, m.global.get("pad.zero", I64))] : []),
        m.local.set(END, m.i32.add(m.local.get(BASE, I32), m.i32.shl(m.local.get(COUNT, I32), m.i32.const(2)))),
        m.block("reps_done", [outer]),
        m.local.get(ACC, I64),
      ],
      I64,
    );
    m.addFunction("run", binaryen.createType([I32, I32, I32]), I64, [I32, I32, I64, I64, ...(pad ? [I64] : [])], body);
    m.addFunctionExport("run", "run");
  }

  /** `value + zero + zero ...`: k dependent i64 adds. */
  private padded(value: number, k: number, zero: () => number): number {
    for (let i = 0; i < k; i++) value = this.mod.i64.add(value, zero());
    return value;
  }

  /**
   * Keep only the contract's exports (memory, dispatch, h<id>, run) and add
   * `stream_base`: the first byte past the library's static memory, where the
   * timing engine places the workload stream (growing memory as it needs).
   */
  finish(): void {
    const m = this.mod;
    this.addTableInit();
    for (const kind of this.bodyNames.keys()) m.removeExport(kind);
    const pages = m.getMemoryInfo().initial;
    m.addGlobal("stream_base", binaryen.i32, false, m.i32.const(pages * 65536));
    m.addGlobalExport("stream_base", "stream_base");
    // Drop library functions no handler uses (a whole-module pass that removes, never rewrites, code).
    m.runPasses(["remove-unused-module-elements"]);
  }
}
