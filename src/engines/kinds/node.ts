import type { EngineDriver } from "./types.js";
import { v8Supports, v8Flags, v8InliningCheck } from "./v8.js";

/** Node.js: npm ships every release's binary as `node-<platform>-<arch>` (bin/node); V8 flags go on its command line. */
export const node: EngineDriver = {
  kind: "node",
  npmPackage: (platform, arch) => (["linux", "darwin"].includes(platform) && ["x64", "arm64"].includes(arch) ? `node-${platform}-${arch}` : null),
  binaryInPackage: "bin/node",
  probeArgs: ["-e", "process.stdout.write(JSON.stringify(process.versions))"],
  // Bun answers to `node -e` too, with a made-up node version: it is not node when it names bun.
  readProbe: (v) => (typeof v["node"] === "string" && typeof v["v8"] === "string" && !("bun" in v) ? { version: v["node"], vm: `V8 ${v["v8"]}` } : null),
  command(engine, tier, inlining, extra = []) {
    const flags = v8Flags(engine.vm, tier, inlining, extra);
    return { command: { binary: engine.path, args: flags, env: {} }, flags };
  },
  supports: (engine, feature) => v8Supports(engine.vm, feature),
  inliningCheck: v8InliningCheck,
};
