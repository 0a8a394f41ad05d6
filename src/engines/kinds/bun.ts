import type { Tier } from "../../model/tiers.js";
import type { EngineDriver } from "./types.js";

const PACKAGES: Record<string, string> = {
  "linux-x64": "@oven/bun-linux-x64",
  "linux-arm64": "@oven/bun-linux-aarch64",
  "darwin-x64": "@oven/bun-darwin-x64",
  "darwin-arm64": "@oven/bun-darwin-aarch64",
};

/**
 * JavaScriptCore's wasm tiers by the lab's tier names (docs/engines.md):
 * its pipeline is an interpreter (IPInt), then BBQ (baseline), then OMG
 * (optimizing). `liftoff` is BBQ only; `turbofan` is as near to OMG only as
 * JSC allows (it refuses OMG without BBQ): no interpreter, and OMG at once;
 * `tiered` is its default.
 */
const TIER_OPTIONS: Record<Tier, Record<string, string>> = {
  turbofan: { useWasmIPInt: "0", thresholdForOMGOptimizeAfterWarmUp: "0", thresholdForOMGOptimizeSoon: "0" },
  liftoff: { useWasmIPInt: "0", useOMGJIT: "0" },
  tiered: {},
};

/**
 * Bun: npm ships its binary per platform under @oven (bin/bun). It takes no
 * V8 flags: JavaScriptCore options come as BUN_JSC_<name> variables (an
 * unknown one is fatal). It reports made-up `process.versions.node` and
 * `v8`: it is known by `bun` and `webkit` (the JavaScriptCore revision).
 */
export const bun: EngineDriver = {
  kind: "bun",
  npmPackage: (platform, arch) => PACKAGES[`${platform}-${arch}`] ?? null,
  binaryInPackage: "bin/bun",
  probeArgs: ["-e", "process.stdout.write(JSON.stringify(process.versions))"],
  readProbe: (v) =>
    typeof v["bun"] === "string" ? { version: v["bun"], vm: `JavaScriptCore ${typeof v["webkit"] === "string" ? v["webkit"] : "unknown"}` } : null,
  command(engine, tier, inlining) {
    const options = { ...TIER_OPTIONS[tier], ...(inlining === "off" ? { useOMGInlining: "0" } : {}) };
    const flags = Object.entries(options).map(([k, v]) => `${k}=${v}`);
    return { command: { binary: engine.path, args: [], env: Object.fromEntries(Object.entries(options).map(([k, v]) => [`BUN_JSC_${k}`, v])) }, flags };
  },
  supports: () => true,
  // No inlining trace: JSC lists the options it runs with on stderr (dumpOptions=1: those changed from their defaults).
  inliningCheck: () => ({ method: "options", flags: [], env: { BUN_JSC_dumpOptions: "1" }, inlined: /(?!)/, confirms: /useOMGInlining\s*=\s*false/ }),
};
