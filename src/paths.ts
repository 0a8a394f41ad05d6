import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package root (the folder holding package.json), found by walking up
 * from this file, so the same code works from src/ (tests) and dist/src/ (CLI).
 */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("dispatch-lab: package.json not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
})();

export const dataPath = (...parts: string[]): string => join(packageRoot, "data", ...parts);
