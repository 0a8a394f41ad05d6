/**
 * `emit` for the library and the CLI: a spec and strategies in, validated
 * and audited modules out. Modules come from the module cache when it holds
 * them (module-cache.ts); binaryen and the body library (emit/emit.ts,
 * emit/bodies.ts: ~1 s to load) are imported only for the ones it lacks.
 */
import { join, resolve } from "node:path";
import type { EmittedModule } from "../emit/emit.js";
import { selectStrategies } from "../emit/strategies/index.js";
import { packageRoot, toolVersions } from "../paths.js";
import { loadSpec, specHash } from "../spec/load.js";
import type { Spec } from "../spec/types.js";
import { lookUp, openModuleCache, store } from "./module-cache.js";

export interface EmitRequest {
  /** A spec (validated), a file path, or a built-in name such as "xen:pv64". */
  spec: string | Spec;
  /** "a,b", "all", or undefined for every strategy but hazard variants. */
  strategies?: string | undefined;
  /** An AssemblyScript file of extra body kinds. */
  bodies?: string | undefined;
  withText?: boolean;
  /** false: neither read nor write the module cache (`--no-cache`); default true. */
  cache?: boolean;
}

export interface EmitResult {
  spec: Spec;
  specHash: string;
  /** The body sources compiled into every module: the built-in library, then the --bodies file. */
  library: { sources: string[] };
  modules: EmittedModule[];
  toolVersions: Record<string, string>;
  /** How many modules came from the module cache and how many were emitted; null when the cache was off. */
  cache: { hits: number; misses: number } | null;
}

/** What bodies.ts compiles (its BUILTIN_SOURCE, then the user's file), known without loading it. */
const bodySources = (bodies: string | undefined): string[] => [join(packageRoot, "assembly", "bodies.ts"), ...(bodies ? [resolve(bodies)] : [])];

/** Emit `strategies` now (binaryen loads here, once per process), in order. */
async function emitNow(spec: Spec, strategies: string[], bodies: string | undefined, withText: boolean): Promise<EmittedModule[]> {
  const [{ loadBodyLibrary }, { emitModules }] = await Promise.all([import("../emit/bodies.js"), import("../emit/emit.js")]);
  const library = await loadBodyLibrary(bodies);
  return emitModules(spec, selectStrategies(strategies.join(",")), { library, withText });
}

export async function emit(request: EmitRequest): Promise<EmitResult> {
  const spec = typeof request.spec === "string" ? loadSpec(request.spec) : request.spec;
  const names = selectStrategies(request.strategies).map((s) => s.name);
  const withText = request.withText ?? false;
  const hash = specHash(spec);
  const cache = openModuleCache(request.cache);
  const { found, inputs } = lookUp(cache, hash, names, request.bodies, withText);
  const missing = names.filter((_, i) => !found[i]);
  const emitted = missing.length ? await emitNow(spec, missing, request.bodies, withText) : [];
  if (cache && inputs)
    store(
      cache,
      request.bodies,
      emitted.map((module) => ({ inputs: inputs[names.indexOf(module.strategy)]!, module })),
    );
  let next = 0;
  const modules = found.map((m) => m ?? emitted[next++]!);
  const cached = cache ? { hits: names.length - missing.length, misses: missing.length } : null;
  return { spec, specHash: hash, library: { sources: bodySources(request.bodies) }, modules, toolVersions: toolVersions(), cache: cached };
}
