/**
 * The measurement protocol. Cells (spec x strategy x workload x tier) live
 * in child processes pinned to one CPU: one cell per process for `run`, or
 * the cells of one group (a sweep's strategy) per process, each with its own
 * module bytes. After every cell has calibrated and warmed up, the runner
 * takes rounds: in every round each live cell gives one sample, in a freshly
 * shuffled order, so that machine drift hits every cell alike and the
 * control kernel is measured in the same rounds as the strategies it is
 * subtracted from. A cell that crashes, traps or hangs is recorded as failed
 * and the run goes on. How many rounds, in how many segments, is planned
 * by round-plan.ts (pure); this file follows the plan with processes.
 */
import { seededRng } from "../stats/rng.js";
import { CellFailure, CellProcess } from "./cell-process.js";
import type { CellRun } from "../model/cells.js";
import type { ChildCommand } from "../model/engines.js";
import {
  nextNumbers,
  planSession,
  roomForRound,
  roundAt,
  roundCostMs,
  sampleTimeoutMs,
  samplesWanted,
  startLimits,
  type RoundBudget,
  type RoundPlan,
  type StartLimits,
} from "./round-plan.js";

export interface CellInput {
  id: string;
  /** Cells with the same group share one child process (same command required). */
  group: string;
  module: Uint8Array;
  stream: Int32Array;
  /** The engine and flags its process starts with. */
  command: ChildCommand;
  /** A native cell's stream address for its harness's arguments (protocol.ts InitMessage.base). */
  base?: number;
}

export interface RunnerOptions extends RoundBudget {
  cpu: number;
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

/** A cell with its input: the runner's unit. */
interface Slot {
  input: CellInput;
  cell: CellRun;
}

const fail = (cell: CellRun, e: unknown) => {
  cell.status = "failed";
  cell.error = e instanceof CellFailure ? e.reason : e instanceof Error ? e.message : String(e);
};

const isFatal = (e: unknown) => !(e instanceof CellFailure) || e.fatal;

/** The child processes of the live groups, and the cells each one hosts. */
class Processes {
  private readonly procs = new Map<string, CellProcess>();
  constructor(private readonly slots: readonly Slot[]) {}

  get(group: string): CellProcess | undefined {
    return this.procs.get(group);
  }

  fresh(group: string, command: ChildCommand, cpu: number): CellProcess {
    this.procs.get(group)?.kill();
    const proc = new CellProcess(command, cpu);
    this.procs.set(group, proc);
    return proc;
  }

  /** A process died or hung: every other cell it hosted (started or still to start) is lost with it. */
  lost(group: string, culprit: CellRun): void {
    this.procs.get(group)?.kill();
    this.procs.delete(group);
    for (const { input, cell } of this.slots)
      if (input.group === group && cell !== culprit && cell.status !== "failed")
        fail(cell, `its process (shared with ${culprit.id}) was lost: ${culprit.error}`);
  }

  /** The cells that are ok and whose process is up, in input order. */
  live(): Slot[] {
    return this.slots.filter((s) => s.cell.status === "ok" && this.procs.has(s.input.group));
  }

  killAll(): void {
    for (const p of this.procs.values()) p.kill();
  }
}

async function start({ input, cell }: Slot, proc: CellProcess, o: RunnerOptions, limits: StartLimits): Promise<boolean> {
  cell.pinning = proc.pinning;
  try {
    const reps = cell.ready?.reps; // a later process times the same batch as the first
    const init = {
      type: "init",
      cell: input.id,
      module: input.module,
      stream: input.stream,
      targetSampleMs: o.targetSampleMs,
      maxWarmupMs: o.maxWarmupMs,
      maxSampleMs: limits.maxSampleMs,
    } as const;
    const base = input.base === undefined ? {} : { base: input.base };
    const { type: _t, ...ready } = await proc.init(reps ? { ...init, ...base, reps } : { ...init, ...base }, limits.timeouts);
    if (cell.ready && ready.checksum !== cell.ready.checksum)
      throw new CellFailure(`a new process computed ${ready.checksum}, the first ${cell.ready.checksum}: the module's work is not deterministic`, false);
    cell.ready = ready;
    cell.status = "ok";
    return true;
  } catch (e) {
    fail(cell, e);
    return !isFatal(e);
  }
}

async function sampleOnce(procs: Processes, { input, cell }: Slot, at: { round: number; segment: number }, o: RunnerOptions): Promise<void> {
  try {
    const reply = await procs.get(input.group)!.sample(input.id, at.round, sampleTimeoutMs(cell, o.targetSampleMs));
    if (reply.checksum !== cell.ready!.checksum)
      throw new CellFailure(`the harness result changed (${reply.checksum} != ${cell.ready!.checksum}): the module's work is not deterministic`, false);
    cell.samples.push({ round: at.round, session: o.session, segment: at.segment, ns: reply.ns, nsPerDispatch: reply.ns / cell.ready!.dispatches });
    cell.seconds += reply.ns / 1e9;
    cell.maxRssMB = reply.maxRssMB;
  } catch (e) {
    fail(cell, e);
    if (isFatal(e)) procs.lost(input.group, cell);
  }
}

/** What one call of runCells works with, from its start limits on. */
interface Session {
  cells: CellRun[];
  slots: readonly Slot[];
  procs: Processes;
  o: RunnerOptions;
  limits: StartLimits;
  hooks: RunnerHooks;
  clock: () => number;
}

/**
 * Start (or restart) every group that still has a cell wanting samples, one
 * cell at a time: calibration needs the CPU alone. A group gets a fresh
 * process; a fatal failure while starting one cell fails the group's rest.
 * False when stopped.
 */
async function startAll({ slots, procs, o, limits }: Session, onStarted?: RunnerHooks["onCellStarted"]): Promise<boolean> {
  const wants = ({ cell }: Slot) => cell.status !== "failed" && samplesWanted(cell, o.samples) > 0;
  let started = 0;
  for (const group of new Set(slots.map((s) => s.input.group))) {
    const members = slots.filter((s) => s.input.group === group && wants(s));
    if (members.length === 0) continue;
    const proc = procs.fresh(group, members[0]!.input.command, o.cpu);
    for (const slot of members) {
      if (o.stop?.()) return false;
      // After a fatal failure the group's other cells are already failed: they are counted, not started.
      if (slot.cell.status !== "failed" && !(await start(slot, proc, o, limits))) procs.lost(group, slot.cell);
      onStarted?.(slot.cell, started++, slots.length);
    }
  }
  return true;
}

/** What one round of the cells live now is expected to take. */
function liveCost({ procs, o }: Session): number {
  const cells = procs.live().map((slot) => slot.cell);
  return roundCostMs(cells, o.targetSampleMs);
}

/** The plan for the rounds, made once every cell has started (its start-up and round cost measured). */
function planFor(s: Session, startedAt: number): RoundPlan {
  const now = s.clock();
  const wanted = s.procs.live().reduce((m, { cell }) => Math.max(m, samplesWanted(cell, s.o.samples)), 0);
  return planSession(s.o, { now, startupMs: now - startedAt, roundMs: liveCost(s), processes: s.o.processes, wanted, first: nextNumbers(s.cells) });
}

/** The plan's rounds: each live cell that wants a sample gives one, in a shuffled order; persisted after each. */
async function sampleRounds(s: Session, plan: RoundPlan): Promise<void> {
  const rng = seededRng(s.o.seed + s.o.session);
  for (let r = 0; r < plan.rounds; r++) {
    const at = roundAt(plan, r);
    if (at.freshProcesses && !(await startAll(s))) return;
    for (const slot of rng.shuffle(s.procs.live().filter(({ cell }) => samplesWanted(cell, s.o.samples) > 0))) {
      if (s.o.stop?.()) return;
      if (slot.cell.status === "ok") await sampleOnce(s.procs, slot, at, s.o);
    }
    s.hooks.onRound?.(r + 1, plan.rounds, s.cells);
    s.hooks.persist(s.cells, false);
    if (!roomForRound(plan, s.clock(), liveCost(s))) return;
  }
}

/**
 * Measures `cells` (index for index with `inputs`) in rounds until the plan,
 * the deadline or `stop` ends them; `clock` gives ms since epoch.
 */
export async function runCells(
  inputs: readonly CellInput[],
  cells: CellRun[],
  o: RunnerOptions,
  hooks: RunnerHooks,
  clock: () => number = Date.now,
): Promise<CellRun[]> {
  const slots = inputs.map((input, i): Slot => ({ input, cell: cells[i]! }));
  const procs = new Processes(slots);
  try {
    const startedAt = clock();
    const s: Session = { cells, slots, procs, o, limits: startLimits(o, slots.length, startedAt), hooks, clock };
    if (!(await startAll(s, hooks.onCellStarted))) return cells;
    hooks.persist(cells, false);
    await sampleRounds(s, planFor(s, startedAt));
    return cells;
  } finally {
    procs.killAll();
    hooks.persist(cells, true);
  }
}
