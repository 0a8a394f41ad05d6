/**
 * From the engines a user named to the binaries that run them: `node` is
 * the node running the lab; a path given with --engine-path wins; else the
 * newest installed version the name admits. A name with no binary is a
 * usage error naming the command that installs it.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { LabError } from "../errors.js";
import { ENGINE_KINDS, parseEngines, versionMatches, type EngineKind, type EngineRef } from "../model/engines.js";
import { installedEngines, probeEngine } from "./installed.js";

/** An engine ready to start children: its binary and its exact versions. */
export interface ResolvedEngine {
  ref: EngineRef;
  kind: EngineKind;
  /** The binary's absolute path. */
  path: string;
  version: string;
  vm: string;
  /** Where the binary came from: the lab's own node, --engine-path, or the cache. */
  source: "running" | "path" | "installed";
}

/** `node@24=/opt/node24/bin/node,deno=/usr/bin/deno`: engine name -> binary path. */
export function parseEnginePaths(list: string | undefined, option = "--engine-path"): Map<string, string> {
  const paths = new Map<string, string>();
  for (const item of (list ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = item.indexOf("=");
    if (eq <= 0 || eq === item.length - 1)
      throw new LabError("usage", [{ path: option, message: `"${item}" is not NAME=PATH` }], `e.g. ${option} node@24=/opt/node-24/bin/node`);
    const [ref] = parseEngines(item.slice(0, eq), option);
    if (paths.has(ref!.name)) throw new LabError("usage", [{ path: option, message: `${ref!.name} given twice` }], "give each engine one path");
    paths.set(ref!.name, resolve(item.slice(eq + 1)));
  }
  return paths;
}

/** What a binary is, when it is not the engine its name says: another kind's probe that it answers. */
function whatItIs(path: string, not: EngineKind): { kind: EngineKind; version: string } | null {
  for (const kind of ENGINE_KINDS) {
    if (kind === not) continue;
    const probed = probeEngine(kind, path);
    if (!("why" in probed)) return { kind, version: probed.version };
  }
  return null;
}

function fromPath(ref: EngineRef, path: string): ResolvedEngine {
  if (ref.kind === "node" && ref.version === null)
    throw new LabError(
      "usage",
      [{ path: "--engine-path", message: `node=${path}: \`node\` is the node running the lab (${process.versions.node})` }],
      `name the binary by its version: --engines node@MAJOR --engine-path node@MAJOR=${path}`,
    );
  const probed = existsSync(path) ? probeEngine(ref.kind, path) : { why: "no such file" };
  if ("why" in probed) {
    const other = probed.why === "no such file" ? null : whatItIs(path, ref.kind);
    if (other)
      throw new LabError(
        "usage",
        [{ path: "--engine-path", message: `${ref.name}=${path} is ${other.kind} ${other.version}, not ${ref.kind}` }],
        `name it as what it is: --engines ${other.kind}@${other.version} --engine-path ${other.kind}@${other.version}=${path}`,
      );
    throw new LabError("usage", [{ path: "--engine-path", message: `${ref.name}=${path}: ${probed.why}` }], `give the path of a ${ref.kind} binary`);
  }
  if (ref.version !== null && !versionMatches(ref.version, probed.version))
    throw new LabError(
      "usage",
      [{ path: "--engine-path", message: `${ref.name}=${path} is ${ref.kind} ${probed.version}, not ${ref.version}` }],
      `name it as what it is: --engine-path ${ref.kind}@${probed.version}=${path}`,
    );
  return { ref, kind: ref.kind, path, ...probed, source: "path" };
}

/**
 * Resolve every engine before anything is built or started: a missing one
 * is exit 2 with its install command, not a failed cell per strategy.
 */
export function resolveEngines(
  refs: readonly EngineRef[],
  paths: ReadonlyMap<string, string> = new Map(),
  env: NodeJS.ProcessEnv = process.env,
  option = "--engines",
): ResolvedEngine[] {
  for (const name of paths.keys())
    if (!refs.some((r) => r.name === name))
      throw new LabError(
        "usage",
        [{ path: "--engine-path", message: `${name} is not among the engines measured` }],
        `add it: --engines ${[...refs.map((r) => r.name), name].join(",")}`,
      );
  const installed = installedEngines(env);
  const missing: EngineRef[] = [];
  const resolved = refs.flatMap((ref): ResolvedEngine[] => {
    const path = paths.get(ref.name);
    if (path) return [fromPath(ref, path)];
    if (ref.kind === "node" && ref.version === null)
      return [{ ref, kind: "node", path: process.execPath, version: process.versions.node, vm: `V8 ${process.versions.v8}`, source: "running" }];
    const found = installed.find((e) => e.kind === ref.kind && (ref.version === null || versionMatches(ref.version, e.version)));
    if (found) return [{ ref, kind: ref.kind, path: found.path, version: found.version, vm: found.vm, source: "installed" }];
    missing.push(ref);
    return [];
  });
  if (missing.length) {
    // `node@20` while the lab runs on Node 20: the running one is `node`.
    const running = missing.find((r) => r.kind === "node" && versionMatches(r.version!, process.versions.node));
    throw new LabError(
      "engine-missing",
      missing.map((r) => ({ path: option, message: `${r.name} is not installed` })),
      `dispatch-lab engines install ${missing.map((r) => r.name).join(" ")} (or give a binary: --engine-path ${missing[0]!.name}=PATH)${running ? `; the node running the lab is ${process.versions.node}: name it \`node\`` : ""}`,
    );
  }
  // Two names for one binary (node@24 and node@24.22) would measure one engine twice as two.
  resolved.forEach((e, i) => {
    const first = resolved.findIndex((o) => o.path === e.path && o.version === e.version);
    if (first < i)
      throw new LabError(
        "usage",
        [{ path: option, message: `${resolved[first]!.ref.name} and ${e.ref.name} are both ${e.kind} ${e.version} (${e.path})` }],
        "name each engine once",
      );
  });
  return resolved;
}
