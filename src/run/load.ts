/**
 * How busy the machine was while a run measured. Two identical runs on a
 * loaded VM gave `xen 1.42x [1.20, 1.48]` and `0.90x [0.85, 1.03]`: the
 * intervals cannot see a neighbour that takes the measuring CPU for seconds
 * at a time, so the run records the load before, during (between rounds,
 * when the parent is awake anyway: sampling during a timed sample would
 * itself take the measuring CPU) and after, and says when it was busy
 * (docs/measurement.md). Parsing and judging are pure; `sampleLoad` and
 * `loadMonitor` do the reading.
 */
import { readdirSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import type { LoadRecord, LoadSample } from "../model/cells.js";
import { readTextOr } from "../io.js";

/** Steal above this share of the measuring CPU's time over the run: busy. */
export const STEAL_BUSY = 0.02;
/** Another task runnable on the measuring CPU in more than this share of the samples: busy. */
export const OTHERS_BUSY = 0.1;
/** Seconds between samples during the measurement (taken at the first round end after). */
export const LOAD_INTERVAL_MS = 5000;
/** Tasks named per sample (the count is always whole). */
const NAMED = 5;

/** `/proc/loadavg` ("0.52 0.58 0.59 2/345 12345") -> its three averages. */
export function parseLoadavg(text: string): [number, number, number] | null {
  const [a = NaN, b = NaN, c = NaN] = text.trim().split(/\s+/).map(Number);
  return [a, b, c].every(Number.isFinite) ? [a, b, c] : null;
}

/**
 * The ticks of CPU `cpu` in `/proc/stat` (`cpuN user nice system idle
 * iowait irq softirq steal guest guest_nice`): total is the first eight
 * (guest time is already counted in user), steal the eighth.
 */
export function parseCpuTicks(text: string, cpu: number): { total: number; steal: number } | null {
  const line = text.split("\n").find((l) => l.startsWith(`cpu${cpu} `));
  const fields = line?.trim().split(/\s+/).slice(1, 9).map(Number);
  if (!fields || fields.length < 8 || !fields.every(Number.isFinite)) return null;
  return { total: fields.reduce((s, x) => s + x, 0), steal: fields[7]! };
}

export interface TaskStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** The CPU it last ran on (for a runnable task: the queue it waits in). */
  processor: number;
  /** When it started, clock ticks after boot: with the pid, names a process even after the pid is reused. */
  starttime: number;
}

/**
 * A `/proc/PID/stat` or `/proc/PID/task/TID/stat` line. The name is in
 * parentheses and may hold spaces and parentheses itself, so the fields are
 * counted from the last `)`: state is field 3, ppid 4, starttime 22,
 * processor 39.
 */
export function parseTaskStat(text: string): TaskStat | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const pid = Number(text.slice(0, open));
  const ppid = Number(rest[1]);
  const starttime = Number(rest[19]);
  const processor = Number(rest[36]);
  if (![pid, ppid, starttime, processor].every(Number.isInteger)) return null;
  return { pid, comm: text.slice(open + 1, close), state: rest[0] ?? "", ppid, processor, starttime };
}

/** A task (thread) with its process's id and that process's parent. */
export type Task = TaskStat & { tgid: number; parent: number };

/** kthreadd: every kernel thread (kworker/N, ksoftirqd/N, migration/N) is its child. */
const KTHREADD = 2;

/**
 * Runnable tasks on `cpu` that are not of `self`'s process or its children's,
 * nor kernel threads: a CPU's own kworker and ksoftirqd are briefly runnable
 * on every machine (one such sighting in four samples flagged a quiet sweep
 * point as busy); what they take shows in loadavg if it matters.
 */
export function othersOn(tasks: readonly Task[], cpu: number, self: number): Task[] {
  return tasks.filter((t) => t.state === "R" && t.processor === cpu && t.tgid !== self && t.parent !== self && t.tgid !== KTHREADD && t.parent !== KTHREADD);
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The verdict on a session's samples: busy, and why, by the thresholds above (docs/measurement.md). */
export function judgeLoad(cpu: number, cpus: number, before: LoadSample, during: LoadSample[], after: LoadSample, staging = false): LoadRecord {
  const all = [before, ...during, after];
  const warnings: string[] = [];
  const { ticks: t0 } = before;
  const { ticks: t1 } = after;
  const steal = t0 && t1 && t1.total > t0.total ? (t1.steal - t0.steal) / (t1.total - t0.total) : null;
  if (steal !== null && steal > STEAL_BUSY)
    warnings.push(`CPU steal on CPU ${cpu} was ${pct(steal)} of its time (above ${pct(STEAL_BUSY)}): the hypervisor gave the measuring CPU to other guests`);
  const crowded = all.filter((s) => s.others > 0);
  if (crowded.length / all.length > OTHERS_BUSY) {
    const names = [...new Set(crowded.flatMap((s) => s.named))].slice(0, NAMED);
    warnings.push(
      `other processes were runnable on CPU ${cpu}, the measuring CPU, in ${crowded.length} of ${all.length} load samples (above ${pct(OTHERS_BUSY)}): ${names.join(", ")}`,
    );
  }
  const loads = all.flatMap((s) => (s.loadavg ? [s.loadavg[0]] : []));
  const load = loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : null;
  // With a staging CPU the run itself keeps both CPUs busy (its measuring child, and its next processes, the runner
  // and its statistics worker on the other): only what goes beyond one more than the CPUs is someone else's.
  const room = staging ? cpus + 1 : cpus;
  if (load !== null && load > room)
    warnings.push(
      `the 1-minute load average was ${load.toFixed(2)} on ${cpus} CPUs (more runnable work than CPUs${staging ? " and the run's own staging work" : ""})`,
    );
  return { cpu, cpus, busy: warnings.length > 0, warnings, steal, before, during, after };
}

// /proc files are missing off Linux, and a task's vanish when it ends while we look: readTextOr gives null.

const listOr = (path: string): string[] => {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
};

/** Every task of every process under `proc`, with its process's id and parent. */
function tasksOf(proc: string): Task[] {
  return listOr(proc)
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      const main = parseTaskStat(readTextOr(join(proc, d, "stat")) ?? "");
      if (!main) return [];
      return listOr(join(proc, d, "task")).flatMap((t) => {
        const task = parseTaskStat(readTextOr(join(proc, d, "task", t, "stat")) ?? "");
        return task ? [{ ...task, tgid: main.pid, parent: main.ppid }] : [];
      });
    });
}

/** One reading of the machine's load as seen from the measuring CPU. `proc` is a folder laid out as /proc (tests give a fixture). */
export function sampleLoad(cpu: number, self = process.pid, proc = "/proc", now = new Date()): LoadSample {
  const others = othersOn(tasksOf(proc), cpu, self);
  return {
    at: now.toISOString(),
    loadavg: parseLoadavg(readTextOr(join(proc, "loadavg")) ?? ""),
    ticks: parseCpuTicks(readTextOr(join(proc, "stat")) ?? "", cpu),
    others: others.length,
    named: [...new Set(others.map((t) => `${t.comm} (pid ${t.tgid})`))].slice(0, NAMED),
  };
}

/**
 * A session's load record: `before` now, `tick()` whenever the parent is
 * awake between samples (it samples at most every LOAD_INTERVAL_MS), and
 * `finish()` takes `after` and judges (`staging`: the run starts processes
 * on a second CPU, runner.ts).
 */
export function loadMonitor(
  cpu: number,
  staging = false,
  sample: () => LoadSample = () => sampleLoad(cpu),
  now = () => Date.now(),
): { tick(): void; finish(): LoadRecord } {
  const before = sample();
  const during: LoadSample[] = [];
  let last = now();
  return {
    tick() {
      if (now() - last < LOAD_INTERVAL_MS) return;
      last = now();
      during.push(sample());
    },
    // Every CPU of the machine: availableParallelism() counts only those this pinned process may use.
    finish: () => judgeLoad(cpu, cpus().length, before, during, sample(), staging),
  };
}
