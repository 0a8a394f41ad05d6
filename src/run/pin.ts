/**
 * CPU pinning. On the 2-vCPU development VM the two cores differ by ~7% in
 * speed and a child that hops between them gives bimodal samples; pinned,
 * the same protocol measured 4-10x tighter intervals. Node has no affinity
 * API, so this uses util-linux `taskset` and verifies the result in /proc.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { LabError } from "../errors.js";
import type { Pinning } from "../model/cells.js";

/** The default core: the last one, which on small VMs handles fewer interrupts than CPU 0. */
export const defaultCpu = (): number => availableParallelism() - 1;

/**
 * The staging CPU of a run measuring on `cpu`: where each later segment's
 * processes start while the segment before samples (runner.ts), and where
 * the runner itself lives, so that its own work (encoding cells for new
 * processes, writing results, reading load) never runs on the measuring
 * CPU. CPU 0, or 1 when 0 measures; none on a one-CPU machine. The
 * machine's CPUs, not this process's affinity: a run has pinned itself by
 * the time it asks.
 */
export const stagingCpu = (cpu: number): number | undefined => (cpus().length < 2 ? undefined : cpu === 0 ? 1 : 0);

export function checkCpu(cpu: number): void {
  const n = availableParallelism();
  if (!Number.isInteger(cpu) || cpu < 0 || cpu >= n)
    throw new LabError("usage", [{ path: "--cpu", message: `${cpu} is not a CPU of this machine (0..${n - 1})` }]);
}

/** The CPUs a process may run on, as /proc prints them ("1", "0-3"), or undefined off Linux. */
export function allowedCpus(pid: number): string | undefined {
  try {
    return /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

/** Pin a process (and the threads it has) to one CPU; never throws: a failure is recorded. */
export function pin(pid: number, cpu: number): Pinning {
  if (process.platform !== "linux") return { cpu, pinned: false, note: `pinning needs Linux (this is ${process.platform})` };
  try {
    execFileSync("taskset", ["-a", "-p", "-c", String(cpu), String(pid)], { stdio: "ignore" });
  } catch (e) {
    return { cpu, pinned: false, note: `taskset failed: ${(e as Error).message.split("\n")[0]}` };
  }
  const allowed = allowedCpus(pid);
  return allowed === String(cpu) ? { cpu, pinned: true } : { cpu, pinned: false, note: `after taskset, /proc says Cpus_allowed_list ${allowed}` };
}
