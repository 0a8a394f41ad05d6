import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { judgeLoad, LOAD_INTERVAL_MS, loadMonitor, othersOn, parseCpuTicks, parseLoadavg, parseTaskStat, sampleLoad, type Task } from "../../src/run/load.js";
import type { LoadSample } from "../../src/model/cells.js";

const PROC_STAT = `cpu  23208 0 3961 49748 708 0 48 153 0 0
cpu0 13627 0 1930 23269 51 0 11 74 0 0
cpu1 9580 0 2031 26479 657 0 37 79 5 0
intr 403064 0 0
`;

/** A /proc/PID/stat line: state, ppid, starttime and processor where the kernel puts them (fields 3, 4, 22, 39). */
const stat = (pid: number, comm: string, state: string, ppid: number, processor: number) => {
  const f = Array.from({ length: 50 }, () => "0");
  f[0] = state;
  f[1] = String(ppid);
  f[19] = "39224";
  f[36] = String(processor);
  return `${pid} (${comm}) ${f.join(" ")}`;
};

const sample = (o: Partial<LoadSample> = {}): LoadSample => ({
  at: "",
  loadavg: [0.5, 0.5, 0.5],
  ticks: { total: 1000, steal: 0 },
  others: 0,
  named: [],
  ...o,
});

describe("parsing /proc", () => {
  it("loadavg, a CPU's ticks, a task's stat (a name with spaces and parentheses)", () => {
    expect(parseLoadavg("1.54 0.84 0.39 5/144 8860\n")).toEqual([1.54, 0.84, 0.39]);
    expect(parseLoadavg("")).toBeNull();
    expect(parseCpuTicks(PROC_STAT, 1)).toEqual({ total: 9580 + 2031 + 26479 + 657 + 37 + 79, steal: 79 });
    expect(parseCpuTicks(PROC_STAT, 0)!.steal).toBe(74);
    expect(parseCpuTicks(PROC_STAT, 7)).toBeNull();
    expect(parseTaskStat(stat(12, "Web Content (x) )", "R", 1, 3))).toEqual({
      pid: 12,
      comm: "Web Content (x) )",
      state: "R",
      ppid: 1,
      processor: 3,
      starttime: 39224,
    });
    expect(parseTaskStat("8881 (cat) R")).toBeNull();
    // the real thing parses too
    expect(
      parseTaskStat(
        "8881 (cat) R 8858 8858 5011 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 39224 3133440 382 18446744073709551615 1 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 1 1 1 1 1 1 1 0",
      ),
    ).toMatchObject({ pid: 8881, state: "R", ppid: 8858, processor: 1, starttime: 39224 });
  });

  it("other runnable tasks on the CPU: this run's process and its children excluded", () => {
    const task = (pid: number, tgid: number, parent: number, state: string, processor: number): Task => ({
      ...parseTaskStat(stat(pid, "t", state, parent, processor))!,
      tgid,
      parent,
    });
    const tasks = [
      task(100, 100, 1, "R", 1),
      task(101, 100, 1, "R", 1),
      task(200, 200, 100, "R", 1),
      task(300, 300, 1, "R", 1),
      task(301, 301, 1, "S", 1),
      task(400, 400, 1, "R", 0),
      task(22, 22, 2, "R", 1), // ksoftirqd/1: a kernel thread (child of kthreadd), not another workload
    ];
    expect(othersOn(tasks, 1, 100).map((t) => t.pid)).toEqual([300]);
  });
});

describe("judgeLoad: busy, and why", () => {
  it("a quiet machine: not busy, no warnings", () => {
    const r = judgeLoad(1, 2, sample(), [sample()], sample({ ticks: { total: 2000, steal: 10 } }));
    expect(r).toMatchObject({ busy: false, warnings: [], steal: 0.01 });
  });

  it("steal above 2% of the measuring CPU's time", () => {
    const r = judgeLoad(1, 2, sample(), [], sample({ ticks: { total: 2000, steal: 50 } }));
    expect(r.busy).toBe(true);
    expect(r.warnings).toEqual(["CPU steal on CPU 1 was 5.0% of its time (above 2.0%): the hypervisor gave the measuring CPU to other guests"]);
  });

  it("another process runnable on the measuring CPU in more than 10% of the samples", () => {
    const crowded = sample({ others: 1, named: ["stress (pid 7)"] });
    const quiet = Array.from({ length: 9 }, () => sample());
    expect(judgeLoad(1, 2, sample(), quiet, crowded).busy).toBe(false); // 1 of 11: 9%
    const r = judgeLoad(1, 2, crowded, [...quiet.slice(1), crowded], sample());
    expect(r.warnings).toEqual(["other processes were runnable on CPU 1, the measuring CPU, in 2 of 11 load samples (above 10.0%): stress (pid 7)"]);
  });

  it("a load average above the CPU count; unreadable /proc gives no verdict", () => {
    const loaded = sample({ loadavg: [3.5, 2, 1] });
    expect(judgeLoad(0, 2, loaded, [loaded], loaded).warnings).toEqual(["the 1-minute load average was 3.50 on 2 CPUs (more runnable work than CPUs)"]);
    // A run that stages on a second CPU keeps both busy itself: only a load beyond one more than the CPUs is another's.
    const full = sample({ loadavg: [2.8, 2, 1] });
    expect(judgeLoad(0, 2, full, [full], full, true).busy).toBe(false);
    expect(judgeLoad(0, 2, loaded, [loaded], loaded, true).warnings).toEqual([
      "the 1-minute load average was 3.50 on 2 CPUs (more runnable work than CPUs and the run's own staging work)",
    ]);
    const blind = sample({ loadavg: null, ticks: null });
    expect(judgeLoad(0, 2, blind, [], blind)).toMatchObject({ busy: false, steal: null });
  });
});

describe("sampling", () => {
  it("reads a folder laid out as /proc", () => {
    const proc = mkdtempSync(join(tmpdir(), "dispatch-lab-proc-"));
    writeFileSync(join(proc, "loadavg"), "2.50 1.00 0.50 3/100 999\n");
    writeFileSync(join(proc, "stat"), PROC_STAT);
    const task = (pid: number, tid: number, text: string) => {
      mkdirSync(join(proc, String(pid), "task", String(tid)), { recursive: true });
      writeFileSync(join(proc, String(pid), "task", String(tid), "stat"), text);
      if (pid === tid) writeFileSync(join(proc, String(pid), "stat"), text);
    };
    task(10, 10, stat(10, "dispatch-lab", "R", 1, 1)); // ourselves
    task(11, 11, stat(11, "cell", "R", 10, 1)); // our child
    task(20, 20, stat(20, "make", "S", 1, 1));
    task(20, 21, stat(21, "cc1", "R", 1, 1)); // a runnable thread of another process
    task(30, 30, stat(30, "idle-elsewhere", "R", 1, 0));
    const s = sampleLoad(1, 10, proc, new Date(0));
    expect(s).toEqual({ at: "1970-01-01T00:00:00.000Z", loadavg: [2.5, 1, 0.5], ticks: parseCpuTicks(PROC_STAT, 1), others: 1, named: ["cc1 (pid 20)"] });
    expect(sampleLoad(1, 10, join(proc, "missing"))).toMatchObject({ loadavg: null, ticks: null, others: 0 });
  });

  it("loadMonitor: before, at most one sample per interval during, after", () => {
    let now = 0;
    let taken = 0;
    const m = loadMonitor(
      1,
      false,
      () => sample({ at: String(taken++) }),
      () => now,
    );
    m.tick();
    now += LOAD_INTERVAL_MS;
    m.tick();
    m.tick();
    now += LOAD_INTERVAL_MS;
    m.tick();
    const r = m.finish();
    expect([r.before.at, r.during.map((s) => s.at), r.after.at]).toEqual(["0", ["1", "2"], "3"]);
  });
});
