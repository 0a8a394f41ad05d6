/**
 * The per-user cache: `$DISPATCH_LAB_CACHE`, else
 * `${XDG_CACHE_HOME:-~/.cache}/dispatch-lab`. Installed engines live in
 * `engines/`, Deno's own cache in `deno/` (not the user's Deno folder).
 */
import { homedir } from "node:os";
import { join } from "node:path";

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env["DISPATCH_LAB_CACHE"]) return env["DISPATCH_LAB_CACHE"];
  return join(env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "dispatch-lab");
}

export const enginesRoot = (env: NodeJS.ProcessEnv = process.env): string => join(cacheRoot(env), "engines");
