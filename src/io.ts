import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import { LabError } from "./errors.js";

/**
 * Write a file atomically: a temp file beside it, then rename, so a reader
 * (or an interrupted run) sees the old file or the new one, never half.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    throw new LabError("io", [{ path, message: `cannot write: ${(e as Error).message}` }], "check that the output folder is writable and not a file");
  }
}
