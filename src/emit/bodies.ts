/**
 * The handler body library: AssemblyScript compiled with asc, linked into
 * every emitted module. The built-in library (assembly/bodies.ts) is
 * compiled at build time to build/bodies.wasm; a user's --bodies file is
 * compiled at run time together with it, so its kinds join noop/alu/mem.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { LabError, type Problem } from "../errors.js";
import { packageRoot } from "../paths.js";
import type { Spec } from "../spec/types.js";
import { describeLibrary } from "./binaryen.js";

export interface BodyLibrary {
  /** Compiled wasm, with the body functions exported under their kind names. */
  bytes: Uint8Array;
  /** Kinds a spec may name: noop (built into the generated handler) plus every conforming export. */
  kinds: string[];
  /** Where the bodies came from, for the manifest. */
  sources: string[];
}

const BUILTIN_SOURCE = join(packageRoot, "assembly", "bodies.ts");
const BUILTIN_WASM = join(packageRoot, "build", "bodies.wasm");

/**
 * asc flags for every body library, the same as asconfig.json's release
 * target: optimized on their own (-O3; dispatch code is never optimized),
 * the stub runtime and no assertions, so nothing is imported from the host.
 */
const ASC_FLAGS = ["-O3", "--runtime", "stub", "--noAssert", "--use", "abort="];

/**
 * The config file asc is told to read (`--config`), which readSource never
 * finds: asc otherwise reads asconfig.json from the working folder, and a
 * stranger's asconfig.json can name a transform (code asc imports and runs),
 * extra entries and options. The compile is hermetic: only ASC_FLAGS, the
 * built-in source and the user's file (and what it imports).
 */
const NO_CONFIG = "dispatch-lab.no-asconfig.json";

/** asc's file reader: sources as they are, the config never. */
async function readSource(name: string, baseDir: string): Promise<string | null> {
  if (basename(name) === NO_CONFIG) return null;
  return readFile(resolve(baseDir, name), "utf8").catch(() => null);
}

let builtinCache: Uint8Array | undefined;

/** The built-in library: build/bodies.wasm when `npm run build` made it, else compiled now. */
async function builtinBytes(): Promise<Uint8Array> {
  if (builtinCache) return builtinCache;
  builtinCache = existsSync(BUILTIN_WASM) ? new Uint8Array(readFileSync(BUILTIN_WASM)) : await compileAssemblyScript([BUILTIN_SOURCE]);
  return builtinCache;
}

async function compileAssemblyScript(files: string[]): Promise<Uint8Array> {
  const { default: asc } = await import("assemblyscript/asc");
  let binary: Uint8Array | undefined;
  const stderr = asc.createMemoryStream();
  const result = await asc.main([...files, ...ASC_FLAGS, "--config", NO_CONFIG, "--outFile", "bodies.wasm"], {
    stdout: asc.createMemoryStream(),
    stderr,
    readFile: readSource,
    writeFile: (name, contents) => {
      if (name.endsWith(".wasm") && typeof contents !== "string") binary = contents;
    },
  });
  if (result.error || !binary) {
    throw new LabError(
      "bodies-invalid",
      [{ path: files.at(-1) ?? "", message: `AssemblyScript compile failed:\n${stderr.toString().trim() || result.error?.message}` }],
      "fix the errors asc reports; a body is `export function KIND(seed: i64, n: i32): i64`",
    );
  }
  return binary;
}

/** Load the library: built-ins, plus the kinds of a user's AssemblyScript file when given. */
export async function loadBodyLibrary(bodiesFile?: string): Promise<BodyLibrary> {
  if (!bodiesFile) return inspect(await builtinBytes(), [BUILTIN_SOURCE]);
  const file = resolve(bodiesFile);
  if (!existsSync(file))
    throw new LabError("io", [{ path: bodiesFile, message: "no such file" }], "--bodies takes an AssemblyScript (.ts) file of body functions");
  return inspect(await compileAssemblyScript([BUILTIN_SOURCE, file]), [BUILTIN_SOURCE, file]);
}

/** Enforce the body contract: no imports, a memory, every export (seed: i64, n: i32) -> i64. */
function inspect(bytes: Uint8Array, sources: string[]): BodyLibrary {
  const info = describeLibrary(bytes);
  const where = sources.at(-1) ?? "";
  const problems: Problem[] = [];
  if (info.imports.length) problems.push({ path: where, message: `bodies must not import from the host, found ${info.imports.join(", ")}` });
  if (!info.hasMemory) problems.push({ path: where, message: "the compiled bodies export no memory" });
  for (const b of info.bodies) {
    if (b.kind === "noop") problems.push({ path: where, message: `"noop" is reserved (the handler with no body)` });
    else if (b.params.join(",") !== "i64,i32" || b.results.join(",") !== "i64")
      problems.push({
        path: where,
        message: `export "${b.kind}" is (${b.params.join(", ")}) -> ${b.results.join(", ") || "void"}; a body must be (seed: i64, n: i32) -> i64`,
      });
  }
  if (problems.length) throw new LabError("bodies-invalid", problems, "export only body functions: `export function KIND(seed: i64, n: i32): i64`");
  return { bytes, kinds: ["noop", ...info.bodies.map((b) => b.kind)], sources };
}

/** Every handler's body kind must be provided by the library: one problem per handler that names another. */
export function checkBodyKinds(spec: Spec, library: BodyLibrary): void {
  const problems: Problem[] = [];
  spec.handlers.forEach((h, i) => {
    if (!library.kinds.includes(h.body.kind))
      problems.push({
        path: `handlers[${i}].body.kind`,
        message: `"${h.body.kind}" is not provided by any body library (available: ${library.kinds.join(", ")})`,
      });
  });
  if (problems.length) throw new LabError("spec-invalid", problems, "use a built-in kind, or pass --bodies FILE with an AssemblyScript file exporting it");
}
