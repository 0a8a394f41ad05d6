/**
 * `engines install`: an engine's binary from the npm registry package that
 * ships it (the registry is what every machine that installed the lab can
 * reach), unpacked into the per-user cache (installed.ts). npm does the
 * fetching (its registry, proxy and auth settings apply) and `tar` the
 * unpacking; the folder is renamed into place only once its binary has
 * answered, so a stopped install leaves no engine behind.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { LabError } from "../errors.js";
import { writeFileAtomic } from "../io.js";
import type { EngineRef } from "../model/engines.js";
import { byNewest, versionMatches } from "../model/engines.js";
import { enginesRoot } from "./cache.js";
import { installedEngines, probeEngine, type EngineManifest, type InstalledEngine } from "./installed.js";
import { DRIVERS } from "./kinds/index.js";

const run = promisify(execFile);

const FIX = "check the network and the npm registry (`npm config get registry`), or give a binary you already have: --engine-path NAME=PATH";

/** The first line of what npm said that names the problem. */
function npmProblem(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { stderr?: string };
  if (err.code === "ENOENT") return "npm is not on PATH";
  const said = err.stderr ?? err.message;
  if (/\bE404\b/.test(said)) return "no such package or version on the npm registry (E404)";
  const network = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ENETUNREACH|ECONNRESET|EHOSTUNREACH)\b/.exec(said);
  if (network) return `the npm registry cannot be reached (${network[1]}): offline, or behind a proxy npm is not told of?`;
  const lines = said.split("\n").map((l) => l.replace(/^npm (error|ERR!)\s*/, "").trim());
  return lines.find((l) => /E[A-Z0-9]{3,}|not found|No matching version|network|offline/i.test(l)) ?? lines.find(Boolean) ?? "npm failed";
}

async function npm(args: string[], cwd: string, what: string, name: string): Promise<string> {
  try {
    // One retry and a minute per request (unless the user's npm settings say otherwise): offline, the answer comes in about a minute, not npm's default five.
    const patience = ["fetch-retries=1", "fetch-timeout=60000"].filter((f) => process.env[`npm_config_${f.split("=")[0]!.replace("-", "_")}`] === undefined);
    const flags = ["--loglevel=error", "--no-fund", "--no-audit", ...patience.map((f) => `--${f}`)];
    return (await run("npm", [...args, ...flags], { cwd, maxBuffer: 16 << 20, timeout: 10 * 60_000 })).stdout;
  } catch (e) {
    throw new LabError("engine-install", [{ path: name, message: `${what}: ${npmProblem(e)}` }], FIX);
  }
}

/** The newest published version of `pkg` that `ref` admits. */
async function newestPublished(pkg: string, ref: EngineRef, cwd: string): Promise<string> {
  const out = await npm(["view", `${pkg}@${ref.version ?? "latest"}`, "version", "--json"], cwd, `cannot list ${pkg}`, ref.name).catch((e: LabError) => {
    // npm answers a version range nothing matches with E404, as it answers a package that does not exist.
    if (ref.version !== null && /E404/.test(e.message))
      throw new LabError(
        "engine-install",
        [{ path: ref.name, message: `no published ${pkg} matches ${ref.version}` }],
        `see the versions: npm view ${pkg} versions`,
      );
    throw e;
  });
  const parsed = JSON.parse(out || "[]") as string | string[];
  const versions = (Array.isArray(parsed) ? parsed : [parsed]).filter((v) => ref.version === null || versionMatches(ref.version, v)).sort(byNewest);
  if (!versions[0])
    throw new LabError(
      "engine-install",
      [{ path: ref.name, message: `no published ${pkg} matches ${ref.version}` }],
      `see the versions: npm view ${pkg} versions`,
    );
  return versions[0];
}

/**
 * Install the newest published engine `ref` admits, unless that exact
 * version is installed already. `note` hears each step (they take seconds:
 * the tarballs are 30-50 MB).
 */
export async function installEngine(
  ref: EngineRef,
  note: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ engine: InstalledEngine; fresh: boolean }> {
  const driver = DRIVERS[ref.kind];
  const pkg = driver.npmPackage(process.platform, process.arch);
  if (!pkg)
    throw new LabError(
      "engine-install",
      [{ path: ref.name, message: `npm ships no ${ref.kind} binary for ${process.platform}-${process.arch}` }],
      `install ${ref.kind} yourself and give its binary: --engine-path ${ref.name}=PATH`,
    );
  const root = enginesRoot(env);
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, ".install-"));
  try {
    const version = await newestPublished(pkg, ref, work);
    const have = installedEngines(env).find((e) => e.kind === ref.kind && e.version === version);
    if (have) return { engine: have, fresh: false };
    const started = Date.now();
    note(`${ref.name}: downloading ${pkg}@${version} from the npm registry`);
    const packed = JSON.parse(
      await npm(["pack", `${pkg}@${version}`, "--json", "--pack-destination", work], work, `cannot download ${pkg}@${version}`, ref.name),
    ) as {
      filename: string;
      integrity: string;
    }[];
    const tarball = packed[0]!;
    note(`${ref.name}: unpacking (${((Date.now() - started) / 1000).toFixed(1)} s so far)`);
    try {
      await run("tar", ["-xzf", join(work, tarball.filename), "-C", work]);
    } catch (e) {
      throw new LabError("engine-install", [{ path: ref.name, message: `cannot unpack ${tarball.filename}: ${(e as Error).message}` }], "is `tar` on PATH?");
    }
    const unpacked = join(work, "package");
    const probed = probeEngine(ref.kind, join(unpacked, driver.binaryInPackage));
    if ("why" in probed)
      throw new LabError("engine-install", [{ path: ref.name, message: `${pkg}@${version}'s binary does not run here: ${probed.why}` }], FIX);
    const manifest: EngineManifest = {
      kind: ref.kind,
      version: probed.version,
      vm: probed.vm,
      package: `${pkg}@${version}`,
      integrity: tarball.integrity,
      binary: driver.binaryInPackage,
      installedAt: new Date().toISOString(),
    };
    writeFileAtomic(join(unpacked, "engine.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    const folder = join(root, ref.kind, probed.version);
    mkdirSync(join(root, ref.kind), { recursive: true });
    if (existsSync(folder)) rmSync(folder, { recursive: true, force: true }); // a folder without a manifest: a broken older copy
    renameSync(unpacked, folder);
    note(`${ref.name}: ${ref.kind} ${probed.version} (${probed.vm}) installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { engine: { ...manifest, folder, path: join(folder, manifest.binary) }, fresh: true };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
