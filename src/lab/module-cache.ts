/**
 * The module cache: emitted, validated and audited modules kept by content
 * in the user cache (docs/cache.md), so `emit`, `check`, `run` and `sweep`
 * load binaryen only for what they have never emitted.
 *
 * An entry is keyed by everything that determines its bytes and audit: the
 * spec's content (specHash: its canonical JSON, not the argument that named
 * it), the strategy, the --bodies file's content (and what it imports), and
 * the lab's fingerprint (its version plus a hash of the code that emits).
 * Layout: `<dir>/<lab fingerprint, 16 hex>/<key>.module`, one file per
 * module: a JSON header line, then the wasm bytes, then the .wat text when
 * it was produced. Entries are written atomically (temp file + rename); one
 * that is unreadable, truncated, corrupt or for other inputs is a miss (the
 * emit that follows rewrites it), never an error. The cache is best effort:
 * a write that fails (read-only disk, full disk) leaves the work done.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { cacheRoot } from "../engines/cache.js";
import type { EmittedModule } from "../emit/emit.js";
import { writeFileAtomic } from "../io.js";
import type { ModuleAudit } from "../model/cells.js";
import { dependencyVersion, packageRoot } from "../paths.js";

export const MODULE_CACHE_SCHEMA = "dispatch-lab/module-cache@1";

/** A module as the cache holds it: an EmittedModule, its text only when it was asked for. */
export type CachedModule = Omit<EmittedModule, "text"> & { text?: string };

/** What, besides the lab itself, determines a module: the spec's content, the strategy, the bodies' content. */
export interface ModuleInputs {
  /** specHash(spec): sha256 of the validated spec's canonical JSON (its name included: it is in the module). */
  specHash: string;
  strategy: string;
  /** bodiesHash(--bodies file), or null for the built-in bodies alone. */
  bodies: string | null;
}

/** Where entries live: $DISPATCH_LAB_MODULE_CACHE, else `modules/` in the user cache (engines/cache.ts). */
export function moduleCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env["DISPATCH_LAB_MODULE_CACHE"] || join(cacheRoot(env), "modules");
}

const sha256 = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** Every file under `dir` whose name ends with `ext` (declarations and maps excluded), sorted; none when it is absent. */
function codeFiles(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(ext) && !f.endsWith(".d.ts"))
    .sort();
}

const fingerprints = new Map<string, string>();

/**
 * The lab's fingerprint: its package version, the installed binaryen and
 * assemblyscript versions, and the content of the code that emits (the
 * compiled dist/src/emit/**, or src/emit/** where there is no build), of
 * build/bodies.wasm and of assembly/bodies.ts (compiled with every --bodies
 * file). A rebuilt lab never reads an older build's modules. Once per
 * process: ~150 kB read and hashed.
 */
export function labFingerprint(root: string = packageRoot): string {
  const known = fingerprints.get(root);
  if (known) return known;
  const hash = createHash("sha256");
  const part = (name: string, data: string | Uint8Array) => hash.update(`${name}\0${data.length}\0`).update(data);
  part("version", (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version);
  part("binaryen", dependencyVersion("binaryen"));
  part("assemblyscript", dependencyVersion("assemblyscript", "assemblyscript/asc"));
  const built = join(root, "dist", "src", "emit");
  const [dir, ext] = existsSync(built) ? [built, ".js"] : [join(root, "src", "emit"), ".ts"];
  for (const f of codeFiles(dir, ext)) part(`emit/${f}`, readFileSync(join(dir, f)));
  for (const f of ["build/bodies.wasm", "assembly/bodies.ts"]) {
    const path = join(root, f);
    part(f, existsSync(path) ? readFileSync(path) : "(none)");
  }
  const fingerprint = hash.digest("hex");
  fingerprints.set(root, fingerprint);
  return fingerprint;
}

/** The relative imports of an AssemblyScript source (`import ... from "./x"`, `export ... from "./x"`, `import "./x"`). */
const relativeImports = (source: string): string[] => [...source.matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']*)["']/g)].map((m) => m[1]!);

/** A relative import as asc resolves it: `x.ts` as written, else `x` + `.ts`, then `x/index.ts`. */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  return (base.endsWith(".ts") ? [base] : [`${base}.ts`, join(base, "index.ts")]).find(isFile);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The content hash of a --bodies file and of every file it imports by a
 * relative path (transitively): a changed helper file misses too. Package
 * imports are not followed (docs/cache.md). null for no file; undefined
 * when the file cannot be read (the emit that follows says why, and the
 * cache is not used).
 */
export function bodiesHash(file: string | null | undefined): string | null | undefined {
  if (!file) return null;
  const hash = createHash("sha256");
  const seen = new Set<string>();
  const visit = (path: string): boolean => {
    if (seen.has(path)) return true;
    seen.add(path);
    let source: string;
    try {
      source = readFileSync(path, "utf8");
    } catch {
      return false;
    }
    hash.update(`${source.length}\0`).update(source);
    for (const specifier of relativeImports(source)) {
      const target = resolveImport(path, specifier);
      hash.update(`\0${specifier}\0`);
      if (!target || !visit(target)) hash.update("(missing)");
    }
    return true;
  };
  return visit(resolve(file)) ? hash.digest("hex") : undefined;
}

/** An entry's header: the inputs it was made from (checked on read), what the module is, and the sizes and hashes of its payload. */
interface Header {
  schema: typeof MODULE_CACHE_SCHEMA;
  lab: string;
  inputs: ModuleInputs;
  control: boolean;
  hazard: boolean;
  audit: ModuleAudit;
  bytes: { length: number; sha256: string };
  text: { length: number; sha256: string } | null;
}

const sameInputs = (a: ModuleInputs, b: ModuleInputs): boolean => a.specHash === b.specHash && a.strategy === b.strategy && a.bodies === b.bodies;

/** The header of a file, or undefined when it is not one of ours for these inputs. */
function parseHeader(file: Buffer, lab: string, inputs: ModuleInputs): { header: Header; at: number } | undefined {
  const newline = file.indexOf(10);
  if (newline < 0) return undefined;
  const header = JSON.parse(file.subarray(0, newline).toString("utf8")) as Partial<Header> | null;
  if (header?.schema !== MODULE_CACHE_SCHEMA || header.lab !== lab || !header.inputs || !sameInputs(header.inputs, inputs)) return undefined;
  if (!header.bytes || !header.audit || header.audit.strategy !== inputs.strategy || !Array.isArray(header.audit.violations)) return undefined;
  return { header: header as Header, at: newline + 1 };
}

/** One stored module: its entry file, checked against its inputs and its payload's hashes. */
export class ModuleCache {
  constructor(
    /** The cache folder (moduleCacheDir()). */
    readonly dir: string,
    /** This lab's fingerprint (labFingerprint()). */
    readonly lab: string = labFingerprint(),
  ) {}

  /** The entry file of a module: under the lab's own folder, so an older build's entries can be deleted as a whole. */
  path(inputs: ModuleInputs): string {
    const key = sha256(JSON.stringify([MODULE_CACHE_SCHEMA, this.lab, inputs.specHash, inputs.strategy, inputs.bodies]));
    return join(this.dir, this.lab.slice(0, 16), `${key}.module`);
  }

  /** The module, or undefined (a miss) when there is none, it cannot be read, is damaged, or lacks the text `withText` needs. */
  get(inputs: ModuleInputs, withText = false): CachedModule | undefined {
    try {
      const file = readFileSync(this.path(inputs));
      const parsed = parseHeader(file, this.lab, inputs);
      if (!parsed || (withText && !parsed.header.text)) return undefined;
      const { header, at } = parsed;
      const textAt = at + header.bytes.length;
      if (file.length !== textAt + (header.text?.length ?? 0)) return undefined;
      // A copy, not a view of the file's buffer: the bytes travel to workers and child processes on their own.
      const bytes = new Uint8Array(file.subarray(at, textAt));
      if (sha256(bytes) !== header.bytes.sha256) return undefined;
      const module: CachedModule = {
        strategy: inputs.strategy,
        control: header.control === true,
        hazard: header.hazard === true,
        bytes,
        audit: header.audit,
        specHash: inputs.specHash,
      };
      if (!withText || !header.text) return module;
      const text = file.subarray(textAt);
      return sha256(text) === header.text.sha256 ? { ...module, text: text.toString("utf8") } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Store a module (atomically: readers see the old entry or the new one); false when it could not be written. */
  put(inputs: ModuleInputs, module: CachedModule): boolean {
    const text = module.text === undefined ? undefined : Buffer.from(module.text, "utf8");
    const header: Header = {
      schema: MODULE_CACHE_SCHEMA,
      lab: this.lab,
      inputs,
      control: module.control,
      hazard: module.hazard,
      audit: module.audit,
      bytes: { length: module.bytes.length, sha256: sha256(module.bytes) },
      text: text ? { length: text.length, sha256: sha256(text) } : null,
    };
    try {
      writeFileAtomic(this.path(inputs), Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, "utf8"), module.bytes, ...(text ? [text] : [])]));
      return true;
    } catch {
      return false; // best effort: the module was emitted, only not kept
    }
  }
}

/** The cache for a request: undefined when it is off (`--no-cache`, `cache: false`). */
export const openModuleCache = (cache: boolean | undefined, dir: string = moduleCacheDir()): ModuleCache | undefined =>
  cache === false ? undefined : new ModuleCache(dir);

/**
 * The cached modules of one spec's strategies, in order (undefined: a miss),
 * and the inputs each is stored under. No cache, or a --bodies file that
 * cannot be read: every one a miss, nothing to store.
 */
export function lookUp(
  cache: ModuleCache | undefined,
  specHash: string,
  strategies: readonly string[],
  bodies: string | null | undefined,
  withText = false,
): { found: (CachedModule | undefined)[]; inputs: ModuleInputs[] | undefined } {
  const hashed = cache ? bodiesHash(bodies) : undefined;
  if (!cache || hashed === undefined) return { found: strategies.map(() => undefined), inputs: undefined };
  const inputs = strategies.map((strategy) => ({ specHash, strategy, bodies: hashed }));
  return { found: inputs.map((i) => cache.get(i, withText)), inputs };
}

/**
 * Store freshly emitted modules under their inputs, unless the --bodies file
 * changed while they were emitted (they may have been compiled from either
 * version: keeping them under the old hash could serve a stale module).
 */
export function store(cache: ModuleCache, bodies: string | null | undefined, entries: readonly { inputs: ModuleInputs; module: CachedModule }[]): void {
  if (!entries.length || bodiesHash(bodies) !== entries[0]!.inputs.bodies) return;
  for (const { inputs, module } of entries) cache.put(inputs, module);
}
