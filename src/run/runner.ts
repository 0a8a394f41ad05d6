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
import type { SampleReply } from "./protocol.js";
import {
  nextNumbers,
  planSession,
  promoteBefore,
  replanAfterFirst,
  roomForRound,
  roundAt,
  roundCostMs,
  sampleTimeoutMs,
  samplesWanted,
  stageAfter,
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
  /**
   * A CPU other than `cpu`: each segment after the first starts its
   * processes there while the one before samples, then moves them to `cpu`
   * (round-plan.ts stageAfter, promoteBefore). Undefined: they start on `cpu` when their
   * segment begins, and the measuring CPU waits for them.
   */
  stagingCpu?: number;
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

/** Every other cell of `group` fails with the culprit's process. */
function failGroup(slots: readonly Slot[], group: string, culprit: CellRun): void {
  for (const { input, cell } of slots)
    if (input.group === group && cell !== culprit && cell.status !== "failed") fail(cell, `its process (shared with ${culprit.id}) was lost: ${culprit.error}`);
}

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

  /** A group's process ends (its cells are failed or want nothing more). */
  drop(group: string): void {
    this.procs.get(group)?.kill();
    this.procs.delete(group);
  }

  /** A staged process takes over its group: the old one is killed. */
  adopt(group: string, proc: CellProcess): void {
    this.procs.get(group)?.kill();
    this.procs.set(group, proc);
  }

  /** A process died or hung: every other cell it hosted (started or still to start) is lost with it. */
  lost(group: string, culprit: CellRun): void {
    this.procs.get(group)?.kill();
    this.procs.delete(group);
    failGroup(this.slots, group, culprit);
  }

  /** The cells that are ok and whose process is up, in input order. */
  live(): Slot[] {
    return this.slots.filter((s) => s.cell.status === "ok" && this.procs.has(s.input.group));
  }

  killAll(): void {
    for (const p of this.procs.values()) p.kill();
  }
}

/**
 * Start a cell in `proc` for segment `segment`: compile, place, calibrate
 * (or take the first process's batch), warm up. Null when it is ready, else
 * the failure (the caller fails the cell, and the process's other cells
 * when it is fatal). A staged start leaves the cell's pinning alone: the
 * cell still samples in its old process until the new one moves.
 */
async function start({ input, cell }: Slot, proc: CellProcess, o: RunnerOptions, limits: StartLimits, segment: number, staged: boolean): Promise<unknown> {
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
    if (!staged) cell.pinning = proc.pinning;
    cell.starts = [...(cell.starts ?? []), { segment, startedAt: proc.startedAt, readyAt: Date.now() }];
    return null;
  } catch (e) {
    return e;
  }
}

/** One sample of a cell from its process, checked; null after a failure (recorded on the cell, and its process's other cells when fatal). */
async function takeSample(procs: Processes, { input, cell }: Slot, round: number, o: RunnerOptions): Promise<SampleReply | null> {
  try {
    const reply = await procs.get(input.group)!.sample(input.id, round, sampleTimeoutMs(cell, o.targetSampleMs));
    if (reply.checksum !== cell.ready!.checksum)
      throw new CellFailure(`the harness result changed (${reply.checksum} != ${cell.ready!.checksum}): the module's work is not deterministic`, false);
    return reply;
  } catch (e) {
    fail(cell, e);
    if (isFatal(e)) procs.lost(input.group, cell);
    return null;
  }
}

async function sampleOnce(procs: Processes, slot: Slot, at: { round: number; segment: number }, o: RunnerOptions): Promise<void> {
  const reply = await takeSample(procs, slot, at.round, o);
  if (!reply) return;
  const { cell } = slot;
  cell.samples.push({ round: at.round, session: o.session, segment: at.segment, ns: reply.ns, nsPerDispatch: reply.ns / cell.ready!.dispatches });
  cell.seconds += reply.ns / 1e9;
  cell.maxRssMB = reply.maxRssMB;
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
  /** How long the first start-up took (what each later segment costs without a staging CPU); set once it is done. */
  startupMs: number;
}

/** The groups (in input order) with a cell that is not failed and still wants samples, and those cells. */
function groupsWanting({ slots, o }: Session): [string, Slot[]][] {
  const wants = ({ cell }: Slot) => cell.status !== "failed" && samplesWanted(cell, o.samples) > 0;
  const groups = new Map<string, Slot[]>();
  for (const slot of slots) if (wants(slot)) groups.set(slot.input.group, [...(groups.get(slot.input.group) ?? []), slot]);
  return [...groups];
}

/** The live cells that still want samples, in input order. */
const liveWanting = ({ procs, o }: Session): Slot[] => procs.live().filter(({ cell }) => samplesWanted(cell, o.samples) > 0);

/** The most samples a live cell still wants (Infinity: as many as the budget allows). */
const mostWanted = ({ procs, o }: Session): number => procs.live().reduce((m, { cell }) => Math.max(m, samplesWanted(cell, o.samples)), 0);

/** Progress: a cell's first start in this session (runCells numbers them). */
type Started = (cell: CellRun) => void;

/**
 * Start `members` (one group's cells) in `proc` for `segment`, one cell at
 * a time. A cell that fails to start fails; a fatal failure `lose`s the
 * process, whose other cells fail with it (counted, never started). A
 * failure after `cancelled()` is the process being killed on purpose, not
 * the cell's. False when stopped or cancelled.
 */
async function startGroup(
  s: Session,
  proc: CellProcess,
  members: readonly Slot[],
  segment: number,
  staged: boolean,
  lose: (culprit: CellRun) => void,
  started: Started | undefined,
  cancelled: () => boolean = () => false,
): Promise<boolean> {
  for (const slot of members) {
    if (cancelled() || s.o.stop?.()) return false;
    if (slot.cell.status !== "failed") {
      const e = await start(slot, proc, s.o, s.limits, segment, staged);
      if (e && !cancelled()) {
        fail(slot.cell, e);
        if (isFatal(e)) lose(slot.cell);
      }
    }
    started?.(slot.cell);
  }
  return true;
}

/**
 * Start (or restart) `groups` on the measuring CPU, one cell at a time:
 * calibration needs the CPU alone. A group gets a fresh process. False
 * when stopped.
 */
async function startAll(s: Session, segment: number, groups: readonly [string, Slot[]][], started?: Started): Promise<boolean> {
  for (const [group, members] of groups) {
    const proc = s.procs.fresh(group, members[0]!.input.command, s.o.cpu);
    if (!(await startGroup(s, proc, members, segment, false, (culprit) => s.procs.lost(group, culprit), started))) return false;
  }
  return true;
}

/** Processes starting on the staging CPU while the measuring CPU is busy (round-plan.ts stageAfter, promoteBefore). */
interface Staging {
  segment: number;
  /** The groups it starts: each gets a process here unless it failed. */
  groups: string[];
  procs: Map<string, CellProcess>;
  /** Settles when every staged cell is ready or failed: false when stopped or cancelled. */
  done: Promise<boolean>;
  /** Whether `done` has settled: the measuring CPU never waits for a staging. */
  ready: boolean;
  cancelled: boolean;
}

/**
 * Start `groups`' processes on `cpu`, group by group, one cell at a time
 * (they share the staging CPU with the runner alone). A cell that fails to
 * start fails now (it is not sampled again); a fatal failure fails its
 * group's other cells, as on the measuring CPU.
 */
function stage(s: Session, segment: number, cpu: number, groups: readonly [string, Slot[]][], started?: Started): Staging {
  const staging: Staging = { segment, groups: groups.map(([g]) => g), procs: new Map(), done: Promise.resolve(true), ready: false, cancelled: false };
  const cancelled = () => staging.cancelled;
  staging.done = (async () => {
    for (const [group, members] of groups) {
      if (staging.cancelled) return false; // cancel has killed what was started: start nothing more
      const proc = new CellProcess(members[0]!.input.command, cpu);
      staging.procs.set(group, proc);
      const lose = (culprit: CellRun) => {
        proc.kill();
        staging.procs.delete(group);
        failGroup(s.slots, group, culprit);
      };
      if (!(await startGroup(s, proc, members, segment, true, lose, started, cancelled))) return false;
    }
    return !staging.cancelled;
  })().finally(() => {
    staging.ready = true;
  });
  return staging;
}

/** Stop a staging that will not be promoted (the run ends first): its processes killed, its starts forgotten (they measured nothing). */
async function cancel(staging: Staging, slots: readonly Slot[]): Promise<void> {
  staging.cancelled = true;
  for (const proc of staging.procs.values()) proc.kill();
  await staging.done;
  for (const { cell } of slots) if (cell.starts?.at(-1)?.segment === staging.segment && cell.starts.at(-1)!.promotedAt === undefined) cell.starts.pop();
}

/**
 * The staged processes take over at their segment's first round: each
 * moves to the measuring CPU (its old one killed), and every live cell
 * takes one untimed sample there (the re-warm: caches, predictors and TLB
 * of the new CPU) before the round's timed ones. Groups with no staged
 * process (every cell failed to start) lose their old one. False when
 * stopped.
 */
async function promote(s: Session, staging: Staging, round: number): Promise<boolean> {
  if (!(await staging.done)) return false;
  const now = Date.now();
  for (const group of staging.groups) if (!staging.procs.has(group)) s.procs.drop(group);
  CellProcess.moveAll([...staging.procs.values()], s.o.cpu);
  for (const [group, proc] of staging.procs) {
    s.procs.adopt(group, proc);
    for (const { input, cell } of s.slots)
      if (input.group === group && cell.status === "ok") {
        cell.pinning = proc.pinning;
        const last = cell.starts?.at(-1);
        if (last?.segment === staging.segment) last.promotedAt = now;
      }
  }
  for (const slot of liveWanting(s)) {
    if (s.o.stop?.()) return false;
    await takeSample(s.procs, slot, round, s.o);
  }
  return true;
}

/** What one round of the cells live now is expected to take. */
function liveCost({ procs, o }: Session): number {
  const cells = procs.live().map((slot) => slot.cell);
  return roundCostMs(cells, o.targetSampleMs);
}

/**
 * The plan for the rounds, made once every cell has started (its start-up
 * and round cost measured). With a staging CPU a later segment costs the
 * measuring CPU one round (the re-warm), not a start-up.
 */
function planFor(s: Session): RoundPlan {
  const now = s.clock();
  const wanted = mostWanted(s);
  const segmentCost = s.o.stagingCpu === undefined ? s.startupMs : liveCost(s);
  return planSession(s.o, { now, startupMs: segmentCost, roundMs: liveCost(s), processes: s.o.processes, wanted, first: nextNumbers(s.cells) });
}

/**
 * The plan's rounds: each live cell that wants a sample gives one, in a
 * shuffled order; persisted after each. A new segment's processes are
 * started on the measuring CPU when the plan reaches it, or, with a staging
 * CPU, during the segment before, and promoted once they are ready and the
 * plan has reached their segment (round-plan.ts stageAfter, promoteBefore).
 * Each sample is labelled with the segment whose processes gave it.
 */
async function sampleRounds(s: Session, initial: RoundPlan): Promise<void> {
  const rng = seededRng(s.o.seed + s.o.session);
  let plan = initial;
  let staging: Staging | undefined;
  /** The segment whose processes measure now, and whether the round about to be taken is their first. */
  let current = plan.firstSegment;
  let opened = true;
  /** The last round's wall time: what the next one is expected to cost (never less than the estimate). */
  let lastRoundMs = 0;
  try {
    for (let r = 0; r < plan.rounds; r++) {
      const { round, segment: planned } = roundAt(plan, r);
      if (staging && promoteBefore(plan, r, { segment: staging.segment, ready: staging.ready })) {
        if (!(await promote(s, staging, round))) return;
        [current, opened, staging] = [staging.segment, true, undefined];
      } else if (s.o.stagingCpu === undefined && planned > current) {
        if (!(await startAll(s, planned, groupsWanting(s)))) return;
        [current, opened] = [planned, true];
      }
      const began = s.clock();
      for (const slot of rng.shuffle(liveWanting(s))) {
        if (s.o.stop?.()) return;
        if (slot.cell.status === "ok") await sampleOnce(s.procs, slot, { round, segment: current }, s.o);
      }
      s.hooks.onRound?.(r + 1, plan.rounds, s.cells);
      s.hooks.persist(s.cells, false);
      lastRoundMs = s.clock() - began;
      if (r === 0 && plan.rounds > 1) {
        const wanted = mostWanted(s);
        const segmentMs = s.o.stagingCpu === undefined ? s.startupMs : lastRoundMs;
        plan = replanAfterFirst(plan, { now: s.clock(), roundMs: Math.max(lastRoundMs, 1), segmentMs, processes: s.o.processes, wanted: wanted + 1 });
      }
      if (!roomForRound(plan, s.clock(), Math.max(liveCost(s), lastRoundMs))) return;
      const next = s.o.stagingCpu === undefined || staging ? null : stageAfter(plan, current, opened);
      if (next !== null) staging = stage(s, next, s.o.stagingCpu!, groupsWanting(s));
      opened = false;
    }
  } finally {
    if (staging) await cancel(staging, s.slots);
  }
}

/**
 * The session's first start-up. With a staging CPU nothing is measured yet,
 * so both CPUs start processes at once: the measuring CPU the first half of
 * the groups, the staging CPU the rest, which then move to the measuring
 * CPU as a later segment's do (promote: every cell re-warmed there). False
 * when stopped.
 */
async function startFirst(s: Session, onStarted: RunnerHooks["onCellStarted"]): Promise<boolean> {
  let n = 0;
  const started: Started = (cell) => onStarted?.(cell, n++, s.slots.length);
  const groups = groupsWanting(s);
  const { segment, round } = nextNumbers(s.cells);
  if (s.o.stagingCpu === undefined || groups.length < 2) return startAll(s, segment, groups, started);
  const half = Math.ceil(groups.length / 2);
  const staging = stage(s, segment, s.o.stagingCpu, groups.slice(half), started);
  if (!(await startAll(s, segment, groups.slice(0, half), started))) {
    await cancel(staging, s.slots);
    return false;
  }
  return promote(s, staging, round);
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
    const s: Session = { cells, slots, procs, o, limits: startLimits(o, slots.length, startedAt), hooks, clock, startupMs: 0 };
    if (!(await startFirst(s, hooks.onCellStarted))) return cells;
    hooks.persist(cells, false);
    s.startupMs = clock() - startedAt;
    await sampleRounds(s, planFor(s));
    return cells;
  } finally {
    procs.killAll();
    hooks.persist(cells, true);
  }
}
