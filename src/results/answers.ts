/**
 * One sentence per workload (and tier) that answers the lab's question for
 * this machine, from the summaries and, to separate the fastest from the
 * runner-up, their samples (pure). A sentence never states more than its
 * intervals hold: a ratio whose CI straddles 1 is "no difference", a cell
 * with too few rounds is "inconclusive", and "fastest" is named only when
 * the paired interval separates it from the runner-up.
 */
import { compareCells, summarizeCells } from "./summarize.js";
import { groupLabel, type CellRecord, type CellSummary, type RunRecord, type RunConfig, type Skipped } from "../model/results.js";
import { engineOf } from "../model/cells.js";
import { ratioOfMedians } from "../stats/medians.js";

/** The strategies the Xen debate was about, mentioned first when present. */
const FOCUS = ["xen", "chain"];

const fmt = (x: number) => x.toFixed(2);
const ci = (lo: number, hi: number) => `[${fmt(lo)}, ${fmt(hi)}]`;

/** The ratio is of the whole call (gross time: loop, call, dispatch, handler); the ns are the dispatch's own (net) difference. */
function verdict(s: CellSummary, reference: string): string {
  if (s.inconclusive) return `${s.strategy}: inconclusive (${s.inconclusive})`;
  const r = s.ratio!;
  const whole = `${s.strategy}'s whole call is ${fmt(r.ratio)}x ${reference}'s ${ci(r.ciLow, r.ciHigh)}`;
  if (r.ciLow <= 1 && r.ciHigh >= 1) return `${whole}: no difference this run can resolve`;
  const d = s.vsReference!;
  return `${whole}, the dispatch ${fmt(Math.abs(d.diff))} ns ${d.diff < 0 ? "faster" : "slower"} (net difference ${ci(d.ciLow, d.ciHigh)} ns)`;
}

/**
 * The fastest strategy by gross median, named only when every candidate is
 * conclusive and the paired ratio fastest / runner-up has its whole CI below 1.
 */
function fastest(candidates: readonly CellSummary[], cells: readonly CellRecord[], config: RunConfig): string {
  const unsure = candidates.filter((c) => c.inconclusive).map((c) => c.strategy);
  if (unsure.length) return `fastest: not named (inconclusive: ${unsure.join(", ")})`;
  const [first, second] = [...candidates].sort((a, b) => a.gross!.median - b.gross!.median);
  const cellOf = (s: CellSummary) => cells.find((c) => c.id === s.id);
  const [a, b] = [cellOf(first!), second && cellOf(second)];
  if (!a || !b) return `fastest: ${first!.strategy}`;
  const r = compareCells(a, b, ratioOfMedians, config.seed * 7919 + 17);
  const vs = `${fmt(r.ratio)}x the runner-up ${second!.strategy} ${ci(r.ciLow, r.ciHigh)}`;
  if (r.ciHigh >= 1) return `fastest: not resolved (${first!.strategy} is ${vs})`;
  const ofReference = first!.strategy === config.reference ? "" : `${fmt(first!.ratio!.ratio)}x ${config.reference}; `;
  return `fastest: ${first!.strategy} (${ofReference}${vs})`;
}

function groupBy(summaries: readonly CellSummary[], config: RunConfig): Map<string, CellSummary[]> {
  const groups = new Map<string, CellSummary[]>();
  for (const s of summaries) {
    const key = groupLabel(s, config);
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  return groups;
}

export function answers(summaries: readonly CellSummary[], config: RunConfig, cells: readonly CellRecord[], skipped: readonly Skipped[] = []): string[] {
  return [...groupBy(summaries, config).entries()].map(([label, group]) => {
    const reference = group.find((c) => c.strategy === config.reference && c.gross);
    if (!reference) return `${label}: no answer: the reference strategy ${config.reference} has no measurement`;
    const others = group.filter((c) => c.ratio && c.strategy !== config.reference && c.strategy !== config.control);
    if (others.length === 0) {
      // A strategy the engine could not run is why there is nothing to compare: say which, and why.
      const why = skipped.filter((s) => s.engine === engineOf(group[0]!)).map((s) => `${s.strategy} skipped: ${s.reason}`);
      return `${label}: no strategy besides ${config.reference} was measured${why.length ? ` (${why.join("; ")})` : ""}`;
    }
    const focus = FOCUS.map((f) => others.find((c) => c.strategy === f)).filter((c): c is CellSummary => !!c);
    const parts = (focus.length ? focus : others.slice(0, 1)).map((c) => verdict(c, config.reference));
    // A strategy that failed has no time: the ranking is of the others, and says so.
    const failed = group.filter((c) => c.status === "failed" && c.strategy !== config.control).map((c) => c.strategy);
    const unranked = failed.length ? ` (${failed.join(", ")} failed: not ranked)` : "";
    return `${label}: ${parts.join("; ")}; ${fastest([...others, reference], cells, config)}${unranked}, on this machine.`;
  });
}

/** One sentence per workload (and tier) that answers the lab's question for this run. */
export const runAnswers = (run: RunRecord): string[] => answers(run.summaries, run.config, run.cells, run.skipped);

/** A run's statistics, from its samples (the run is updated in place). */
export function summarizeRun(run: RunRecord): void {
  run.summaries = summarizeCells(run.cells, run.config);
}
