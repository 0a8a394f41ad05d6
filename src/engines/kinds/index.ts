import type { EngineKind } from "../../model/engines.js";
import { bun } from "./bun.js";
import { deno } from "./deno.js";
import { node } from "./node.js";
import type { EngineDriver } from "./types.js";

export type { EngineDriver } from "./types.js";

/** The engine registry: adding a kind of engine is adding a file and a line here (and its name to ENGINE_KINDS). */
export const DRIVERS: Readonly<Record<EngineKind, EngineDriver>> = { node, deno, bun };
