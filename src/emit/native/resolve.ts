/**
 * From the native engines a user named (`native`, `native:retpoline`) and
 * --cc to what builds them: the compiler's version line and every flag of
 * each variant, or why the variant's cells are skipped (no compiler: the
 * Debian package to install; a flag the compiler or the architecture lacks).
 * Asked once, before anything is built or started (a synchronous probe:
 * `cc --version` takes milliseconds).
 */
import { execFileSync } from "node:child_process";
import type { NativeRef } from "../../model/engines.js";
import { NATIVE_FLAGS, noCompiler } from "./compile.js";
import { compilerFamily, variantFlags } from "./variants.js";

export interface NativeEngine {
  ref: NativeRef;
  /** The compiler as asked: `cc`, `gcc`, `clang` or a path. */
  compiler: string;
  /** The first line of `compiler --version` ("" when there is no compiler). */
  versionLine: string;
  /** The compiler's own version number (`12.2.0`), or "" when unknown. */
  version: string;
  /** Every flag of every unit and the link: the lab's (NATIVE_FLAGS), then the variant's. */
  flags: string[];
  /** Why this engine's cells are not measured; absent when it builds. */
  skip?: string;
}

const probes = new Map<string, string | null>();

/** The first line of `cc --version`, or null when there is no such compiler (cached per compiler). */
function versionLineOf(cc: string): string | null {
  if (!probes.has(cc)) {
    try {
      probes.set(
        cc,
        execFileSync(cc, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
          .split("\n")[0]!
          .trim(),
      );
    } catch {
      probes.set(cc, null);
    }
  }
  return probes.get(cc)!;
}

export function resolveNative(refs: readonly NativeRef[], cc = "cc", arch: string = process.arch): NativeEngine[] {
  if (refs.length === 0) return [];
  const line = versionLineOf(cc);
  if (line === null) {
    const note = noCompiler(cc).note.replace(/^skipped: /, "");
    return refs.map((ref) => ({ ref, compiler: cc, versionLine: "", version: "", flags: [], skip: note }));
  }
  const compiler = compilerFamily(line);
  return refs.map((ref): NativeEngine => {
    const base = { ref, compiler: cc, versionLine: line, version: compiler?.version ?? "" };
    const variant = variantFlags(ref.variant, compiler, arch);
    // The cell's engine is named beside the reason: "native:ibt skipped on arm64: ..." reads "on arm64: ...".
    if (!variant.ok) return { ...base, flags: [], skip: variant.reason.replace(/^native:\w+ skipped(?=[: ])(?:: )?/, "") };
    return { ...base, flags: [...NATIVE_FLAGS, ...variant.flags] };
  });
}
