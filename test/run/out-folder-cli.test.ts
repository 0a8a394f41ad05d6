import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Dataset } from "../../src/model/results.js";
import { BIN, cli, spawnCli } from "../cli-harness.js";

/**
 * `run` end to end, in a folder: claimed, locked, written from the first moment, resumed only when its inputs are unchanged.
 * Kills, Ctrl-C and the busy-CPU check (which discounts the measuring process's own children) need a CLI process of its own.
 */
const tmp = () => mkdtempSync(join(tmpdir(), "dispatch-lab-outcli-"));
const ENV = { ...process.env, CI: "true" };
const LOCK = ".dispatch-lab.lock";
const TINY = ["run", "--spec", "synthetic:6,levels=2", "--strategies", "table,direct", "--samples", "2", "--processes", "1", "--cpu", "0"];

const readDataset = (dir: string) => JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as Dataset;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once("exit", (code, signal) => r({ code, signal })));

async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (ok()) return;
  throw new Error(`timed out waiting for ${what}`);
}

/** Whether `pid` has a child process whose command line names `entry`. */
function hasChild(pid: number, entry: string): boolean {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .some((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid && readFileSync(`/proc/${d}/cmdline`, "utf8").includes(entry);
      } catch {
        return false;
      }
    });
}

/** A run SIGKILLed as soon as its results.json exists (in its first seconds, before any cell has started). */
async function killedEarly(args: string[], out: string): Promise<Dataset> {
  const child = spawn(process.execPath, [BIN, ...args, "--out", out], { stdio: "ignore", env: ENV });
  await until("results.json", () => existsSync(join(out, "results.json")));
  child.kill("SIGKILL");
  await exited(child);
  return readDataset(out);
}

describe("run --out: no lost or mixed data", () => {
  it("a folder with a run, a locked folder, --resume without a run, --resume with --force: exit 2, nothing written", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "results.json"), '{"old": true}');
    const again = await cli([...TINY, "--out", dir]);
    expect(again.code).toBe(2);
    expect(again.err).toContain(`error: ${dir}: already holds a run (results.json)`);
    expect(again.err).toMatch(/fix: continue an interrupted run with --resume, replace this one with --force/);
    expect(readdirSync(dir)).toEqual(["results.json"]);
    expect(readFileSync(join(dir, "results.json"), "utf8")).toBe('{"old": true}');

    const locked = tmp();
    const lock = JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), procStart: null });
    writeFileSync(join(locked, LOCK), lock);
    const second = await cli([...TINY, "--out", locked]);
    expect(second.code).toBe(2);
    expect(second.err).toContain(`another run is writing this folder (dispatch-lab pid ${process.pid} on ${hostname()}`);
    expect(readdirSync(locked)).toEqual([LOCK]);
    expect(readFileSync(join(locked, LOCK), "utf8")).toBe(lock);

    const none = join(tmp(), "none");
    const resume = await cli(["run", "--resume", "--out", none]);
    expect(resume.code).toBe(2);
    expect(resume.err).toContain(`no run in ${none}: start one with dispatch-lab run --out ${none}`);
    expect(existsSync(none)).toBe(false);

    expect((await cli(["run", "--resume", "--force", "--out", dir])).err).toContain("--force: cannot go with --resume");
    expect((await cli(["run", "--help"])).out).toMatch(/--force\s+replace the run in --out/);
  });

  it("--resume refuses an edited --bodies or trace file, naming it", async () => {
    const dir = tmp();
    const bodies = join(dir, "bodies.ts");
    const trace = join(dir, "trace.txt");
    writeFileSync(bodies, "export function twice(seed: i64, n: i32): i64 { return seed * 2; }\n");
    writeFileSync(trace, "0\n1\n2\n");
    const out = join(dir, "out");
    const partial = await killedEarly([...TINY, "--samples", "50", "--workloads", `uniform,trace:${trace}`, "--bodies", bodies], out);
    expect(Object.keys(partial.runs[0]!.config.inputs!).sort()).toEqual([bodies, trace].sort());
    writeFileSync(trace, "0\n1\n1\n");
    writeFileSync(bodies, "export function twice(seed: i64, n: i32): i64 { return seed * 3; }\n");
    const r = await cli(["run", "--resume", "--out", out]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`error: ${bodies}: changed since the run began`);
    expect(r.err).toContain(`error: ${trace}: changed since the run began`);
    expect(readDataset(out)).toEqual(partial);
  });

  it("killed in its first seconds: resumable; a stale lock is taken over with a note; a busy CPU is recorded and warned of", async () => {
    const dir = tmp();
    const trace = join(dir, "trace.txt");
    writeFileSync(trace, "0\n1\n2\n");
    const out = join(dir, "out");
    const partial = await killedEarly([...TINY, "--workloads", `trace:${trace}`], out);
    expect(partial).toMatchObject({ kind: "run", complete: false });
    expect(partial.runs[0]!.cells.every((c) => c.status === "pending" && c.samples.length === 0)).toBe(true);
    expect(existsSync(join(out, LOCK))).toBe(true); // SIGKILL: no finally ran

    // Another process spinning on the measuring CPU all along.
    const spinner = spawn(process.execPath, ["-e", "for (;;);"], { stdio: "ignore" });
    try {
      expect(spawnSync("taskset", ["-p", "-c", "0", String(spinner.pid)]).status).toBe(0);
      const r = spawnCli(["run", "--resume", "--out", out]);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/took over the lock of pid \d+ .*which is no longer running/);
      expect(r.out).toContain("warning: the machine was busy while this run measured");
      expect(r.out).toMatch(/other processes were runnable on CPU 0, the measuring CPU, in \d+ of \d+ load samples/);
    } finally {
      spinner.kill("SIGKILL");
    }
    const done = readDataset(out);
    expect(done.complete).toBe(true);
    const run = done.runs[0]!;
    expect(run.cells.every((c) => c.samples.length === 2)).toBe(true);
    expect(run.sessions).toHaveLength(2);
    expect(run.sessions[1]!.load).toMatchObject({ cpu: 0, busy: true, before: expect.any(Object), after: expect.any(Object) });
    expect(run.sessions[1]!.load!.warnings.join(" ")).toContain(`(pid ${spinner.pid})`);
    expect(run.config.inputs![trace]).toMatch(/^[0-9a-f]{64}$/);
    expect(readdirSync(out).filter((f) => f.startsWith("."))).toEqual([]); // no lock, no temp file
  });

  it("Ctrl-C while the modules are emitted: exit 130, no stack trace, an interrupted run kept", async () => {
    const out = join(tmp(), "out");
    // detached: its own process group, which the test signals as a terminal's Ctrl-C does.
    // --no-cache: modules an earlier test emitted would come from the cache, and no emit child would start.
    const child = spawn(process.execPath, [BIN, ...TINY, "--workloads", "uniform", "--no-cache", "--out", out], {
      stdio: ["ignore", "pipe", "pipe"],
      env: ENV,
      detached: true,
    });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout!.resume();
    const end = exited(child);
    await until("the emit child", () => hasChild(child.pid!, "emit-worker"));
    process.kill(-child.pid!, "SIGINT");
    const { code } = await end;
    expect(err).not.toMatch(/internal error|\n\s+at /);
    expect(code).toBe(130);
    expect(readDataset(out)).toMatchObject({ complete: false });
    expect(existsSync(join(out, LOCK))).toBe(false);
  });

  it("Ctrl-C while the CLI starts: 130 (by the signal, or from the handler), no stack trace", async () => {
    const child = spawn(process.execPath, [BIN, ...TINY, "--workloads", "uniform", "--out", join(tmp(), "out")], {
      stdio: ["ignore", "ignore", "pipe"],
      env: ENV,
      detached: true,
    });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const end = exited(child);
    await sleep(300);
    process.kill(-child.pid!, "SIGINT");
    const { code, signal } = await end;
    expect(code === 130 || signal === "SIGINT").toBe(true);
    expect(err).not.toMatch(/internal error|\n\s+at /);
  });
});
