import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
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
    throw writeError(path, e);
  }
}

/** A write that failed, as the user sees it: the path, the system's reason, the usual fix. */
export const writeError = (path: string, e: unknown): LabError =>
  new LabError("io", [{ path, message: `cannot write: ${(e as Error).message}` }], "check that the output folder is writable and not a file");

/** A file's text, or null when it cannot be read (gone, unreadable, not there on this OS): for probes, never for inputs. */
export function readTextOr(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
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
