/**
 * The plan of a counts measurement (model/counts.ts), pure: which processes
 * run under callgrind, which cells each counts, and how the cells' counts
 * per dispatch come out of the processes' dumps.
 *
 * Cells that run the same command (one engine, tier and flags for wasm; one
 * build for native) share processes: their cells in input order, split into
 * at most `parallel` processes of nearly equal size. A process counts its
 * cells one after the other, each with three calls over its stream, a mark
 * (callgrind.ts MARK_FUNCTION: a dump) before the first cell and after every
 * call:
 *
 *     mark | per cell: [place] run(1) mark  run(1) mark  run(2) mark
 *
 * Dump 1 is start-up; a cell k (from 0) has dump 3k+2 (its placement and a
 * warm-up pass), 3k+3 (one pass) and 3k+4 (two passes). Both counted calls
 * run the same code from the same state but for one pass, so one pass's
 * counts are dump(3k+4) - dump(3k+3), exactly: the call's own cost, the mark
 * and the predictor's warm-up cancel.
 *
 * Each call prints its checksum (the harness's sum): the warm-up's and the
 * one-pass call's must be equal, and the two-pass call's twice that
 * (wrapping as the harness's i64 sum wraps). Anything else means the passes
 * do not do the same work, and the difference would count it: the cell is
 * not counted.
 */
import { COUNT_EVENTS, subtractCounts, type EventCounts } from "../model/counts.js";
import type { EngineKind } from "../model/engines.js";
import type { CellTier } from "../model/tiers.js";
import { MARK_FUNCTION } from "./callgrind.js";

/** A cell as the plan sees it: the command it runs under (a key: cells with equal keys share processes), and how many numbers its stream has. */
export interface PlanCell {
  id: string;
  command: string;
  length: number;
}

/** One process under callgrind: its command's key and its cells, in order. */
export interface CountProcess {
  command: string;
  cells: string[];
}

/** The passes of each cell's three calls: a warm-up, then the two the difference of which is one pass. */
export const CALL_REPS: readonly [number, number, number] = [1, 1, 2];

/** The marks (dumps) a process of `cells` cells makes: one before the first cell, one after each call. */
export const marksOf = (cells: number): number => 1 + CALL_REPS.length * cells;

/** `items` in order, split into `parts` runs of nearly equal length (the first ones one longer). */
function split<T>(items: readonly T[], parts: number): T[][] {
  const n = Math.max(1, Math.min(parts, items.length));
  const size = Math.floor(items.length / n);
  const longer = items.length % n;
  const out: T[][] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const len = size + (i < longer ? 1 : 0);
    out.push(items.slice(at, at + len));
    at += len;
  }
  return out;
}

/**
 * Per command (in order of first appearance), its cells split into at most
 * `parallel` processes: start-up (seconds for an engine under valgrind) is
 * paid once per process, and the processes run at once.
 */
export function planCounts(cells: readonly PlanCell[], parallel: number): CountProcess[] {
  const byCommand = new Map<string, string[]>();
  for (const c of cells) byCommand.set(c.command, [...(byCommand.get(c.command) ?? []), c.id]);
  return [...byCommand].flatMap(([command, ids]) => split(ids, parallel).map((part) => ({ command, cells: part })));
}

/** Per event (two - one) / dispatches: what one dispatch costs. */
export function perDispatchFrom(one: EventCounts, two: EventCounts, dispatches: number): EventCounts {
  const diff = subtractCounts(two, one);
  return Object.fromEntries(COUNT_EVENTS.map((e) => [e, diff[e] / dispatches])) as EventCounts;
}

/** What one planned process gave: its dumps' totals in order and one checksum per call (decimal), or why it failed. */
export type ProcessResult = { dumps: readonly EventCounts[]; checksums: readonly string[] } | { error: string };

/** A cell's counts per dispatch, or why it has none. */
export type CellOutcome = { perDispatch: EventCounts; dispatches: number } | { error: string };

/** `text` as a checksum (a decimal integer), or null. */
function checksum(text: string | undefined): bigint | null {
  if (text === undefined || !/^-?\d+$/.test(text)) return null;
  return BigInt(text);
}

/** Why a cell's three checksums do not show the same work per pass, or null when they do. */
function mismatch(sums: readonly (string | undefined)[]): string | null {
  const parsed = sums.map(checksum);
  const bad = parsed.findIndex((s) => s === null);
  if (bad >= 0) return `its process printed "${sums[bad] ?? ""}" for its call ${bad + 1}: not a checksum`;
  const [warm, one, two] = parsed as bigint[];
  if (warm !== one) return `not deterministic: two 1-pass calls computed ${warm} and ${one}`;
  const want = BigInt.asIntN(64, one! * BigInt(CALL_REPS[2] / CALL_REPS[1]));
  if (two !== want) return `not deterministic: its ${CALL_REPS[2]}-pass call computed ${two}, ${CALL_REPS[2]} times its 1-pass call's ${one} is ${want}`;
  return null;
}

/**
 * Every cell's outcome from its process (`results` index for index with
 * `plan`). A failed process, or one whose dumps or checksums are not as many
 * as its marks and calls, fails its cells; checksums that disagree fail the
 * cell alone.
 */
export function cellOutcomes(cells: readonly PlanCell[], plan: readonly CountProcess[], results: readonly ProcessResult[]): Map<string, CellOutcome> {
  const lengths = new Map(cells.map((c) => [c.id, c.length]));
  const out = new Map<string, CellOutcome>();
  plan.forEach((p, i) => {
    const r = results[i]!;
    const fail = (error: string) => p.cells.forEach((id) => out.set(id, { error }));
    if ("error" in r) return fail(r.error);
    const marks = marksOf(p.cells.length);
    if (r.dumps.length !== marks)
      return fail(`its process under callgrind wrote ${r.dumps.length} dumps for ${marks} marks (something else in it called ${MARK_FUNCTION})`);
    const calls = CALL_REPS.length * p.cells.length;
    if (r.checksums.length !== calls) return fail(`its process printed ${r.checksums.length} checksums for ${calls} calls`);
    p.cells.forEach((id, k) => {
      const wrong = mismatch(r.checksums.slice(3 * k, 3 * k + 3));
      if (wrong) return void out.set(id, { error: wrong });
      const dispatches = (CALL_REPS[2] - CALL_REPS[1]) * lengths.get(id)!;
      out.set(id, { perDispatch: perDispatchFrom(r.dumps[3 * k + 2]!, r.dumps[3 * k + 3]!, dispatches), dispatches });
    });
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
