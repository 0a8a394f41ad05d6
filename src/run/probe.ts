import { execFileSync } from "node:child_process";

const probed = new Map<string, boolean>();

/**
 * Whether `binary args` runs and exits 0 on this machine, asked once per
 * command line (a system tool the runner relies on: setpriv, taskset).
 */
export function runsHere(binary: string, args: readonly string[]): boolean {
  const key = [binary, ...args].join("\u0000");
  let ok = probed.get(key);
  if (ok === undefined) {
    try {
      execFileSync(binary, args, { stdio: "ignore" });
      ok = true;
    } catch {
      ok = false;
    }
    probed.set(key, ok);
  }
  return ok;
}
