/**
 * The measurement protocol. Every cell (spec x strategy x workload x tier)
 * lives in a child process of its own, pinned to one CPU. After each child
 * has calibrated and warmed up, the runner takes rounds: in every round each
 * live cell gives one sample, in a freshly shuffled order, so that machine
 * drift hits every cell alike and the control kernel is measured in the same
 * rounds as the strategies it is subtracted from. A cell that crashes, traps
 * or hangs is recorded as failed and the run goes on.
 */
import { seededRng } from "../stats/rng.js";
import { CellFailure, CellProcess } from "./cell-process.js";
import type { Pinning } from "./pin.js";
import type { Ready } from "./protocol.js";

export interface CellInput {
  id: string;
  module: Uint8Array;
  stream: Int32Array;
  execArgv: readonly string[];
}

export interface Sample {
  round: number;
  /** Which invocation of the run took it (0, then +1 per --resume). */
  session: number;
  /**
   * Which stretch of rounds: every cell gets a fresh process for each
   * segment, so a segment is also the process that took the sample.
   */
  segment: number;
  ns: number;
  nsPerDispatch: number;
}

export interface CellRun {
  id: string;
  status: "pending" | "ok" | "failed";
  error?: string;
  ready?: Omit<Ready, "type">;
  pinning?: Pinning;
  samples: Sample[];
  /** Seconds spent in timed samples. */
  seconds: number;
  /** The child's peak resident set, MB (memory is part of what a run costs). */
  maxRssMB?: number;
}

export interface RunnerOptions {
  cpu: number;
  targetSampleMs: number;
  maxWarmupMs: number;
  /** Wall-clock deadline for the whole run (ms since epoch); the rounds stop in time for it. */
  deadline: number;
  /** Time kept back at the end for statistics and the final write. */
  reserveMs: number;
  /** Samples per cell to aim for (cells resumed with some keep them); undefined: as many as the budget allows. */
  samples: number | undefined;
  /**
   * Processes per cell: the rounds are cut into this many segments, and each
   * segment runs every cell in a new process. Timings move by a few percent
   * from one process to the next (code and data placement); samples from one
   * process cannot show that, samples from several can.
   */
  processes: number;
  seed: number;
  session: number;
  initTimeoutMs: number;
  /** Polled between samples: true stops the run early (e.g. after Ctrl-C); what was measured is kept. */
  stop?: () => boolean;
}

export interface RunnerHooks {
  onCellStarted?(cell: CellRun, index: number, total: number): void;
  onRound?(round: number, plannedRounds: number, cells: readonly CellRun[]): void;
  /** Called after every round: the caller writes results atomically (it may rate-limit). */
  persist(cells: readonly CellRun[], final: boolean): void;
}

/** How long a sample may take before the cell is declared hung. */
const sampleTimeoutMs = (cell: CellRun, targetMs: number) => 20 * Math.max(targetMs, ((cell.ready?.warmNsPerDispatch ?? 0) * (cell.ready?.dispatches ?? 0)) / 1e6) + 2000;

const fail = (cell: CellRun, e: unknown) => {
  cell.status = "failed";
  cell.error = e instanceof CellFailure ? e.reason : e instanceof Error ? e.message : String(e);
};

async function start(input: CellInput, cell: CellRun, o: RunnerOptions): Promise<CellProcess | undefined> {
  const proc = new CellProcess(input.execArgv, o.cpu);
  cell.pinning = proc.pinning;
  try {
    const reps = cell.ready?.reps; // a later process times the same batch as the first
    const init = { type: "init", cell: input.id, module: input.module, stream: input.stream, targetSampleMs: o.targetSampleMs, maxWarmupMs: o.maxWarmupMs } as const;
    const { type: _t, ...ready } = await proc.init(reps ? { ...init, reps } : init, o.initTimeoutMs);
    if (cell.ready && ready.checksum !== cell.ready.checksum) throw new CellFailure(`a new process computed ${ready.checksum}, the first ${cell.ready.checksum}: the module's work is not deterministic`);
    cell.ready = ready;
    cell.status = "ok";
    return proc;
  } catch (e) {
    fail(cell, e);
    proc.kill();
    return undefined;
  }
}

/** Estimated wall time of one round: every live cell's sample, its untimed pre-pass, and IPC. */
function roundCostMs(cells: readonly CellRun[], targetMs: number): number {
  return cells.reduce((sum, c) => sum + 1.1 * Math.max(targetMs, ((c.ready?.warmNsPerDispatch ?? 0) * (c.ready?.dispatches ?? 0)) / 1e6) + 2, 0);
}

async function sampleOnce(proc: CellProcess, cell: CellRun, round: number, segment: number, o: RunnerOptions): Promise<boolean> {
  try {
    const reply = await proc.sample(round, sampleTimeoutMs(cell, o.targetSampleMs));
    if (reply.checksum !== cell.ready!.checksum) throw new CellFailure(`the harness result changed (${reply.checksum} != ${cell.ready!.checksum}): the module's work is not deterministic`);
    cell.samples.push({ round, session: o.session, segment, ns: reply.ns, nsPerDispatch: reply.ns / cell.ready!.dispatches });
    cell.seconds += reply.ns / 1e9;
    cell.maxRssMB = reply.maxRssMB;
    return true;
  } catch (e) {
    fail(cell, e);
    proc.kill();
    return false;
  }
}

/** Start (or restart) every cell that still wants samples, one at a time: calibration needs the CPU alone. */
async function startAll(inputs: readonly CellInput[], cells: CellRun[], procs: Map<string, CellProcess>, o: RunnerOptions, onStarted?: RunnerHooks["onCellStarted"]): Promise<boolean> {
  for (const [i, input] of inputs.entries()) {
    if (o.stop?.()) return false;
    const cell = cells[i]!;
    if (cell.status === "failed" || (o.samples !== undefined && cell.samples.length >= o.samples)) continue;
    procs.get(cell.id)?.kill();
    procs.delete(cell.id);
    const proc = await start(input, cell, o);
    if (proc) procs.set(cell.id, proc);
    onStarted?.(cell, i, inputs.length);
  }
  return true;
}

export async function runCells(inputs: readonly CellInput[], cells: CellRun[], o: RunnerOptions, hooks: RunnerHooks): Promise<CellRun[]> {
  const procs = new Map<string, CellProcess>();
  try {
    const startedAt = Date.now();
    if (!(await startAll(inputs, cells, procs, o, hooks.onCellStarted))) return cells;
    hooks.persist(cells, false);
    const restartMs = (Date.now() - startedAt) * (o.processes - 1); // the later segments start every cell again
    const rng = seededRng(o.seed + o.session);
    // Resumed sessions number their rounds and segments on (a reduce: a spread of every sample could exceed the argument limit).
    const next = (field: "round" | "segment") => cells.reduce((m, c) => c.samples.reduce((n, s) => Math.max(n, s[field] + 1), m), 0);
    const firstRound = next("round");
    const firstSegment = next("segment");
    const live = () => cells.filter((c) => c.status === "ok" && procs.has(c.id));
    const wanted = (c: CellRun) => (o.samples === undefined ? Infinity : o.samples - c.samples.length);
    const budgetRounds = Math.floor((o.deadline - o.reserveMs - restartMs - Date.now()) / Math.max(roundCostMs(live(), o.targetSampleMs), 1));
    const planned = Math.max(1, Math.min(budgetRounds, Math.max(0, ...live().map(wanted))));
    // Segment s covers rounds [planned * s / P, planned * (s + 1) / P): a fresh process per cell each.
    const segments = Math.min(o.processes, planned);
    const segmentOf = (r: number) => Math.floor((r * segments) / planned);
    for (let r = 0; r < planned; r++) {
      if (r > 0 && segmentOf(r) !== segmentOf(r - 1) && !(await startAll(inputs, cells, procs, o))) return cells;
      const round = firstRound + r;
      for (const cell of rng.shuffle(live().filter((c) => wanted(c) > 0))) {
        if (o.stop?.()) return cells;
        await sampleOnce(procs.get(cell.id)!, cell, round, firstSegment + segmentOf(r), o);
      }
      hooks.onRound?.(r + 1, planned, cells);
      hooks.persist(cells, false);
      if (Date.now() + roundCostMs(live(), o.targetSampleMs) > o.deadline - o.reserveMs) break;
    }
    return cells;
  } finally {
    for (const p of procs.values()) p.kill();
    hooks.persist(cells, true);
  }
}
