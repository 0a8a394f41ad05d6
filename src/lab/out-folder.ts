/**
 * An --out folder holds one run, written by one process. Without this a new
 * run silently replaced an interrupted one (150 samples became 4) and two
 * runs into one folder both exited 0 with the first lost. `claimOutFolder`
 * takes the folder's lock file (created with O_EXCL, so exactly one process
 * wins), then checks what the folder holds against what the caller means
 * to do; `release()` (in a `finally`) gives it back. `run` and `sweep` both
 * claim their --out this way.
 */
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { LabError } from "../errors.js";
import { parseTaskStat } from "../run/load.js";
import { exporters } from "../results/exporters/index.js";
import { readTextOr, writeError } from "../io.js";

export const LOCK_FILE = ".dispatch-lab.lock";
/** The files a run or sweep writes into its folder: their presence means the folder holds one. */
const RUN_FILES: readonly string[] = [...Object.keys(exporters), "report.html"];
/** A lock file with no owner in it yet is being written by its creator for at most this long. */
const UNWRITTEN_LOCK_MS = 10_000;

/**
 * What the caller means to do with the folder: `new` needs it free of any
 * run, `resume` needs a run (results.json) in it, `force` replaces whatever
 * run is there (`clear()` deletes its files once the new run's inputs are
 * checked).
 */
export type Claim = "new" | "resume" | "force";

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  /** The process's start (clock ticks after boot, /proc/PID/stat): a reused pid is another process. */
  procStart: number | null;
}

export interface OutFolder {
  /** The files of the old run a `force` claim replaces are deleted (a no-op for other claims). */
  clear(): void;
  /** The lock removed (if still ours), and the folder too when this claim created it and nothing was written. */
  release(): void;
}

/** A lock file's owner, or null for a file that is not one (empty: its creator is still writing it). */
export function parseLockOwner(text: string): LockOwner | null {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    return Number.isInteger(o.pid) && typeof o.host === "string" && typeof o.startedAt === "string"
      ? { pid: o.pid!, host: o.host, startedAt: o.startedAt, procStart: o.procStart ?? null }
      : null;
  } catch {
    return null;
  }
}

/** What this machine knows of a pid: gone, or running since `procStart` (null where /proc is not there). */
export type PidState = { alive: false } | { alive: true; procStart: number | null };

/**
 * A lock whose owner is on this host and no longer running (or its pid now
 * names a later process) is stale. A lock from another host (a shared
 * folder) cannot be checked, so it is never stale.
 */
export function isStale(owner: LockOwner, host: string, state: PidState): boolean {
  if (owner.host !== host) return false;
  if (!state.alive) return true;
  return owner.procStart !== null && state.procStart !== null && owner.procStart !== state.procStart;
}

const procStartOf = (pid: number): number | null => {
  try {
    return parseTaskStat(readFileSync(`/proc/${pid}/stat`, "utf8"))?.starttime ?? null;
  } catch {
    return null;
  }
};

function pidState(pid: number): PidState {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return { alive: false };
    // EPERM: alive, another user's
  }
  return { alive: true, procStart: procStartOf(pid) };
}

const me = (): LockOwner => ({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), procStart: procStartOf(process.pid) });

const ageMs = (path: string): number => {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

/**
 * Move a stale lock aside, but only the one that was read: if another
 * process replaced it meanwhile, its lock goes back. True when it is gone.
 */
function removeStale(path: string, seen: string): boolean {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return false; // someone else moved it first
  }
  if (readTextOr(aside) === seen) {
    rmSync(aside, { force: true });
    return true;
  }
  try {
    linkSync(aside, path); // not ours to remove: put it back (fails if a third process already holds the name)
  } catch {
    // the name is taken again: the next attempt reads its owner
  }
  rmSync(aside, { force: true });
  return false;
}

/** Create the lock file as `owner`, taking over a stale one (with a note); a live owner is a usage error naming it. */
function lock(dir: string, owner: LockOwner, note: (line: string) => void): void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(path, `${JSON.stringify(owner)}\n`, { flag: "wx" });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw writeError(path, e);
    }
    const seen = readTextOr(path);
    if (seen === null) continue; // released meanwhile
    const held = parseLockOwner(seen);
    if (held ? !isStale(held, owner.host, pidState(held.pid)) : ageMs(path) < UNWRITTEN_LOCK_MS) {
      const who = held ? `dispatch-lab pid ${held.pid} on ${held.host}, since ${held.startedAt}` : "another dispatch-lab, starting now";
      throw new LabError(
        "usage",
        [{ path: dir, message: `another run is writing this folder (${who})` }],
        `wait for it to end, or use another --out; if that process is gone, delete ${path}`,
      );
    }
    if (removeStale(path, seen))
      note(
        `[dispatch-lab] took over the lock of ${held ? `pid ${held.pid} (since ${held.startedAt}), which is no longer running` : "a run that never wrote its lock file"}: ${path}`,
      );
  }
  throw new LabError("usage", [{ path: dir, message: "other runs keep taking this folder's lock" }], "use another --out");
}

/** The run files `dir` holds. */
const runFilesIn = (dir: string): string[] => RUN_FILES.filter((f) => existsSync(join(dir, f)));

/** Why `claim` cannot have `dir`, or undefined when it may. */
function refusal(dir: string, claim: Claim, resumable: boolean): LabError | undefined {
  const held = runFilesIn(dir);
  if (claim === "new" && held.length > 0)
    return new LabError(
      "usage",
      [{ path: dir, message: `already holds a run (${held.join(", ")})` }],
      `${resumable ? "continue an interrupted run with --resume, " : ""}replace this one with --force (its files are deleted), or choose another --out`,
    );
  if (claim === "resume" && !held.includes("results.json"))
    return new LabError("usage", [{ path: "--resume", message: `no run in ${dir}: start one with dispatch-lab run --out ${dir}` }]);
  return undefined;
}

/**
 * Claim `dir` for one run or sweep: lock it, then check what it holds.
 * Refused (LabError, exit 2, nothing written): the folder is locked by a
 * live process; `new` finds a run there; `resume` finds none. The caller
 * must call `release()` in a `finally`. `note` gets a line when a stale lock
 * is taken over; `resumable: false` (a sweep) leaves --resume out of the fix.
 */
export function claimOutFolder(dir: string, claim: Claim, note: (line: string) => void, resumable = true): OutFolder {
  if (claim === "resume" && !existsSync(join(dir, "results.json"))) throw refusal(dir, claim, resumable)!;
  let created: string | undefined;
  try {
    created = mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw writeError(dir, e);
  }
  const owner = me();
  const folder: OutFolder = {
    clear() {
      if (claim === "force") for (const f of runFilesIn(dir)) rmSync(join(dir, f), { force: true });
    },
    release() {
      const path = join(dir, LOCK_FILE);
      const held = parseLockOwner(readTextOr(path) ?? "");
      if (held?.pid === owner.pid && held.startedAt === owner.startedAt) rmSync(path, { force: true });
      if (created) removeEmpty(resolve(dir), resolve(created));
    },
  };
  try {
    lock(dir, owner, note);
  } catch (e) {
    if (created) removeEmpty(resolve(dir), resolve(created));
    throw e;
  }
  const refused = refusal(dir, claim, resumable);
  if (refused) {
    folder.release();
    throw refused;
  }
  return folder;
}

/** `dir` and its parents up to `top` (the first folder the claim created), while they are empty. */
function removeEmpty(dir: string, top: string): void {
  for (let d = dir; ; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty: something was written
    }
    if (d === top || dirname(d) === d) return;
  }
}
