import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/paths.js";

/** docs/spec.md's full example (`storage-backend`, no Xen hypercall), written to `dir`; its path. */
export function writeDocsSpecExample(dir: string, file = "dispatch.json"): string {
  const doc = readFileSync(join(packageRoot, "docs", "spec.md"), "utf8");
  const block = /## A full example\s+```json\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error("docs/spec.md has no full example");
  const path = join(dir, file);
  writeFileSync(path, block);
  return path;
}
