import { LabError } from "../errors.js";

/**
 * V8 tiers and the flags that select them. NODE_OPTIONS rejects wasm flags
 * and worker threads reject V8 flags, so each cell is a child process with
 * these flags in its execArgv. `--liftoff --no-wasm-tier-up` does NOT keep
 * code in Liftoff under dynamic tiering; `--liftoff-only` does.
 */
export const TIERS = {
  /** Optimizing compiler only: everything compiled by TurboFan up front. */
  turbofan: ["--no-liftoff"],
  /** Baseline compiler only. */
  liftoff: ["--liftoff-only"],
  /** V8's default dynamic tiering; samples are taken after warm-up, once `run` has tiered up. */
  tiered: [],
} as const satisfies Record<string, readonly string[]>;

export type Tier = keyof typeof TIERS;

export function parseTiers(list: string | undefined): Tier[] {
  const names = (list ?? "turbofan").split(",").map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !Object.hasOwn(TIERS, n));
  if (bad.length || names.length === 0)
    throw new LabError("usage", [{ path: "--tiers", message: bad.length ? `unknown tier ${bad.map((b) => `"${b}"`).join(", ")}` : "no tier named" }], `tiers: ${Object.keys(TIERS).join(", ")}`);
  return [...new Set(names)] as Tier[];
}
