import { join } from "node:path";
import { cacheRoot } from "../cache.js";
import type { EngineDriver } from "./types.js";
import { v8Supports, v8Flags, v8InliningCheck } from "./v8.js";

const PACKAGES: Record<string, string> = {
  "linux-x64": "@deno/linux-x64-glibc",
  "linux-arm64": "@deno/linux-arm64-glibc",
  "darwin-x64": "@deno/darwin-x64",
  "darwin-arm64": "@deno/darwin-arm64",
};

/**
 * Deno: npm ships its binary per platform under @deno (the package's root
 * holds `deno`). A child runs with only the permissions it needs (the
 * orphan guard's variable) and its V8 flags in one --v8-flags; its cache
 * lives in the lab's cache, not the user's Deno folder.
 */
export const deno: EngineDriver = {
  kind: "deno",
  npmPackage: (platform, arch) => PACKAGES[`${platform}-${arch}`] ?? null,
  binaryInPackage: "deno",
  probeArgs: ["eval", "console.log(JSON.stringify(Deno.version))"],
  readProbe: (v) => (typeof v["deno"] === "string" && typeof v["v8"] === "string" ? { version: v["deno"], vm: `V8 ${v["v8"]}` } : null),
  command(engine, tier, inlining, extra = []) {
    const flags = v8Flags(engine.vm, tier, inlining, extra);
    return {
      command: {
        binary: engine.path,
        args: [
          "run",
          "--quiet",
          "--no-config",
          "--no-lock",
          "--allow-env=DISPATCH_LAB_GUARD",
          "--allow-read=/proc/self/status",
          `--v8-flags=${flags.join(",")}`,
        ],
        env: { DENO_DIR: join(cacheRoot(), "deno"), DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1", NO_COLOR: "1" },
      },
      flags,
    };
  },
  supports: (engine, feature) => v8Supports(engine.vm, feature),
  inliningCheck: v8InliningCheck,
};
