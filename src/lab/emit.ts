/** `emit` for the library and the CLI: a spec and strategies in, validated and audited modules out. */
import { loadBodyLibrary, type BodyLibrary } from "../emit/bodies.js";
import { emitModules, type EmittedModule } from "../emit/emit.js";
import { selectStrategies } from "../emit/strategies/index.js";
import { toolVersions } from "../paths.js";
import { loadSpec } from "../spec/load.js";
import type { Spec } from "../spec/types.js";

export interface EmitRequest {
  /** A spec (validated), a file path, or a built-in name such as "xen:pv64". */
  spec: string | Spec;
  /** "a,b", "all", or undefined for every strategy but hazard variants. */
  strategies?: string | undefined;
  /** An AssemblyScript file of extra body kinds. */
  bodies?: string | undefined;
  withText?: boolean;
}

export interface EmitResult {
  spec: Spec;
  specHash: string;
  library: BodyLibrary;
  modules: EmittedModule[];
  toolVersions: Record<string, string>;
}

export async function emit(request: EmitRequest): Promise<EmitResult> {
  const spec = typeof request.spec === "string" ? loadSpec(request.spec) : request.spec;
  const chosen = selectStrategies(request.strategies);
  const library = await loadBodyLibrary(request.bodies);
  const modules = emitModules(spec, chosen, { library, withText: request.withText ?? false });
  // emitModules hashed the spec once for every module's self-description: reuse it.
  return { spec, specHash: modules[0]!.specHash, library, modules, toolVersions: toolVersions() };
}
