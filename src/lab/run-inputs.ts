/**
 * What a run measures, loaded from its config: the spec (and its content
 * hash), every workload's stream and every engine's binary, each checked
 * before a process starts or a file is written.
 */
import { resolveEngines, type ResolvedEngine } from "../engines/resolve.js";
import { resolveNative, type NativeEngine } from "../emit/native/resolve.js";
import { parseMeasuredEngines } from "../model/engines.js";
import type { RunConfig } from "../model/results.js";
import { loadSpec, specHash } from "../spec/load.js";
import type { Spec } from "../spec/types.js";
import { buildWorkload, type Workload } from "../workload/index.js";

export interface RunInputs {
  config: RunConfig;
  spec: Spec;
  hash: string;
  workloads: Map<string, Workload>;
  /** config.engines' wasm engines resolved to binaries, in its order. */
  engines: ResolvedEngine[];
  /** config.engines' native engines with their compiler and flags (or why they are skipped), in its order. */
  natives: NativeEngine[];
}

/**
 * `load` resolves the spec argument (a caller that loaded it already passes
 * its copy: xen-defs: parses a C file); `enginePaths` are --engine-path's
 * binaries by engine name.
 */
export function prepareRunInputs(config: RunConfig, load: (spec: string) => Spec = loadSpec, enginePaths: ReadonlyMap<string, string> = new Map()): RunInputs {
  const measured = parseMeasuredEngines(config.engines);
  const engines = resolveEngines(measured.wasm, enginePaths);
  const natives = resolveNative(measured.native, config.cc);
  const spec = load(config.spec);
  const workloads = new Map(config.workloads.map((w) => [w, buildWorkload(w, spec, { seed: config.seed, length: config.streamLength })]));
  return { config, spec, hash: specHash(spec), workloads, engines, natives };
}
