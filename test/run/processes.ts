import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** What tests of child processes look at: a process's state from /proc, waiting for a condition, whether setpriv can set a parent-death signal. */

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A process's state letter and CPU ticks (utime + stime) from /proc, or undefined once it is gone. */
export function procStat(pid: number): { state: string; ticks: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return { state: fields[0]!, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie. */
export const running = (pid: number) => !!procStat(pid) && procStat(pid)!.state !== "Z";

/** Polls `condition` every 50 ms for up to `ms`; its last answer. */
export async function until(condition: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (condition()) return true;
  return condition();
}

export const hasSetpriv = (() => {
  try {
    execFileSync("setpriv", ["--pdeathsig", "KILL", "--", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
