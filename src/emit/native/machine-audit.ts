/**
 * The machine-code audit: the native counterpart of the wasm opcode audit
 * (audit.ts). A C compiler may rewrite a dispatcher's shape (gcc's
 * if-to-switch pass and clang's SimplifyCFG turn compare chains into a
 * switch, then a jump table or bit tests), so the dispatch object is
 * disassembled (objdump from binutils, `-dr --no-show-raw-insn`: x86-64 in
 * AT&T syntax, or aarch64) and its `dispatch` function, with any part the
 * compiler split off (`dispatch.cold`), is counted (MACHINE_COUNT_KEYS in
 * strategy.ts) and checked against:
 * - the strategy's machine claims (`machineClaims(spec, variant)`, stated
 *   from its definition, not its plan: table one indirect call, chain none
 *   and no jump table, ...);
 * - the build's: no tail call (-fno-optimize-sibling-calls: every dispatch
 *   calls its handler and returns);
 * - the variant's: retpoline, no indirect branch outside a thunk; rethunk,
 *   no bare ret; ibt, an endbr64 landing pad;
 * - the object's other functions (table adapters): no indirect branch.
 * Each violation is one readable line, as in the wasm audit. A missing
 * objdump is an outcome naming the Debian package (binutils), not an error.
 */
import { execFile } from "node:child_process";
import type { Spec } from "../../spec/types.js";
import { MACHINE_COUNT_KEYS, type MachineClaims, type MachineCountKey, type Strategy } from "../strategy.js";
import { DEFAULT_VARIANT, type NativeVariant } from "./variants.js";

export { shapeFlags, shapeFlagsWhy, strategyShapeFlags } from "./shape-flags.js";

export type MachineArch = "x86-64" | "aarch64";
export type MachineCounts = Record<MachineCountKey, number>;

export interface Instruction {
  /** Offset in its section (an object file) or address (a linked binary). */
  address: number;
  /** Lower case, prefixes apart: `jmp`, `call`, `cmp`, `b.ne`. */
  mnemonic: string;
  /** x86 prefixes objdump printed before it: `notrack`, `bnd`, `rep`, ... */
  prefixes: string[];
  /** The operands as printed, comment removed. */
  operands: string;
  /** The symbol a branch or call goes to: the relocation's (object files), else objdump's `<symbol+off>`, offset and @plt removed. */
  target?: string | undefined;
}

export interface DisassembledFunction {
  name: string;
  section: string;
  instructions: Instruction[];
}

export interface Disassembly {
  /** objdump's `file format`, e.g. elf64-x86-64, elf64-littleaarch64. */
  format: string;
  arch: MachineArch | undefined;
  functions: DisassembledFunction[];
}

const X86_PREFIXES = new Set([
  "notrack",
  "bnd",
  "lock",
  "rep",
  "repz",
  "repe",
  "repnz",
  "repne",
  "data16",
  "data32",
  "addr16",
  "addr32",
  "cs",
  "ds",
  "es",
  "ss",
  "fs",
  "gs",
  "xacquire",
  "xrelease",
  "{vex}",
  "{vex3}",
  "{evex}",
]);
const isX86Prefix = (t: string): boolean => X86_PREFIXES.has(t) || /^rex(\.\w+)?$/i.test(t);

export function archOfFormat(format: string): MachineArch | undefined {
  if (/x86-64|i386|x86_64/.test(format)) return "x86-64";
  if (/aarch64|arm64/.test(format)) return "aarch64";
  return undefined;
}

/** `h17-0x4` / `dispatch+0x4b` / `h3@plt` -> the symbol. */
const symbolOf = (expr: string): string => expr.replace(/@plt$/, "").replace(/[+-]0x[0-9a-f]+$/i, "");

/**
 * Parse `objdump -d[r] --no-show-raw-insn` output (GNU binutils, x86-64 AT&T
 * or aarch64) into functions and instructions. Pure: tested on fixture text.
 * Relocation lines (`-r`) name the target of the instruction before them;
 * Mach-O's leading underscore is dropped from symbol names.
 */
export function parseObjdump(text: string): Disassembly {
  const format = /file format (\S+)/.exec(text)?.[1] ?? "";
  const arch = archOfFormat(format);
  const underscore = format.startsWith("mach-o");
  const name = (s: string): string => (underscore && s.startsWith("_") ? s.slice(1) : s);
  const functions: DisassembledFunction[] = [];
  let section = "";
  let current: DisassembledFunction | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    const sec = /^Disassembly of section (\S+):$/.exec(line);
    if (sec) {
      section = sec[1]!;
      current = undefined;
      continue;
    }
    const sym = /^([0-9a-f]+) <(.+)>:$/.exec(line);
    if (sym) {
      current = { name: name(sym[2]!), section, instructions: [] };
      functions.push(current);
      continue;
    }
    if (!current) continue;
    const reloc = /^\s+[0-9a-f]+: (R_\S+)\s+(\S+)/.exec(line);
    if (reloc) {
      const last = current.instructions.at(-1);
      if (last && /^R_(X86_64|386)_(PLT32|PC32|PLTOFF)|^R_AARCH64_(CALL26|JUMP26|CONDBR19|TSTBR14)/.test(reloc[1]!)) {
        last.target = name(symbolOf(reloc[2]!));
      }
      continue;
    }
    const insn = /^\s*([0-9a-f]+):\t(.*)$/.exec(line);
    if (!insn) continue;
    let body = insn[2]!;
    // Raw bytes, should objdump show them (an objdump without --no-show-raw-insn): `48 89 e5 \tmov ...` or `94000000 \tbl ...`.
    const rawBytes = /^((?:[0-9a-f]{2} )+|[0-9a-f]{8} )\s*\t(.*)$/.exec(body);
    if (rawBytes) body = rawBytes[2]!;
    else if (/^(?:[0-9a-f]{2} ?)+\s*$/.test(body)) continue; // a continuation line of raw bytes
    body = arch === "aarch64" ? body.replace(/\s*\/\/.*$/, "") : body.replace(/\s+#.*$/, "");
    body = body.trim();
    if (!body || body === "...") continue;
    const tokens = body.split(/\s+/);
    const prefixes: string[] = [];
    while (arch !== "aarch64" && tokens.length > 1 && isX86Prefix(tokens[0]!.toLowerCase())) prefixes.push(tokens.shift()!.toLowerCase());
    const mnemonic = tokens.shift()!.toLowerCase();
    const operands = tokens.join(" ");
    const shown = /<([^>]+)>/.exec(operands);
    current.instructions.push({ address: Number.parseInt(insn[1]!, 16), mnemonic, prefixes, operands, target: shown ? name(symbolOf(shown[1]!)) : undefined });
  }
  return { format, arch, functions };
}

// --- classification

/** Retpoline thunks: gcc's and Linux's __x86_indirect_{,call_,jump_}thunk_<reg>, clang's __llvm_retpoline_<reg> (and LVI thunks). */
export const INDIRECT_THUNK = /^(__x86_indirect_(call_|jump_)?thunk(_\w+)?|__llvm_retpoline_\w+|__llvm_lvi_thunk_\w+)$/;
/** Return thunks: __x86_return_thunk (gcc, Linux, Xen) and the kernels' named ones (srso_return_thunk, ...). */
export const RETURN_THUNK = /^(__x86_return_thunk|__x86_return_skl|\w*_return_thunk)$/;

/** x86 condition codes, as in jcc, setcc and cmovcc. */
const X86_CC = "o no b c nae ae nb nc e z ne nz be na a nbe s ns p pe np po l nge ge nl le ng g nle".split(" ");
const X86_EQUALITY = new Set(["e", "z", "ne", "nz"]);
const X86_ORDERED = new Set(["b", "c", "nae", "ae", "nb", "nc", "be", "na", "a", "nbe", "l", "nge", "ge", "nl", "le", "ng", "g", "nle"]);
const X86_JCC = new RegExp(`^j(${X86_CC.join("|")})$`);
const X86_FLAG_READER = new RegExp(`^(j(${X86_CC.join("|")})|set(${X86_CC.join("|")})b?|cmov(${X86_CC.join("|")})[wlq]?|adc[bwlq]?|sbb[bwlq]?|j[er]?cxz)$`);
const X86_COMPARE = /^(cmp|test|bt)[bwlq]?$/;
const X86_FLAG_ARITH = /^(add|sub|and|or|xor|inc|dec|neg|adc|sbb|sh[lr]|sa[lr]|bt[src]|bs[fr]|tzcnt|lzcnt|popcnt)[bwlq]?$/;
const A64_COND = /^b\.(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al|nv)$/;
const A64_ORDERED = new Set(["cs", "hs", "cc", "lo", "hi", "ls", "ge", "lt", "gt", "le"]);
const A64_COMPARE = /^(cmp|cmn|tst|ccmp|ccmn|fcmpe?|fccmpe?|adds|subs|ands|bics|negs|adcs|sbcs|ngcs)$/;

const isNop = (i: Instruction): boolean => i.mnemonic.startsWith("nop") || (i.mnemonic === "xchg" && i.operands === "%ax,%ax");

const zero = (): MachineCounts => Object.fromEntries(MACHINE_COUNT_KEYS.map((k) => [k, 0])) as MachineCounts;

export interface CountedFunction {
  counts: MachineCounts;
  /** Distinct direct callees, sorted. */
  callees: string[];
  /** Thunks it calls or jumps to (retpoline and return thunks), sorted. */
  thunks: string[];
  /** Its first instruction (for the ibt check: endbr64 at entry). */
  first: string | undefined;
}

/**
 * Count one function's instructions (its parts together). `local` says
 * whether a branch target is the function itself (or a section name: a jump
 * to its cold part), so that jumps within it are not tail calls.
 */
export function countInstructions(instructions: readonly Instruction[], arch: MachineArch, local: (target: string) => boolean): CountedFunction {
  const c = zero();
  const callees = new Set<string>();
  const thunks = new Set<string>();
  const external = (t: string | undefined): t is string => t !== undefined && !t.startsWith(".") && !local(t);
  const code = instructions.filter((i) => !isNop(i));
  code.forEach((i, k) => {
    c.instructions++;
    const m = i.mnemonic;
    const t = i.target;
    if (arch === "x86-64") {
      const branchMnemonic = m.replace(/^(call|jmp|ret)[lqw]$/, "$1");
      if (branchMnemonic === "call" || branchMnemonic === "lcall") {
        if (i.operands.startsWith("*")) {
          c.indirectCalls++;
          c.bareIndirect++;
        } else if (t && INDIRECT_THUNK.test(t)) {
          c.indirectCalls++;
          thunks.add(t);
        } else {
          c.directCalls++;
          if (external(t)) callees.add(t);
        }
      } else if (branchMnemonic === "jmp" || branchMnemonic === "ljmp") {
        if (i.operands.startsWith("*")) {
          c.indirectJumps++;
          c.bareIndirect++;
        } else if (t && INDIRECT_THUNK.test(t)) {
          c.indirectJumps++;
          thunks.add(t);
        } else if (t && RETURN_THUNK.test(t)) {
          c.returns++;
          thunks.add(t);
        } else if (external(t)) c.tailCalls++;
      } else if (X86_JCC.test(m)) {
        c.conditionalBranches++;
        const cc = m.slice(1);
        if (X86_EQUALITY.has(cc)) c.equalityBranches++;
        else if (X86_ORDERED.has(cc)) c.orderedBranches++;
        if (t && RETURN_THUNK.test(t)) {
          c.returns++;
          thunks.add(t);
        }
      } else if (/^j[er]?cxz$/.test(m)) c.conditionalBranches++;
      else if (branchMnemonic === "ret") {
        c.returns++;
        c.bareReturns++;
      } else if (m === "endbr64" || m === "endbr32") c.endbr++;
      else if (X86_COMPARE.test(m)) c.compares++;
      else if (X86_FLAG_ARITH.test(m) && code[k + 1] && X86_FLAG_READER.test(code[k + 1]!.mnemonic)) c.compares++;
      return;
    }
    // aarch64
    if (m === "bl") {
      c.directCalls++;
      if (external(t)) callees.add(t);
    } else if (/^blr(aa|ab|aaz|abz)?$/.test(m)) {
      c.indirectCalls++;
      c.bareIndirect++;
    } else if (/^br(aa|ab|aaz|abz)?$/.test(m)) {
      c.indirectJumps++;
      c.bareIndirect++;
    } else if (m === "b") {
      if (external(t)) c.tailCalls++;
    } else if (A64_COND.test(m) || /^bc\./.test(m)) {
      c.conditionalBranches++;
      const cc = m.slice(m.indexOf(".") + 1);
      if (cc === "eq" || cc === "ne") c.equalityBranches++;
      else if (A64_ORDERED.has(cc)) c.orderedBranches++;
    } else if (m === "cbz" || m === "cbnz") {
      c.compares++;
      c.conditionalBranches++;
      c.equalityBranches++;
    } else if (m === "tbz" || m === "tbnz") {
      c.compares++;
      c.conditionalBranches++;
    } else if (/^ret(aa|ab)?$/.test(m)) {
      c.returns++;
      c.bareReturns++;
    } else if (m === "bti") c.endbr++;
    else if (A64_COMPARE.test(m)) c.compares++;
  });
  c.directCallTargets = callees.size;
  return { counts: c, callees: [...callees].sort(), thunks: [...thunks].sort(), first: code[0]?.mnemonic };
}

// --- the dispatcher

/** `dispatch` and the parts a compiler splits off it (dispatch.cold, dispatch.part.0, ...). */
export const isDispatchPart = (name: string): boolean => /^dispatch(\.(cold|part|isra|constprop|lto_priv)(\.\d+)?)*$/.test(name);
const isThunk = (name: string): boolean => INDIRECT_THUNK.test(name) || RETURN_THUNK.test(name);

export interface DispatchCode {
  arch: MachineArch;
  /** The functions counted as dispatch, in order: `dispatch`, then any split part. */
  parts: string[];
  counted: CountedFunction;
  /** The object's other functions (adapters; thunks left out), counted. */
  others: Record<string, MachineCounts>;
}

/** Isolate and count the dispatcher in a disassembly; a string says why it cannot (no dispatch, unknown arch). */
export function dispatchCode(disassembly: Disassembly): DispatchCode | string {
  const { arch, functions } = disassembly;
  if (!arch) return `objdump's file format "${disassembly.format}" is neither x86-64 nor aarch64`;
  const parts = functions.filter((f) => isDispatchPart(f.name));
  if (!parts.some((f) => f.name === "dispatch")) return "no function `dispatch` in the disassembly";
  const counted = countInstructions(
    parts.flatMap((f) => f.instructions),
    arch,
    isDispatchPart,
  );
  const others: Record<string, MachineCounts> = {};
  for (const f of functions) {
    if (isDispatchPart(f.name) || isThunk(f.name)) continue;
    others[f.name] = countInstructions(f.instructions, arch, (t) => t === f.name).counts;
  }
  return { arch, parts: parts.map((f) => f.name), counted, others };
}

// --- claims

const HINTS: Partial<Record<MachineCountKey, string>> = {
  indirectJumps: "a jump table or computed jump: the compiler made a switch of compares",
  orderedBranches: "ordered branches: the compiler rebuilt the compare chain as a search tree",
  bareIndirect: "an indirect branch outside a retpoline thunk",
  bareReturns: "a plain ret, not through the return thunk",
  tailCalls: "a sibling call: a dispatch must call its handler and return",
  endbr: "no endbr64 landing pad",
};

const describe = (want: number | { min?: number; max?: number }): string => {
  if (typeof want === "number") return `${want}`;
  if (want.min !== undefined && want.max !== undefined) return want.min === want.max ? `${want.min}` : `${want.min}..${want.max}`;
  if (want.min !== undefined) return `at least ${want.min}`;
  return `at most ${want.max ?? 0}`;
};

/** Violations of `claims` by `counts`, each one readable line (`chain claims: indirectJumps x1, expected 0 (a jump table ...)`). */
export function checkMachineClaims(counts: MachineCounts, claims: MachineClaims, what: string): string[] {
  return Object.entries(claims).flatMap(([key, want]) => {
    if (want === undefined) return [];
    const got = counts[key as MachineCountKey];
    const lo = typeof want === "number" ? want : (want.min ?? 0);
    const hi = typeof want === "number" ? want : (want.max ?? Number.POSITIVE_INFINITY);
    if (got >= lo && got <= hi) return [];
    const hint = HINTS[key as MachineCountKey];
    const why = hint && ((got > hi && key !== "endbr") || (got < lo && key === "endbr")) ? ` (${hint})` : "";
    return [`${what}: ${key} x${got}, expected ${describe(want)}${why}`];
  });
}

/** What every dispatcher of the build must hold, whatever the strategy: it calls and returns. */
export const BUILD_CLAIMS: MachineClaims = { tailCalls: 0, returns: { min: 1 } };

/** What the variant's flags must have done to the dispatcher (x86; the variants that need x86 are skipped elsewhere). */
export function variantClaims(variant: NativeVariant, arch: MachineArch): MachineClaims {
  if (arch !== "x86-64") return {};
  if (variant === "retpoline") return { bareIndirect: 0 };
  if (variant === "rethunk") return { bareReturns: 0 };
  if (variant === "ibt") return { endbr: { min: 1 } };
  return {};
}

export interface MachineAudit {
  ok: true;
  strategy: string;
  variant: NativeVariant;
  arch: MachineArch | undefined;
  /** objdump's file format. */
  format: string;
  /** The functions counted as dispatch (dispatch, dispatch.cold, ...). */
  parts: string[];
  dispatch: MachineCounts;
  /** Distinct functions dispatch calls directly. */
  callees: string[];
  /** Thunks it goes through (retpoline, return). */
  thunks: string[];
  claims: MachineClaims;
  violations: string[];
}

export interface NoObjdump {
  ok: false;
  reason: "no-objdump";
  objdump: string;
  package: "binutils";
  /** One line for a skipped audit's note. */
  note: string;
}

export interface MachineAuditOptions {
  /** `objdump` (the default) or a path. */
  objdump?: string | undefined;
  /** The variant the object was built as (default o2): its claims and the strategy's. */
  variant?: NativeVariant | undefined;
}

/** Audit a disassembly (objdump's text) of a strategy's dispatch object. Pure. */
export function auditDisassembly(text: string, strategy: Strategy, spec: Spec, variant: NativeVariant = DEFAULT_VARIANT): MachineAudit {
  const disassembly = parseObjdump(text);
  const claims = strategy.machineClaims?.(spec, variant) ?? {};
  const base = { ok: true as const, strategy: strategy.name, variant, arch: disassembly.arch, format: disassembly.format, claims };
  const code = dispatchCode(disassembly);
  if (typeof code === "string") return { ...base, parts: [], dispatch: zero(), callees: [], thunks: [], violations: [code] };
  const { counts } = code.counted;
  const violations = [
    ...checkMachineClaims(counts, claims, `${strategy.name} claims`),
    ...checkMachineClaims(counts, BUILD_CLAIMS, "build"),
    ...checkMachineClaims(counts, variantClaims(variant, code.arch), `variant ${variant}`),
    ...(variant === "ibt" && code.arch === "x86-64" && code.counted.first !== "endbr64"
      ? [`variant ibt: dispatch starts with ${code.counted.first}, not endbr64`]
      : []),
    ...Object.entries(code.others).flatMap(([name, c]) =>
      checkMachineClaims(c, { indirectCalls: 0, indirectJumps: 0, tailCalls: 0 }, `${name} (not dispatch)`),
    ),
  ];
  return { ...base, parts: code.parts, dispatch: counts, callees: code.counted.callees, thunks: code.counted.thunks, violations };
}

export function noObjdump(objdump: string): NoObjdump {
  return {
    ok: false,
    reason: "no-objdump",
    objdump,
    package: "binutils",
    note: `skipped: no objdump "${objdump}" for the machine-code audit (install the Debian package binutils: apt-get install binutils)`,
  };
}

/** `objdump -dr --no-show-raw-insn FILE`'s text, or the no-objdump outcome. */
export function disassemble(file: string, objdump = "objdump"): Promise<string | NoObjdump> {
  return new Promise((resolve, reject) => {
    execFile(objdump, ["-dr", "--no-show-raw-insn", file], { maxBuffer: 64 * 2 ** 20, encoding: "utf8" }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "EACCES" || code === "ENOTDIR") return resolve(noObjdump(objdump));
      reject(new Error(`${objdump} -dr ${file} failed: ${(stderr || error.message).trim().split("\n").slice(0, 5).join("\n")}`));
    });
  });
}

/**
 * Disassemble a strategy's dispatch object (compileNative's `objects["dispatch.c"]`)
 * and audit it (see the top of this file); `options` may be just the variant.
 */
export async function auditMachineCode(
  objectFile: string,
  strategy: Strategy,
  spec: Spec,
  options: MachineAuditOptions | NativeVariant = {},
): Promise<MachineAudit | NoObjdump> {
  const { objdump, variant } = typeof options === "string" ? { objdump: undefined, variant: options } : options;
  const text = await disassemble(objectFile, objdump ?? "objdump");
  if (typeof text !== "string") return text;
  return auditDisassembly(text, strategy, spec, variant ?? DEFAULT_VARIANT);
}

/** One line for terminals: `indirectCalls 1, compares 1, returns 2, ...` with the non-zero counts. */
export function machineAuditLine(audit: MachineAudit): string {
  const parts = MACHINE_COUNT_KEYS.filter((k) => k !== "instructions" && audit.dispatch[k] > 0).map((k) => `${k} ${audit.dispatch[k]}`);
  return parts.join(", ") || "(nothing counted)";
}
