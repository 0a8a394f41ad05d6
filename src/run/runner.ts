/**
 * The measurement protocol. Cells (spec x strategy x workload x tier) live
 * in child processes pinned to one CPU: one cell per process for `run`, or
 * the cells of one group (a sweep's strategy) per process, each with its own
 * module bytes. After every cell has calibrated and warmed up, the runner
 * takes rounds: in every round each live cell gives one sample, in a freshly
 * shuffled order, so that machine drift hits every cell alike and the
 * control kernel is measured in the same rounds as the strategies it is
 * subtracted from. A cell that crashes, traps or hangs is recorded as failed
 * and the run goes on.
 */
import { MIN_ROUNDS } from "../stats/rounds.js";
import { seededRng } from "../stats/rng.js";
import { CellFailure, CellProcess, type InitTimeouts } from "./cell-process.js";
import type { Pinning } from "../model/cells.js";
import type { Ready } from "./protocol.js";
import type { CellRun } from "../model/cells.js";

export interface CellInput {
  id: string;
  /** Cells with the same group share one child process (same execArgv required). */
  group: string;
  module: Uint8Array;
  stream: Int32Array;
  execArgv: readonly string[];
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
  /** `done`: cells started before this one (in start order, which follows the groups). */
  onCellStarted?(cell: CellRun, done: number, total: number): void;
  onRound?(round: number, plannedRounds: number, cells: readonly CellRun[]): void;
  /** Called after every round: the caller writes results atomically (it may rate-limit). */
  persist(cells: readonly CellRun[], final: boolean): void;
}

/** How long a sample may take before the cell is declared hung. */
const sampleTimeoutMs = (cell: CellRun, targetMs: number) => 20 * Math.max(targetMs, ((cell.ready?.warmNsPerDispatch ?? 0) * (cell.ready?.dispatches ?? 0)) / 1e6) + 2000;

/**
 * What a cell's start may take. A sample may last the budget's share that
 * still gives every cell MIN_ROUNDS samples (never less than 10 targets): a
 * cell whose one pass over its stream is longer is refused at once (child.ts)
 * instead of timing out one cell after another. Compiling may take
 * initTimeoutMs; calibrating takes a few samples, so a body that never
 * returns is caught within seconds.
 */
export interface StartLimits {
  maxSampleMs: number;
  timeouts: InitTimeouts;
}

export function startLimits(o: RunnerOptions, cells: number, now = Date.now()): StartLimits {
  const maxSampleMs = Math.max(10 * o.targetSampleMs, (o.deadline - o.reserveMs - now) / (Math.max(cells, 1) * MIN_ROUNDS));
  return { maxSampleMs, timeouts: { loadMs: o.initTimeoutMs, calibrateMs: Math.min(o.initTimeoutMs, 10 * maxSampleMs + o.maxWarmupMs + 2000) } };
}

const fail = (cell: CellRun, e: unknown) => {
  cell.status = "failed";
  cell.error = e instanceof CellFailure ? e.reason : e instanceof Error ? e.message : String(e);
};

const isFatal = (e: unknown) => !(e instanceof CellFailure) || e.fatal;

/** The child processes of the live groups, and the cells each one hosts. */
class Processes {
  private readonly procs = new Map<string, CellProcess>();
  constructor(
    private readonly inputs: readonly CellInput[],
    private readonly cells: readonly CellRun[],
  ) {}

  get(group: string): CellProcess | undefined {
    return this.procs.get(group);
  }

  fresh(group: string, execArgv: readonly string[], cpu: number): CellProcess {
    this.procs.get(group)?.kill();
    const proc = new CellProcess(execArgv, cpu);
    this.procs.set(group, proc);
    return proc;
  }

  /** A process died or hung: every other cell it hosted (started or still to start) is lost with it. */
  lost(group: string, culprit: CellRun): void {
    this.procs.get(group)?.kill();
    this.procs.delete(group);
    this.inputs.forEach((input, i) => {
      const cell = this.cells[i]!;
      if (input.group === group && cell !== culprit && cell.status !== "failed") fail(cell, `its process (shared with ${culprit.id}) was lost: ${culprit.error}`);
    });
  }

  killAll(): void {
    for (const p of this.procs.values()) p.kill();
  }
}

async function start(input: CellInput, cell: CellRun, proc: CellProcess, o: RunnerOptions, limits: StartLimits): Promise<boolean> {
  cell.pinning = proc.pinning;
  try {
    const reps = cell.ready?.reps; // a later process times the same batch as the first
    const init = { type: "init", cell: input.id, module: input.module, stream: input.stream, targetSampleMs: o.targetSampleMs, maxWarmupMs: o.maxWarmupMs, maxSampleMs: limits.maxSampleMs } as const;
    const { type: _t, ...ready } = await proc.init(reps ? { ...init, reps } : init, limits.timeouts);
    if (cell.ready && ready.checksum !== cell.ready.checksum) throw new CellFailure(`a new process computed ${ready.checksum}, the first ${cell.ready.checksum}: the module's work is not deterministic`, false);
    cell.ready = ready;
    cell.status = "ok";
    return true;
  } catch (e) {
    fail(cell, e);
    return !isFatal(e);
  }
}

/** Estimated wall time of one round: every live cell's sample, its untimed pre-pass, and IPC. */
function roundCostMs(cells: readonly CellRun[], targetMs: number): number {
  return cells.reduce((sum, c) => sum + 1.1 * Math.max(targetMs, ((c.ready?.warmNsPerDispatch ?? 0) * (c.ready?.dispatches ?? 0)) / 1e6) + 2, 0);
}

async function sampleOnce(procs: Processes, input: CellInput, cell: CellRun, round: number, segment: number, o: RunnerOptions): Promise<void> {
  try {
    const reply = await procs.get(input.group)!.sample(input.id, round, sampleTimeoutMs(cell, o.targetSampleMs));
    if (reply.checksum !== cell.ready!.checksum) throw new CellFailure(`the harness result changed (${reply.checksum} != ${cell.ready!.checksum}): the module's work is not deterministic`, false);
    cell.samples.push({ round, session: o.session, segment, ns: reply.ns, nsPerDispatch: reply.ns / cell.ready!.dispatches });
    cell.seconds += reply.ns / 1e9;
    cell.maxRssMB = reply.maxRssMB;
  } catch (e) {
    fail(cell, e);
    if (isFatal(e)) procs.lost(input.group, cell);
  }
}

/**
 * Start (or restart) every group that still has a cell wanting samples, one
 * cell at a time: calibration needs the CPU alone. A group gets a fresh
 * process; a fatal failure while starting one cell fails the group's rest.
 */
async function startAll(inputs: readonly CellInput[], cells: CellRun[], procs: Processes, o: RunnerOptions, limits: StartLimits, onStarted?: RunnerHooks["onCellStarted"]): Promise<boolean> {
  const wants = (i: number) => cells[i]!.status !== "failed" && (o.samples === undefined || cells[i]!.samples.length < o.samples);
  const groups = [...new Set(inputs.map((input) => input.group))];
  let started = 0;
  for (const group of groups) {
    const members = inputs.flatMap((input, i) => (input.group === group && wants(i) ? [i] : []));
    if (members.length === 0) continue;
    const proc = procs.fresh(group, inputs[members[0]!]!.execArgv, o.cpu);
    for (const i of members) {
      if (o.stop?.()) return false;
      // After a fatal failure the group's other cells are already failed: they are counted, not started.
      if (cells[i]!.status !== "failed" && !(await start(inputs[i]!, cells[i]!, proc, o, limits))) procs.lost(group, cells[i]!);
      onStarted?.(cells[i]!, started++, inputs.length);
    }
  }
  return true;
}

/**
 * Rounds and segments for the time left after the first start-up: every
 * segment past the first costs another start-up. When `processes` segments
 * would leave fewer than MIN_ROUNDS rounds, fewer segments are used (down
 * to one): six rounds in one process give an interval, two rounds in each
 * of three processes give an inconclusive cell.
 */
export function planRounds(processes: number, startupMs: number, roundMs: number, availableMs: number): { segments: number; rounds: number } {
  const rounds = (p: number) => Math.floor((availableMs - startupMs * (p - 1)) / Math.max(roundMs, 1));
  let segments = Math.max(1, processes);
  while (segments > 1 && rounds(segments) < MIN_ROUNDS) segments--;
  return { segments, rounds: rounds(segments) };
}

export async function runCells(inputs: readonly CellInput[], cells: CellRun[], o: RunnerOptions, hooks: RunnerHooks): Promise<CellRun[]> {
  const procs = new Processes(inputs, cells);
  try {
    const startedAt = Date.now();
    const limits = startLimits(o, inputs.length, startedAt);
    if (!(await startAll(inputs, cells, procs, o, limits, hooks.onCellStarted))) return cells;
    hooks.persist(cells, false);
    const startupMs = Date.now() - startedAt; // each later segment starts every cell again
    const rng = seededRng(o.seed + o.session);
    // Resumed sessions number their rounds and segments on (a reduce: a spread of every sample could exceed the argument limit).
    const next = (field: "round" | "segment") => cells.reduce((m, c) => c.samples.reduce((n, s) => Math.max(n, s[field] + 1), m), 0);
    const firstRound = next("round");
    const firstSegment = next("segment");
    const live = () => inputs.flatMap((input, i) => (cells[i]!.status === "ok" && procs.get(input.group) ? [i] : []));
    const wanted = (c: CellRun) => (o.samples === undefined ? Infinity : o.samples - c.samples.length);
    const liveCells = () => live().map((i) => cells[i]!);
    const plan = planRounds(o.processes, startupMs, roundCostMs(liveCells(), o.targetSampleMs), o.deadline - o.reserveMs - Date.now());
    const planned = Math.max(1, Math.min(plan.rounds, Math.max(0, ...liveCells().map(wanted))));
    // Segment s covers rounds [planned * s / P, planned * (s + 1) / P): fresh processes each.
    const segments = Math.min(plan.segments, planned);
    const segmentOf = (r: number) => Math.floor((r * segments) / planned);
    for (let r = 0; r < planned; r++) {
      if (r > 0 && segmentOf(r) !== segmentOf(r - 1) && !(await startAll(inputs, cells, procs, o, limits))) return cells;
      const round = firstRound + r;
      for (const i of rng.shuffle(live().filter((i) => wanted(cells[i]!) > 0))) {
        if (o.stop?.()) return cells;
        if (cells[i]!.status === "ok") await sampleOnce(procs, inputs[i]!, cells[i]!, round, firstSegment + segmentOf(r), o);
      }
      hooks.onRound?.(r + 1, planned, cells);
      hooks.persist(cells, false);
      if (Date.now() + roundCostMs(liveCells(), o.targetSampleMs) > o.deadline - o.reserveMs) break;
    }
    return cells;
  } finally {
    procs.killAll();
    hooks.persist(cells, true);
  }
}
