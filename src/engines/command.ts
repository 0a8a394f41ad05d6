/**
 * The command line a cell's child starts with: the engine's driver (kinds/)
 * says how its binary takes the tier's and the inlining mode's flags.
 */
import type { ChildCommand, EngineFeature, Inlining } from "../model/engines.js";
import type { Tier } from "../model/tiers.js";
import { DRIVERS } from "./kinds/index.js";
import type { InliningCheck } from "./kinds/types.js";
import type { ResolvedEngine } from "./resolve.js";

/** The child's command, and its flags as a cell records them (V8 flags, or JSC options NAME=VALUE). */
export const childCommand = (engine: ResolvedEngine, tier: Tier, inlining: Inlining): { command: ChildCommand; flags: string[] } =>
  DRIVERS[engine.kind].command(engine, tier, inlining);

/** Whether an engine runs a wasm feature a strategy needs (true), or why not. */
export const supportsFeature = (engine: ResolvedEngine, feature: EngineFeature): true | string => DRIVERS[engine.kind].supports(engine, feature);

/** The command of an inlining probe: the cell's, with the engine's trace (or option listing) switched on. */
export function probeCommand(engine: ResolvedEngine, tier: Tier, inlining: Inlining): { command: ChildCommand; check: InliningCheck } {
  const driver = DRIVERS[engine.kind];
  const check = driver.inliningCheck(engine);
  const { command } = driver.command(engine, tier, inlining, check.flags);
  return { command: { ...command, env: { ...command.env, ...check.env } }, check };
}
