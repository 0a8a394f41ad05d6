import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package root (the folder holding package.json), found by walking up
 * from this file, so the same code works from src/ (tests) and dist/src/ (CLI).
 */
export const packageRoot: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`dispatch-lab: no package.json above ${start}`);
    dir = up;
  }
  return dir;
}

/**
 * The installed version of a dependency, wherever npm placed it (hoisted or
 * nested): resolve one of its entry points, then walk up to its package.json.
 */
export function dependencyVersion(name: string, entry: string = name): string {
  const root = findPackageRoot(dirname(fileURLToPath(import.meta.resolve(entry))));
  return (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
}

export const dataPath = (...parts: string[]): string => join(packageRoot, "data", ...parts);

/** The versions that shaped the bytes and the timings: recorded in every manifest and results file. */
export function toolVersions(): Record<string, string> {
  return {
    "dispatch-lab": (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string }).version,
    binaryen: dependencyVersion("binaryen"),
    assemblyscript: dependencyVersion("assemblyscript", "assemblyscript/asc"),
    node: process.versions.node,
    v8: process.versions.v8,
  };
}
