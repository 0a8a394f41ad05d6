/**
 * Compile the C lowering (lower-c.ts) into one binary per strategy: each
 * translation unit on its own (`-c`), then linked, with no LTO, so handlers
 * stay in another unit than dispatch and every dispatch calls its handler.
 * Every build also links the timing child, src/run/native-child.c (static C,
 * the same for every spec, compiled with the same flags): `binary child`
 * speaks the lab's child protocol.
 *
 * The compiler is `cc` by default, or `gcc`, `clang` or a path. A missing one
 * is an outcome (native cells are skipped with a note naming the Debian
 * package), not an error; a unit the compiler rejects is a dispatch-lab bug
 * (the lowering's), thrown with the compiler's first error lines.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { LabError } from "../../errors.js";
import { packageRoot } from "../../paths.js";
import type { CUnits } from "./lower-c.js";

/** Every unit and the link: optimized, no sibling calls (a dispatch calls and returns), no LTO (handlers stay apart). */
export const NATIVE_FLAGS: readonly string[] = ["-O2", "-fno-optimize-sibling-calls", "-fno-lto"];

export interface CompileOptions {
  /** `cc` (the default), `gcc`, `clang`, or a path to a compiler. */
  cc?: string | undefined;
  /** The flags of every unit and the link (default NATIVE_FLAGS). */
  flags?: readonly string[] | undefined;
  /** Added after `flags`, e.g. `-fno-jump-tables`. */
  extraFlags?: readonly string[] | undefined;
  /** The folder for the binary and its objects (default: a new temp folder). Units with the same source and flags are compiled once per folder. */
  dir?: string | undefined;
  /** The binary's file name, e.g. the strategy's (default `dispatch`). */
  name?: string | undefined;
}

export interface Compiled {
  ok: true;
  binary: string;
  /** The compiler as asked for (`cc`, a path). */
  compiler: string;
  /** The first line of `compiler --version`, exactly. */
  version: string;
  /** Every flag of every compile and the link. */
  flags: string[];
  dir: string;
  /** Each unit's object file, by unit (`dispatch.c`, ..., `native-child.c`): e.g. for a disassembly of the dispatcher alone. */
  objects: Record<keyof CUnits | typeof NATIVE_CHILD_UNIT, string>;
}

export interface NoCompiler {
  ok: false;
  reason: "no-compiler";
  compiler: string;
  /** The Debian package that provides it. */
  package: "gcc" | "clang";
  /** One line for a skipped cell's note. */
  note: string;
}

export type CompileOutcome = Compiled | NoCompiler;

interface Output {
  stdout: string;
  stderr: string;
}

function exec(file: string, args: readonly string[], cwd?: string): Promise<Output> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, maxBuffer: 16 * 2 ** 20, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

const missing = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "EACCES" || code === "ENOTDIR";
};

/** The package to install for a compiler name: clang for anything named clang, else gcc (which provides cc). */
export const compilerPackage = (cc: string): "gcc" | "clang" => (basename(cc).includes("clang") ? "clang" : "gcc");

export function noCompiler(cc: string): NoCompiler {
  const pkg = compilerPackage(cc);
  return {
    ok: false,
    reason: "no-compiler",
    compiler: cc,
    package: pkg,
    note: `skipped: no C compiler "${cc}" (install the Debian package ${pkg}: apt-get install ${pkg}, or pass --cc gcc|clang|PATH)`,
  };
}

const versions = new Map<string, Promise<string | NoCompiler>>();

/** The first line of `cc --version`, or the no-compiler outcome (cached per compiler). */
export function compilerVersion(cc = "cc"): Promise<string | NoCompiler> {
  let found = versions.get(cc);
  if (!found) {
    found = exec(cc, ["--version"]).then(
      (out) => out.stdout.split("\n")[0]!.trim(),
      (e: unknown) => {
        if (missing(e)) return noCompiler(cc);
        throw e;
      },
    );
    versions.set(cc, found);
  }
  return found;
}

/** Object files being compiled, by path: a unit shared by strategies (handlers.c) compiles once. */
const building = new Map<string, Promise<void>>();

const ERROR_LINES = 20;

function compilerFailure(what: string, e: unknown): LabError {
  const stderr = String((e as { stderr?: unknown }).stderr ?? (e instanceof Error ? e.message : e));
  const first = stderr.trim().split("\n").slice(0, ERROR_LINES).join("\n");
  return new LabError(
    "emit-invalid",
    [{ path: what, message: `the C compiler rejected it:\n${first}` }],
    "the C lowering (src/emit/native/lower-c.ts) produced code the compiler rejects: this is a dispatch-lab bug, please report it with the spec",
  );
}

async function compileUnit(cc: string, flags: readonly string[], dir: string, unit: string, source: string): Promise<string> {
  const hash = createHash("sha256")
    .update(JSON.stringify([cc, flags, source]))
    .digest("hex")
    .slice(0, 16);
  const stem = `${unit.replace(/\.c$/, "")}-${hash}`;
  const object = join(dir, `${stem}.o`);
  let job = building.get(object);
  if (!job) {
    job = (async () => {
      writeFileSync(join(dir, `${stem}.c`), source);
      await exec(cc, [...flags, "-c", `${stem}.c`, "-o", `${stem}.o`], dir).catch((e: unknown) => {
        throw compilerFailure(unit, e);
      });
    })();
    building.set(object, job);
    job.catch(() => building.delete(object));
  }
  await job;
  return object;
}

/** The timing child's unit name in a build (its object is `native-child-<hash>.o`). */
export const NATIVE_CHILD_UNIT = "native-child.c";

/** The timing child's source (not generated), in the package beside child.ts. */
export const NATIVE_CHILD_SOURCE = join(packageRoot, "src", "run", "native-child.c");

let childSource: string | undefined;
/** Read once per process: every build links the same child. */
const nativeChildSource = (): string => (childSource ??= readFileSync(NATIVE_CHILD_SOURCE, "utf8"));

/** Compile handlers.c, dispatch.c, harness.c and the timing child (native-child.c) apart, then link them into `dir/name`. */
export async function compileNative(units: CUnits, options: CompileOptions = {}): Promise<CompileOutcome> {
  const cc = options.cc ?? "cc";
  const version = await compilerVersion(cc);
  if (typeof version !== "string") return version;
  const flags = [...(options.flags ?? NATIVE_FLAGS), ...(options.extraFlags ?? [])];
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "dispatch-lab-native-"));
  const name = options.name ?? "dispatch";
  const sources: [string, string][] = [...Object.entries(units), [NATIVE_CHILD_UNIT, nativeChildSource()]];
  const objects = await Promise.all(sources.map(([unit, source]) => compileUnit(cc, flags, dir, unit, source)));
  const binary = join(dir, name);
  await exec(cc, [...flags, ...objects, "-o", binary], dir).catch((e: unknown) => {
    throw compilerFailure(`${name} (link)`, e);
  });
  const byUnit = Object.fromEntries(sources.map(([unit], i) => [unit, objects[i]!])) as Compiled["objects"];
  return { ok: true, binary, compiler: cc, version, flags, dir, objects: byUnit };
}
