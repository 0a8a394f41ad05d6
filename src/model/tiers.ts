import { LabError } from "../errors.js";
import { nameList } from "../names.js";
import { didYouMean, nearest } from "../suggest.js";

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

/**
 * The tier of a native cell (`--engines native`): machine code has no V8
 * tier, and a native cell is measured once whatever --tiers says. Never a
 * value of --tiers.
 */
export const NATIVE_TIER = "native";

/** What a cell's tier is: a V8 tier, or native for a native build. */
export type CellTier = Tier | typeof NATIVE_TIER;

/** `a,b` to tiers (default turbofan); an unknown tier (with the nearest suggested), an empty list or a tier given twice is a usage error. */
export function parseTiers(list: string | undefined): Tier[] {
  const names = nameList(list ?? "turbofan", { option: "--tiers", what: "tier", example: "turbofan,liftoff" });
  const bad = names.filter((n) => !Object.hasOwn(TIERS, n));
  if (bad.length)
    throw new LabError(
      "usage",
      [{ path: "--tiers", message: `unknown tier ${bad.map((b) => `"${b}"`).join(", ")}` }],
      `${didYouMean(bad.map((b) => nearest(b, Object.keys(TIERS))))}tiers: ${Object.keys(TIERS).join(", ")}`,
    );
  return names as Tier[];
}
