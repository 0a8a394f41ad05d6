import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import { LabError } from "./errors.js";

/**
 * Write a file atomically: a temp file beside it, then rename, so a reader
 * (or an interrupted run) sees the old file or the new one, never half.
 * A failed write or rename removes its temp file: nothing is left behind.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    removeIfThere(tmp);
    throw new LabError("io", [{ path, message: `cannot write: ${(e as Error).message}` }], "check that the output folder is writable and not a file");
  }
}

/** Best effort: a temp file that was never created (the folder is a file, say) is nothing to remove. */
function removeIfThere(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // the write failed before the file existed
  }
}
