/**
 * CPU pinning. On the 2-vCPU development VM the two cores differ by ~7% in
 * speed and a child that hops between them gives bimodal samples; pinned,
 * the same protocol measured 4-10x tighter intervals. Node has no affinity
 * API, so this uses util-linux `taskset` and verifies the result in /proc.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { runsHere } from "./probe.js";
import { LabError } from "../errors.js";
import type { Pinning } from "../model/cells.js";

/** "0-3,6,8-9" (a Cpus_allowed_list) -> [0, 1, 2, 3, 6, 8, 9]; null when it is not one. */
export function parseCpuList(text: string): number[] | null {
  const cpus: number[] = [];
  for (const part of text.trim().split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return null;
    const [lo, hi] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (hi < lo) return null;
    for (let c = lo; c <= hi; c++) cpus.push(c);
  }
  return cpus.length ? cpus : null;
}

/** [0, 1, 2, 5] -> "0-2,5". */
export function cpuListText(cpus: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j]! + 1) j++;
    parts.push(j === i ? `${cpus[i]}` : `${cpus[i]}-${cpus[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/**
 * The CPUs this process may use, as they were when it started: a run pins
 * itself (and a library user may run several in one process), so what is
 * asked later (the default CPU, the staging CPU) must not read the pinned
 * affinity. Off Linux, or where /proc cannot say: 0..n-1.
 */
const STARTING_CPUS: readonly number[] = parseCpuList(allowedCpus(process.pid) ?? "") ?? Array.from({ length: availableParallelism() }, (_, i) => i);

/** The default core: the last one this process may use, which on small VMs handles fewer interrupts than CPU 0. */
export const defaultCpu = (): number => STARTING_CPUS.at(-1)!;

/**
 * The staging CPU of a run measuring on `cpu`: where each later segment's
 * processes start while the segment before samples (runner.ts), and where
 * the runner itself lives, so that its own work (encoding cells for new
 * processes, writing results, reading load, live statistics) never runs on
 * the measuring CPU. The first CPU this process may use other than `cpu`;
 * none when it may use no other.
 */
export const stagingCpu = (cpu: number): number | undefined => STARTING_CPUS.find((c) => c !== cpu);

export function checkCpu(cpu: number): void {
  if (!Number.isInteger(cpu) || !STARTING_CPUS.includes(cpu))
    throw new LabError("usage", [{ path: "--cpu", message: `${cpu} is not a CPU this process may use (${cpuListText(STARTING_CPUS)})` }]);
}

/** Give this process back every CPU it started with (a run pinned it; a library user's next work should not stay on one CPU). Never throws. */
export function unpinSelf(): void {
  if (process.platform !== "linux") return;
  try {
    execFileSync("taskset", ["-a", "-p", "-c", cpuListText(STARTING_CPUS), String(process.pid)], { stdio: "ignore" });
  } catch {
    // Nothing to restore where taskset fails: the pin itself failed then, and said so.
  }
}

/** The CPUs a process may run on, as /proc prints them ("1", "0-3"), or undefined off Linux. */
export function allowedCpus(pid: number): string | undefined {
  try {
    return /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

/** Whether util-linux taskset runs here (probed once). */
const hasTaskset = (): boolean => runsHere("taskset", ["-c", "0", "true"]);

const offLinux = (cpu: number): Pinning => ({ cpu, pinned: false, note: `pinning needs Linux (this is ${process.platform})` });

/** Pinned to `cpu` as /proc says, or not, with `note` of what /proc allows instead. */
function verified(pid: number, cpu: number, note: (allowed: string | undefined) => string): Pinning {
  const allowed = allowedCpus(pid);
  return allowed === String(cpu) ? { cpu, pinned: true } : { cpu, pinned: false, note: note(allowed) };
}

/**
 * `binary args` started on `cpu`: `taskset -c CPU binary args`, which sets
 * the affinity and execs the binary in place (same process, every later
 * thread inherits it). A process launched this way costs the runner no
 * blocking taskset call, as pinning after the start did (~8 ms of the
 * runner's thread each). Unchanged off Linux or without taskset: checkPinned
 * then says why it is not pinned.
 */
export function onCpu(binary: string, args: readonly string[], cpu: number): [string, string[]] {
  return process.platform === "linux" && hasTaskset() ? ["taskset", ["-c", String(cpu), binary, ...args]] : [binary, [...args]];
}

/** Whether a process started by onCpu (and running past taskset's exec) is on `cpu`, verified in /proc. */
export function checkPinned(pid: number, cpu: number): Pinning {
  if (process.platform !== "linux") return offLinux(cpu);
  if (!hasTaskset()) return { cpu, pinned: false, note: "taskset (util-linux) is not installed" };
  return verified(pid, cpu, (allowed) => `/proc says Cpus_allowed_list ${allowed}`);
}

/** Pin a process (and the threads it has) to one CPU; never throws: a failure is recorded. */
export const pin = (pid: number, cpu: number): Pinning => pinAll([pid], cpu)[0]!;

/**
 * Pin running processes (every thread of each) to one CPU with one shell
 * running taskset per process: moving a segment's processes costs the
 * runner one spawn, not one per process. Never throws; each result is
 * verified in /proc.
 */
export function pinAll(pids: readonly number[], cpu: number): Pinning[] {
  if (process.platform !== "linux") return pids.map(() => offLinux(cpu));
  try {
    execFileSync("sh", ["-c", 'status=0; for p do taskset -a -p -c "$0" "$p" || status=1; done; exit $status', String(cpu), ...pids.map(String)], {
      stdio: "ignore",
    });
  } catch (e) {
    const failed = `taskset failed: ${(e as Error).message.split("\n")[0]}`;
    return pids.map((pid) => verified(pid, cpu, () => failed));
  }
  return pids.map((pid) => verified(pid, cpu, (allowed) => `after taskset, /proc says Cpus_allowed_list ${allowed}`));
}
