/**
 * How a cell's child process starts, so that it never outlives the runner.
 * A child notices a runner that died (its stdin closes) only when its event
 * loop runs, which it cannot while a wasm batch runs: after a SIGKILL of the
 * runner it would spin on the measuring CPU with PPID 1. So the kernel ends
 * it: util-linux `setpriv --pdeathsig KILL` (shipped wherever `taskset` is)
 * sets PR_SET_PDEATHSIG and execs the engine in place. PR_SET_PDEATHSIG
 * fires when the thread that spawned the child exits: the runner spawns from
 * its main thread. Where setpriv is missing (not Linux, old util-linux), a
 * watchdog thread in the child polls its parent and kills its own process;
 * it runs while the main thread is in wasm.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Worker } from "node:worker_threads";
import type { OrphanGuard } from "../model/cells.js";
import type { ChildCommand } from "../model/engines.js";
import { onCpu } from "./pin.js";
import { runsHere } from "./probe.js";

/** `<guard>:<runner pid>`: which guard the child runs under, and whose child it must stay. */
export const GUARD_ENV = "DISPATCH_LAB_GUARD";

/** How often the watchdog looks at its parent. */
const WATCHDOG_MS = 200;

/** Whether setpriv can set the parent-death signal on this machine (probed once). */
const canSetPdeathsig = (): boolean => runsHere("setpriv", ["--pdeathsig", "KILL", "--", "true"]);

export const defaultGuard = (): OrphanGuard => (process.platform === "linux" && canSetPdeathsig() ? "pdeathsig" : "watchdog");

/**
 * Start `command` on `entry` (on `cpu` when given: pin.ts onCpu) with
 * stdin and stdout as the protocol's pipes (JSON lines: every engine speaks
 * them, protocol.ts) and stderr piped.
 * A self-hosted command (a native build: its binary is the child) gets no
 * entry. Detached: a terminal's Ctrl-C goes to the runner alone, which stops
 * cleanly and ends its children itself.
 */
export function launch(command: ChildCommand, entry: string, guard: OrphanGuard, cpu?: number): ChildProcess {
  const argv = command.selfHosted ? [...command.args] : [...command.args, entry];
  const [engine, engineArgs] = cpu === undefined ? [command.binary, argv] : onCpu(command.binary, argv, cpu);
  const [binary, args] = guard === "pdeathsig" ? ["setpriv", ["--pdeathsig", "KILL", "--", engine, ...engineArgs]] : [engine, engineArgs];
  return spawn(binary, args, {
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
    env: { ...process.env, ...command.env, [GUARD_ENV]: `${guard}:${process.pid}` },
  });
}

/**
 * The child's side, first thing it does: exit when the runner is already
 * gone (it may die before setpriv set the signal), and start the watchdog
 * where there is no parent-death signal. Returns the guard it runs under
 * (undefined when started by hand, outside a runner).
 */
export function guardSelf(): OrphanGuard | undefined {
  const [guard, parent] = (process.env[GUARD_ENV] ?? "").split(":");
  if (guard !== "pdeathsig" && guard !== "watchdog") return undefined;
  const parentPid = Number(parent);
  if (process.ppid !== parentPid) process.exit(1);
  if (guard === "watchdog") {
    const code = `const { workerData } = require("node:worker_threads");
setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, "SIGKILL"); }, ${WATCHDOG_MS});`;
    new Worker(code, { eval: true, workerData: parentPid }).unref();
  }
  return guard;
}
