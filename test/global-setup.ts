/**
 * Once per `vitest run`, before any test file:
 *
 * - Tests import src/ but fork dist/ (the CLI, cell children, emit and check
 *   workers) and load build/bodies.wasm: a build older than its sources
 *   would test a mix of two versions, so a stale one fails the run here,
 *   naming the files (npm test builds first).
 * - Every temporary folder of the run (the tests' mkdtemp, and those of the
 *   processes they start) lands under one root, removed at the end: TMPDIR
 *   is set before the test workers are started, and they and their
 *   children inherit it.
 * - GITHUB_STEP_SUMMARY is unset, so no test appends to a real CI step
 *   summary (tests that want one set their own).
 * - The module cache (src/lab/module-cache.ts) is a folder under that root
 *   (DISPATCH_LAB_MODULE_CACHE): no test reads a module the user's cache
 *   holds or leaves one there, while the suite's tests still share what
 *   they emit. DISPATCH_LAB_CACHE and XDG_CACHE_HOME are left alone: tests
 *   use the engines installed in the user cache (node@24, deno, bun).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dirname, "..");

/** Every file under `dir` (relative paths, sorted) whose name ends with `ext`; declarations emit nothing. */
function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(ext) && !f.endsWith(".d.ts"))
    .sort();
}

const mtime = (path: string): number | undefined => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

/** Sources whose build output is missing or older than they are. */
export function staleOutputs(root = ROOT): string[] {
  const pairs: [string, string][] = filesUnder(join(root, "src"), ".ts").map((f) => [
    join(root, "src", f),
    join(root, "dist", "src", f.replace(/\.ts$/, ".js")),
  ]);
  pairs.push([join(root, "assembly", "bodies.ts"), join(root, "build", "bodies.wasm")]);
  return pairs
    .filter(([source, output]) => (mtime(output) ?? -Infinity) < mtime(source)!)
    .map(([source, output]) => `${relative(root, output)} (from ${relative(root, source)})`);
}

export default function setup(): () => void {
  const stale = staleOutputs();
  if (stale.length) {
    const list = stale.slice(0, 5).join(", ") + (stale.length > 5 ? `, and ${stale.length - 5} more` : "");
    throw new Error(
      `the build is older than its sources: ${list}. Tests fork dist/ and load build/bodies.wasm: run \`npm run build\` (npm test does) or \`npx tsc -p tsconfig.json\` first.`,
    );
  }
  const saved = {
    TMPDIR: process.env["TMPDIR"],
    GITHUB_STEP_SUMMARY: process.env["GITHUB_STEP_SUMMARY"],
    DISPATCH_LAB_MODULE_CACHE: process.env["DISPATCH_LAB_MODULE_CACHE"],
  };
  const root = mkdtempSync(join(tmpdir(), "dispatch-lab-test-"));
  process.env["TMPDIR"] = root;
  process.env["DISPATCH_LAB_MODULE_CACHE"] = join(root, "module-cache");
  delete process.env["GITHUB_STEP_SUMMARY"];
  return () => {
    rmSync(root, { recursive: true, force: true });
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
