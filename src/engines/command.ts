/**
 * The command line a cell's child starts with: the engine's driver (kinds/)
 * says how its binary takes the tier's and the inlining mode's flags.
 */
import type { ChildCommand, Inlining } from "../model/engines.js";
import type { Tier } from "../model/tiers.js";
import { DRIVERS } from "./kinds/index.js";
import type { ResolvedEngine } from "./resolve.js";

/** The child's command, and its flags as a cell records them (V8 flags, or JSC options NAME=VALUE). */
export const childCommand = (engine: ResolvedEngine, tier: Tier, inlining: Inlining): { command: ChildCommand; flags: string[] } =>
  DRIVERS[engine.kind].command(engine, tier, inlining);
