/**
 * Native build variants (`native:VARIANT`): the same dispatch plans compiled
 * with one mitigation's flags each, so a cell measures what that mitigation
 * does to a dispatcher. Every variant differs from `o2` by one thing.
 *
 * A variant models what the COMPILER does to the code. What the machine does
 * (microcode, the kernel's mitigations: IBRS/eIBRS, STIBP, SSBD, IBPB, the
 * retbleed/SRSO settings, and whether IBT is enforced) is the host's: the run
 * records it in the fingerprint, no variant can change it.
 *
 * Pure: compiler and arch in, flags out (no processes); the build adds them
 * as `compileNative(units, { extraFlags })` and, for clang's rethunk, the unit
 * `variantUnits` names.
 */

import { NATIVE_VARIANTS, type NativeVariant } from "../../model/engines.js";

export { NATIVE_VARIANTS, type NativeVariant };
export const DEFAULT_VARIANT: NativeVariant = "o2";

export const isNativeVariant = (name: string): name is NativeVariant => (NATIVE_VARIANTS as readonly string[]).includes(name);

/** A C compiler as `compilerFamily` reads it from `cc --version`. */
export interface CompilerId {
  family: "gcc" | "clang";
  major: number;
  minor?: number | undefined;
  patch?: number | undefined;
  /** Apple clang: its version numbers are Xcode's, not LLVM's, and it builds Mach-O. */
  apple?: boolean | undefined;
}

export interface VariantInfo {
  name: NativeVariant;
  /** The flags, by compiler, as the docs table shows them. */
  flags: { gcc: string; clang: string };
  /** One line: what the variant models. */
  models: string;
  /** One line: what it cannot model. */
  cannot: string;
  /** No jump table in any dispatcher (a `switch` becomes a compare tree): the compilers build none under these flags. */
  noJumpTables: boolean;
  /** An x86 mitigation: skipped, with a reason, on any other arch. */
  x86Only: boolean;
}

export const VARIANTS: Readonly<Record<NativeVariant, VariantInfo>> = {
  o2: {
    name: "o2",
    flags: { gcc: "-fcf-protection=none (x86)", clang: "-fcf-protection=none (x86)" },
    models: "the baseline: -O2, sibling calls and LTO off, no mitigation (-fcf-protection=none undoes the IBT some distributions' compilers enable by default)",
    cannot: "the host's own mitigations (microcode, IBRS/eIBRS, STIBP, retbleed/SRSO settings): the machine's, recorded in the fingerprint",
    noJumpTables: false,
    x86Only: false,
  },
  nojt: {
    name: "nojt",
    flags: { gcc: "-fno-jump-tables", clang: "-fno-jump-tables" },
    models: "how Xen is built: no jump table anywhere, every switch a compare tree (switch loses its indirect jump)",
    cannot: "the rest of Xen's build and layout (its flags, the hypercall entry path and speculation barriers around the dispatch)",
    noJumpTables: true,
    x86Only: false,
  },
  retpoline: {
    name: "retpoline",
    flags: { gcc: "-mindirect-branch=thunk -mindirect-branch-register", clang: "-mretpoline" },
    models:
      "Spectre v2 retpolines: every indirect call or jump goes through a thunk (__x86_indirect_thunk_<reg>, clang's __llvm_retpoline_<reg>) that never predicts; both compilers then build no jump table",
    cannot:
      "a kernel's runtime patching (Linux rewrites its thunks to plain or lfence'd indirect calls on eIBRS parts; this binary keeps them on any CPU), nor IBRS/eIBRS, which are the machine's",
    noJumpTables: true,
    x86Only: true,
  },
  ibt: {
    name: "ibt",
    flags: { gcc: "-fcf-protection=branch", clang: "-fcf-protection=branch" },
    models: "Intel CET indirect branch tracking as compiled: endbr64 at every function entry, jump tables through `notrack jmp`",
    cannot:
      "enforcement: a user process runs with IBT off (Linux enforces it in the kernel only), so this measures the endbr64s and the code, never the tracking check; nor FineIBT",
    noJumpTables: false,
    x86Only: true,
  },
  rethunk: {
    name: "rethunk",
    flags: { gcc: "-mfunction-return=thunk", clang: "-mfunction-return=thunk-extern (clang 16+) + rethunk.c (RETURN_THUNK_C)" },
    models:
      "return thunks as Linux and Xen use them against retbleed/SRSO on AMD: every ret a `jmp __x86_return_thunk`, the compiler's generic retpoline-style thunk",
    cannot:
      "the kernels' own thunks (srso_return_thunk, srso_alias_return_thunk, call-depth tracking, patched per CPU at boot) and the IBPB/SRSO microcode the host runs",
    noJumpTables: false,
    x86Only: true,
  },
};

export type VariantFlags = { ok: true; flags: string[] } | { ok: false; reason: string };

const isX86 = (arch: string): boolean => arch === "x64" || arch === "ia32";

/** gcc version as major.minor, compared: at least (major, minor)? */
const atLeast = (c: CompilerId, major: number, minor = 0): boolean => c.major > major || (c.major === major && (c.minor ?? 0) >= minor);

const compilerName = (c: CompilerId): string =>
  `${c.apple ? "Apple clang" : c.family} ${c.major}${c.minor !== undefined ? `.${c.minor}` : ""}${c.patch !== undefined ? `.${c.patch}` : ""}`;

const X86_ONLY: Record<string, string> = {
  retpoline:
    "retpolines are an x86 mitigation (Spectre v2 on x86 indirect branches); arm64's Spectre v2 defences (CSV2, BHB clearing) are the CPU's and the kernel's, not compiler thunks",
  ibt: "IBT is Intel CET's indirect branch tracking; arm64's counterpart, BTI (-mbranch-protection=bti), is another mechanism and is not modelled",
  rethunk: "return thunks are the x86 retbleed/SRSO mitigation; arm64 returns are not thunked",
};

/** `-fcf-protection=none` where the compiler knows it (gcc 8+, clang 7+): a baseline without IBT even where the distribution enables it by default. */
function cfNone(compiler: CompilerId, arch: string): string[] {
  if (!isX86(arch)) return [];
  const knows = compiler.family === "gcc" ? atLeast(compiler, 8) : compiler.apple ? atLeast(compiler, 11) : atLeast(compiler, 7);
  return knows ? ["-fcf-protection=none"] : [];
}

/**
 * The flags of `variant` for `compiler` on `arch` (process.arch: x64, arm64),
 * added to every unit and the link; or why the variant cannot be built there
 * (an x86 mitigation on arm64, a compiler too old for the flag).
 */
export function variantFlags(variant: NativeVariant, compiler: CompilerId | undefined, arch: string): VariantFlags {
  const info = VARIANTS[variant];
  if (!info) return { ok: false, reason: `unknown native variant "${String(variant)}": one of ${NATIVE_VARIANTS.join(", ")}` };
  if (info.x86Only && !isX86(arch)) return { ok: false, reason: `native:${variant} skipped on ${arch}: ${X86_ONLY[variant]}` };
  // A compiler compilerFamily does not know (tcc, icx, ...): the baseline needs no flag, a mitigation's flags are unknown.
  if (!compiler)
    return variant === "o2"
      ? { ok: true, flags: [] }
      : { ok: false, reason: `native:${variant} skipped: not gcc or clang, so its flags for ${variant} are not known` };
  const tooOld = (flag: string, since: string): VariantFlags => ({
    ok: false,
    reason: `native:${variant} skipped: ${compilerName(compiler)} has no ${flag} (${since})`,
  });
  const gcc = compiler.family === "gcc";
  const none = cfNone(compiler, arch);
  switch (variant) {
    case "o2":
      return { ok: true, flags: none };
    case "nojt":
      return { ok: true, flags: [...none, "-fno-jump-tables"] };
    case "retpoline":
      if (gcc)
        return atLeast(compiler, 7, 3)
          ? { ok: true, flags: [...none, "-mindirect-branch=thunk", "-mindirect-branch-register"] }
          : tooOld("-mindirect-branch=thunk", "gcc 7.3+");
      if (!atLeast(compiler, compiler.apple ? 10 : 6)) return tooOld("-mretpoline", compiler.apple ? "Apple clang 10+" : "clang 6+");
      return { ok: true, flags: [...none, "-mretpoline"] };
    case "ibt":
      if (gcc) return atLeast(compiler, 8) ? { ok: true, flags: ["-fcf-protection=branch"] } : tooOld("-fcf-protection", "gcc 8+");
      if (!atLeast(compiler, compiler.apple ? 11 : 7)) return tooOld("-fcf-protection", compiler.apple ? "Apple clang 11+" : "clang 7+");
      return { ok: true, flags: ["-fcf-protection=branch"] };
    case "rethunk":
      if (gcc) return atLeast(compiler, 7, 3) ? { ok: true, flags: [...none, "-mfunction-return=thunk"] } : tooOld("-mfunction-return=thunk", "gcc 7.3+");
      if (compiler.apple)
        return {
          ok: false,
          reason: `native:rethunk skipped: ${compilerName(compiler)} builds Mach-O, and the return thunk dispatch-lab links for clang (RETURN_THUNK_C) is ELF assembly`,
        };
      // clang has only thunk-extern: the thunk comes from variantUnits' rethunk.c.
      return atLeast(compiler, 16) ? { ok: true, flags: [...none, "-mfunction-return=thunk-extern"] } : tooOld("-mfunction-return", "clang 16+");
  }
}

/** The unit clang's rethunk build adds to handlers.c, dispatch.c and harness.c: it defines `__x86_return_thunk`. */
export const RETURN_THUNK_UNIT = "rethunk.c";

/**
 * `__x86_return_thunk` for clang's `-mfunction-return=thunk-extern` (clang
 * has no `=thunk`: it emits `jmp __x86_return_thunk` for every ret and
 * expects the thunk from outside, as the kernels supply theirs). The body is
 * exactly what gcc 12's `-mfunction-return=thunk` emits (a retpoline-style
 * return: the ret's prediction lands in the pause/lfence loop, the real
 * return address is the caller's), so both compilers' rethunk builds run the
 * same thunk. Top-level assembly: no compiler flag rewrites its `ret`. Link
 * it into the binary as its own unit, compiled with the variant's flags like
 * the others (any flags do): `{ ...units, [RETURN_THUNK_UNIT]: RETURN_THUNK_C }`.
 */
export const RETURN_THUNK_C = [
  "/* rethunk.c: generated by dispatch-lab. __x86_return_thunk for clang's -mfunction-return=thunk-extern,",
  "   the body gcc's -mfunction-return=thunk emits (a retpoline-style return). Do not edit. */",
  "__asm__(",
  '    "  .text\\n"',
  '    "  .p2align 4\\n"',
  '    "  .globl __x86_return_thunk\\n"',
  '    "  .hidden __x86_return_thunk\\n"',
  '    "  .type __x86_return_thunk, @function\\n"',
  '    "__x86_return_thunk:\\n"',
  '    "  call 2f\\n"',
  '    "1:\\n"',
  '    "  pause\\n"',
  '    "  lfence\\n"',
  '    "  jmp 1b\\n"',
  '    "2:\\n"',
  '    "  lea 8(%rsp), %rsp\\n"',
  '    "  ret\\n"',
  '    "  .size __x86_return_thunk, .-__x86_return_thunk\\n");',
  "",
].join("\n");

/** The units a variant's build adds (clang's rethunk: the return thunk); none for the others. */
export function variantUnits(variant: NativeVariant, compiler: CompilerId | undefined, arch: string): Record<string, string> {
  if (variant !== "rethunk" || compiler?.family !== "clang") return {};
  const flags = variantFlags(variant, compiler, arch);
  return flags.ok ? { [RETURN_THUNK_UNIT]: RETURN_THUNK_C } : {};
}

/** compilerFamily's answer: the version's parts, and the number as printed (`12.2.0`). */
export interface ParsedCompiler extends CompilerId {
  minor: number;
  patch: number;
  version: string;
}

/**
 * The compiler family and version from the first line of `cc --version`:
 * `gcc (Debian 12.2.0-14+deb12u1) 12.2.0`, `cc (Ubuntu 13.2.0-4ubuntu3) 13.2.0`,
 * `Debian clang version 14.0.6`, `Apple clang version 15.0.0 (clang-1500.1.0.2.5)`,
 * `Apple LLVM version 10.0.0 (clang-1000.10.44.4)`. Undefined for anything else
 * (tcc, icx, ...): no variant flags are known for it.
 */
export function compilerFamily(versionLine: string): ParsedCompiler | undefined {
  const line = versionLine.trim();
  const version = (m: RegExpExecArray) => ({
    major: Number(m[1]),
    minor: Number(m[2] ?? 0),
    patch: Number(m[3] ?? 0),
    version: [m[1], m[2], m[3]].filter((p) => p !== undefined).join("."),
  });
  const apple = /^Apple (?:clang|LLVM) version (\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(line);
  if (apple) return { family: "clang", ...version(apple), apple: true };
  const clang = /\bclang version (\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(line);
  if (clang) return { family: "clang", ...version(clang) };
  // gcc names itself by the driver's name (gcc, cc, x86_64-linux-gnu-gcc-12) with the package in parentheses.
  const gcc = /^\S*(?:gcc|cc)(?:-\d+)?(?:\.exe)? \(.*\) (\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(line);
  if (gcc) return { family: "gcc", ...version(gcc) };
  return undefined;
}
