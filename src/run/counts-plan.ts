/**
 * The plan of a counts measurement (model/counts.ts), pure: which processes
 * run under cachegrind, which calls each makes, and how the cells' counts
 * per dispatch come out of the processes' totals.
 *
 * A group (one strategy x tier x engine, as the runner groups cells: its
 * cells differ by workload) of W cells takes W + 1 processes. P0, the
 * group's control, runs every cell's stream once, in order: one call
 * `run(base, count, 1)` per cell, each cell its own instance of its own
 * module. P_w, one per cell, runs the same sequence but cell w's call makes
 * two passes. Everything but that extra pass is the same in both (start-up,
 * compilation, placement, the other cells' calls), so cell w's counts per
 * dispatch are (P_w - P0) / count_w.
 *
 * Each call prints its checksum (the harness's sum): P_w's must be P0's,
 * but for cell w's own, twice P0's (two passes, wrapping as the harness's
 * i64 sum wraps). Anything else means the work differs from one process to
 * the next, and the difference would count it: the cell is not counted.
 */
import { COUNT_EVENTS, subtractCounts, type EventCounts } from "../model/counts.js";
import type { EngineKind } from "../model/engines.js";
import type { CellTier } from "../model/tiers.js";

/** A cell as the plan sees it: its group, and how many numbers its stream has. */
export interface PlanCell {
  id: string;
  group: string;
  length: number;
}

/** One call of `run` over a cell's stream. */
export interface PlannedCall {
  id: string;
  reps: number;
}

/** One process under cachegrind. */
export interface CountProcess {
  group: string;
  /** The cell whose call makes the extra pass; null for the group's control process (P0). */
  extra: string | null;
  /** Every cell of the group, in input order, with its call's reps. */
  calls: PlannedCall[];
}

/** The passes of a call in the control process, and of the counted cell's call in its own. */
export const BASE_REPS = 1;
export const EXTRA_REPS = 2;

/** Per group (in order of first appearance): its control P0, then one process per cell, in input order. */
export function planCounts(cells: readonly PlanCell[]): CountProcess[] {
  const groups = new Map<string, PlanCell[]>();
  for (const c of cells) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  return [...groups].flatMap(([group, members]) =>
    [null, ...members.map((m) => m.id)].map((extra) => ({
      group,
      extra,
      calls: members.map((m) => ({ id: m.id, reps: m.id === extra ? EXTRA_REPS : BASE_REPS })),
    })),
  );
}

/** The dispatches the difference of a cell's process and its control covers: the extra passes over its stream. */
export const extraDispatches = (length: number): number => (EXTRA_REPS - BASE_REPS) * length;

/** Per event (pw - p0) / dispatches: what one dispatch costs. */
export function perDispatchFrom(p0: EventCounts, pw: EventCounts, dispatches: number): EventCounts {
  const diff = subtractCounts(pw, p0);
  return Object.fromEntries(COUNT_EVENTS.map((e) => [e, diff[e] / dispatches])) as EventCounts;
}

/** What one planned process gave: its totals and one checksum per call (decimal), or why it failed. */
export type ProcessResult = { counts: EventCounts; checksums: readonly string[] } | { error: string };

/** A cell's counts per dispatch, or why it has none. */
export type CellOutcome = { perDispatch: EventCounts; dispatches: number } | { error: string };

/** `text` as a checksum (a decimal integer), or null. */
function checksum(text: string | undefined): bigint | null {
  if (text === undefined || !/^-?\d+$/.test(text)) return null;
  return BigInt(text);
}

/** What the counted cell's call must print: reps times one pass, wrapped to i64 as the harness's sum is. */
const expected = (one: bigint, reps: number): bigint => BigInt.asIntN(64, one * BigInt(reps));

/** Why P_w's checksums do not follow P0's, or null when they do. */
function mismatch(control: readonly string[], own: readonly string[], p: CountProcess): string | null {
  if (control.length !== p.calls.length || own.length !== p.calls.length)
    return `its processes printed ${control.length} and ${own.length} checksums for ${p.calls.length} calls`;
  for (const [k, call] of p.calls.entries()) {
    const c0 = checksum(control[k]);
    const cw = checksum(own[k]);
    if (c0 === null || cw === null) return `a process printed "${c0 === null ? control[k] : own[k]}" for ${call.id}'s call: not a checksum`;
    const want = call.id === p.extra ? expected(c0, call.reps / BASE_REPS) : c0;
    if (cw !== want)
      return call.id === p.extra
        ? `not deterministic: its ${call.reps}-pass call computed ${cw}, ${call.reps} times its 1-pass call's ${c0} is ${want}`
        : `not deterministic: ${call.id}'s call computed ${c0} in one process and ${cw} in the other`;
  }
  return null;
}

/**
 * Every cell's outcome from its group's control and its own process
 * (`results` index for index with `plan`). A failed control fails its whole
 * group; a failed process of its own, or checksums that disagree, fail the
 * cell alone.
 */
export function cellOutcomes(cells: readonly PlanCell[], plan: readonly CountProcess[], results: readonly ProcessResult[]): Map<string, CellOutcome> {
  const lengths = new Map(cells.map((c) => [c.id, c.length]));
  const controls = new Map<string, ProcessResult>();
  plan.forEach((p, i) => {
    if (p.extra === null) controls.set(p.group, results[i]!);
  });
  const out = new Map<string, CellOutcome>();
  plan.forEach((p, i) => {
    if (p.extra === null) return;
    const control = controls.get(p.group);
    const own = results[i]!;
    if (!control) return void out.set(p.extra, { error: "its group has no control process (a dispatch-lab bug)" });
    if ("error" in control) return void out.set(p.extra, { error: `its group's control process failed: ${control.error}` });
    if ("error" in own) return void out.set(p.extra, { error: own.error });
    const wrong = mismatch(control.checksums, own.checksums, p);
    if (wrong) return void out.set(p.extra, { error: wrong });
    const dispatches = extraDispatches(lengths.get(p.extra)!);
    out.set(p.extra, { perDispatch: perDispatchFrom(control.counts, own.counts, dispatches), dispatches });
  });
  return out;
}

/**
 * Why a cell's counts would not repeat, or null when they do: V8's dynamic
 * tiering compiles in the background (what it counts depends on timing);
 * only node's V8 and native builds give the same counts run after run.
 */
export function uncountableReason(engine: EngineKind | "native", tier: CellTier): string | null {
  if (engine === "deno")
    return "not counted: Deno's counts differ from run to run (its first run with a fresh code cache is off); count node or native engines";
  if (engine === "bun") return "not counted: Bun's counts vary by about 1.7 instructions per dispatch from run to run; count node or native engines";
  if (tier === "tiered")
    return "not counted: V8's dynamic tiering compiles in the background, so its counts depend on timing; count the turbofan or liftoff tier";
  return null;
}
