/** The sweep kinds, by name: adding one is adding a file and a line. */
import type { SweepKind } from "../../model/sweep.js";
import type { SweepKindDef } from "../kind.js";
import { body } from "./body.js";
import { crossover } from "./crossover.js";
import { position } from "./position.js";
import { scale } from "./scale.js";

export const SWEEP_KINDS: Readonly<Record<SweepKind, SweepKindDef>> = { position, scale, crossover, body };

export const isSweepKind = (name: string): name is SweepKind => Object.hasOwn(SWEEP_KINDS, name);
