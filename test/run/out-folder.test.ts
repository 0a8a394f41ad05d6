import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LabError } from "../../src/errors.js";
import { writeFileAtomic } from "../../src/io.js";
import { changedInputs, hashInputs, inputFiles } from "../../src/lab/inputs.js";
import { claimOutFolder, isStale, LOCK_FILE, parseLockOwner, type LockOwner } from "../../src/lab/out-folder.js";

const tmp = () => mkdtempSync(join(tmpdir(), "dispatch-lab-out-"));
const quiet = () => undefined;

/** The LabError a call throws (fails the test when it throws none). */
function labError(f: () => unknown): LabError {
  try {
    f();
  } catch (e) {
    if (e instanceof LabError) return e;
    throw e;
  }
  throw new Error("expected a LabError");
}

/** A pid that is certainly not running: a child that has exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

const lockOf = (owner: Partial<LockOwner>) =>
  JSON.stringify({ pid: process.pid, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z", procStart: null, ...owner });

describe("claimOutFolder: one run per --out folder", () => {
  it("a new run into a folder that holds a run is refused, naming --resume and --force; nothing is written", () => {
    const dir = tmp();
    writeFileSync(join(dir, "results.json"), "{}");
    const e = labError(() => claimOutFolder(dir, "new", quiet));
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain("already holds a run (results.json)");
    expect(e.fix).toMatch(/--resume.*--force/);
    expect(readdirSync(dir)).toEqual(["results.json"]);
    // a sweep's folder cannot be resumed: its fix names --force only
    expect(labError(() => claimOutFolder(dir, "new", quiet, false)).fix).not.toContain("--resume");
  });

  it("--force claims it; clear() deletes the old run's files and nothing else", () => {
    const dir = tmp();
    for (const f of ["results.json", "samples.csv", "report.html", "notes.txt"]) writeFileSync(join(dir, f), "old");
    const folder = claimOutFolder(dir, "force", quiet);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    folder.clear();
    folder.release();
    expect(readdirSync(dir)).toEqual(["notes.txt"]);
  });

  it("--resume needs a run: a folder without one says how to start one, and is not created", () => {
    const dir = join(tmp(), "nothing-here");
    const e = labError(() => claimOutFolder(dir, "resume", quiet));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`--resume: no run in ${dir}: start one with dispatch-lab run --out ${dir}`);
    expect(existsSync(dir)).toBe(false);
  });

  it("a second claim while the first holds the lock is refused, naming the owner's pid; after release it is free", () => {
    const dir = tmp();
    const first = claimOutFolder(dir, "new", quiet);
    const owner = parseLockOwner(readFileSync(join(dir, LOCK_FILE), "utf8"));
    expect(owner).toMatchObject({ pid: process.pid, host: hostname() });
    const e = labError(() => claimOutFolder(dir, "new", quiet));
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(`another run is writing this folder (dispatch-lab pid ${process.pid} on ${hostname()}`);
    first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    claimOutFolder(dir, "new", quiet).release();
  });

  it("a stale lock (its process is gone) is taken over, with a note", () => {
    const dir = tmp();
    const pid = deadPid();
    writeFileSync(join(dir, LOCK_FILE), lockOf({ pid }));
    const notes: string[] = [];
    const folder = claimOutFolder(dir, "new", (l) => notes.push(l));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`took over the lock of pid ${pid}`);
    expect(parseLockOwner(readFileSync(join(dir, LOCK_FILE), "utf8"))!.pid).toBe(process.pid);
    folder.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a lock of another host, or a freshly created empty one, is respected", () => {
    const dir = tmp();
    writeFileSync(join(dir, LOCK_FILE), lockOf({ pid: deadPid(), host: "elsewhere" }));
    expect(labError(() => claimOutFolder(dir, "new", quiet)).message).toContain("on elsewhere");
    writeFileSync(join(dir, LOCK_FILE), "");
    expect(labError(() => claimOutFolder(dir, "new", quiet)).message).toContain("another dispatch-lab, starting now");
  });

  it("a folder the claim created is removed again when nothing was written", () => {
    const dir = join(tmp(), "a", "b");
    claimOutFolder(dir, "new", quiet).release();
    expect(existsSync(join(dir, "..", ".."))).toBe(true);
    expect(existsSync(join(dir, ".."))).toBe(false);
    const kept = join(tmp(), "c");
    const folder = claimOutFolder(kept, "new", quiet);
    writeFileSync(join(kept, "results.json"), "{}");
    folder.release();
    expect(readdirSync(kept)).toEqual(["results.json"]);
  });

  it("isStale: same host and gone, or the pid now names a later process; never for another host", () => {
    const owner = { pid: 42, host: "h", startedAt: "", procStart: 100 };
    expect(isStale(owner, "h", { alive: false })).toBe(true);
    expect(isStale(owner, "h", { alive: true, procStart: 100 })).toBe(false);
    expect(isStale(owner, "h", { alive: true, procStart: 250 })).toBe(true);
    expect(isStale(owner, "h", { alive: true, procStart: null })).toBe(false);
    expect(isStale(owner, "other", { alive: false })).toBe(false);
    expect(parseLockOwner("not json")).toBeNull();
    expect(parseLockOwner('{"pid":"1"}')).toBeNull();
  });
});

describe("writeFileAtomic leaves no temp file behind", () => {
  it("when the rename fails (the target is a folder)", () => {
    const dir = tmp();
    mkdirSync(join(dir, "results.json"));
    const e = labError(() => writeFileAtomic(join(dir, "results.json"), "{}"));
    expect(e.code).toBe("io");
    expect(readdirSync(dir)).toEqual(["results.json"]);
  });

  it("when the folder is a file (nothing to remove)", () => {
    const file = join(tmp(), "file");
    writeFileSync(file, "x");
    expect(labError(() => writeFileAtomic(join(file, "results.json"), "{}")).code).toBe("io");
  });
});

describe("a run's input files (--bodies, trace:FILE)", () => {
  it("are hashed by path as given; a change is named", () => {
    const dir = tmp();
    const bodies = join(dir, "b.ts");
    const trace = join(dir, "t.txt");
    writeFileSync(bodies, "export function k(seed: i64, n: i32): i64 { return seed; }\n");
    writeFileSync(trace, "1\n2\n");
    const config = { bodies, workloads: ["uniform", `trace:${trace}`, "zipf:1.1"] };
    expect(inputFiles(config)).toEqual([bodies, trace]);
    const before = hashInputs(config);
    expect(before[trace]).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(trace, "1\n3\n");
    expect(changedInputs(before, hashInputs(config))).toEqual([trace]);
    expect(inputFiles({ bodies: null, workloads: ["uniform"] })).toEqual([]);
  });
});
