/**
 * One sentence per workload (and tier) that answers the lab's question for
 * this machine, from the summaries and, to separate the fastest from the
 * runner-up, their samples (pure). A sentence never states more than its
 * intervals hold: a ratio whose CI straddles 1 is "no difference", a cell
 * with too few rounds is "inconclusive", and "fastest" is named only when
 * the paired interval separates it from the runner-up.
 */
import { compareCells, summarizeCells } from "./summarize.js";
import { enginesOf, groupLabel, type CellRecord, type CellSummary, type RunRecord, type RunConfig, type Skipped } from "../model/results.js";
import { engineOf } from "../model/cells.js";
import { isNativeEngine, NATIVE, type EngineRecord } from "../model/engines.js";
import { ratioOfMedians } from "../stats/medians.js";
import { compilerFamily } from "../emit/native/variants.js";
import { formatCount, measuresOf, mispredicts } from "../model/counts.js";

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

/**
 * The native engine the wasm engines are held to: `native` (the o2 build),
 * else the first native engine in --engines order; null when the run has no
 * native engine or no wasm engine (nothing to hold to anything).
 */
export function nativeBaseline(config: Pick<RunConfig, "engines">): string | null {
  const engines = enginesOf(config);
  const natives = engines.filter(isNativeEngine);
  if (natives.length === 0 || natives.length === engines.length) return null;
  return natives.includes(NATIVE) ? NATIVE : natives[0]!;
}

/** A native engine's variant: its record's, else its name's (`native` is o2, `native:retpoline` retpoline). */
export const nativeVariant = (name: string, record?: EngineRecord): string =>
  record?.native?.variant ?? (name.startsWith(`${NATIVE}:`) ? name.slice(NATIVE.length + 1) : "o2");

/**
 * A native engine's compiler, short: family and major.minor from its version
 * line (`gcc 12.2`, `clang 14.0`), else the compiler as asked and its version;
 * "an unknown compiler" when the run recorded neither.
 */
export function compilerShort(record: EngineRecord | undefined): string {
  const id = record ? compilerFamily(record.vm) : undefined;
  if (id) return `${id.family} ${id.major}.${id.minor ?? 0}`;
  const name = record?.native?.compiler ?? record?.vm.split(" ")[0] ?? "";
  const version = record?.version.split(".").slice(0, 2).join(".") ?? "";
  return [name, version].filter(Boolean).join(" ") || "an unknown compiler";
}

/** How the native answer names a build: "gcc 12.2 -O2", "gcc 12.2 -O2 with nojt". */
export function nativeBuildLabel(run: Pick<RunRecord, "engines">, name: string): string {
  const record = run.engines?.[name];
  const variant = nativeVariant(name, record);
  return `${compilerShort(record)} -O2${variant === "o2" ? "" : ` with ${variant}`}`;
}

/** One native cell's ratio to the reference as an answer says it: its interval, or why there is none. */
function nativeRatio(s: CellSummary | undefined, skip: Skipped | undefined, reference: string | null): string {
  if (!s) return skip ? `not measured (skipped: ${skip.reason})` : "not measured";
  if (s.status === "failed") return "failed";
  if (s.inconclusive) return `inconclusive (${s.inconclusive})`;
  const r = s.ratio;
  if (!r) return "without a ratio (its reference was not measured)";
  const value = `${fmt(r.ratio)}x${reference === null ? "" : ` ${reference}`} ${ci(r.ciLow, r.ciHigh)}`;
  return r.ciLow <= 1 && r.ciHigh >= 1 ? `${value} (no difference this run can resolve)` : value;
}

/**
 * The native answer, per workload and strategy in focus (xen and chain, else
 * the first strategy besides the reference): its whole-call ratio to the
 * reference in the baseline build, then in every other variant:
 * "uniform: natively (gcc 12.2 -O2) xen is 1.91x table [1.85, 1.97]; with
 * retpoline 0.54x [0.50, 0.58], on this machine." Inconclusive cells are
 * said as such. None when the run has no native engine or no wasm engine.
 */
export const nativeAnswers = (run: RunRecord): string[] => run.config.workloads.flatMap((w) => nativeWorkloadAnswers(run, w));

/** nativeAnswers of one workload. */
export function nativeWorkloadAnswers(run: RunRecord, workload: string): string[] {
  const base = nativeBaseline(run.config);
  if (base === null) return [];
  const { reference, control } = run.config;
  const natives = [base, ...enginesOf(run.config).filter((e) => isNativeEngine(e) && e !== base)];
  const skipped = run.skipped ?? [];
  const of = (strategy: string, engine: string) => run.summaries.find((s) => s.workload === workload && s.strategy === strategy && engineOf(s) === engine);
  if (!natives.some((e) => run.summaries.some((s) => s.workload === workload && engineOf(s) === e))) return [];
  const candidates = run.config.strategies.filter((st) => st !== reference && st !== control && natives.some((e) => of(st, e)));
  const focus = FOCUS.filter((f) => candidates.includes(f));
  return (focus.length ? focus : candidates.slice(0, 1)).map((strategy) => {
    const [first, ...rest] = natives.map((e) =>
      nativeRatio(
        of(strategy, e),
        skipped.find((k) => k.strategy === strategy && k.engine === e),
        e === base ? reference : null,
      ),
    );
    const variants = rest.map((text, i) => `; with ${nativeVariant(natives[i + 1]!, run.engines?.[natives[i + 1]!])} ${text}`);
    return `${workload}: natively (${nativeBuildLabel(run, base)}) ${strategy} is ${first}${variants.join("")}, on this machine.`;
  });
}

/** One sentence per workload (and tier) that answers the lab's question for this run; then the native answers (nativeAnswers) when it has native engines. */
export const runAnswers = (run: RunRecord): string[] =>
  measuresOf(run.config).includes("time") ? [...answers(run.summaries, run.config, run.cells, run.skipped), ...nativeAnswers(run)] : countsAnswers(run);

/**
 * A run of counts alone: per group, each strategy's net instructions and
 * simulated mispredicts per dispatch (exact: no interval), and which strategy
 * executes the fewest instructions. Counts say what the code does, not what
 * it costs on this CPU: the sentence says simulated.
 */
export function countsAnswers(run: RunRecord): string[] {
  const groups = new Map<string, CellSummary[]>();
  for (const s of run.summaries) {
    if (s.strategy === run.config.control || !s.counts?.net) continue;
    const label = groupLabel(s, run.config);
    groups.set(label, [...(groups.get(label) ?? []), s]);
  }
  return [...groups].map(([label, cells]) => {
    const each = cells
      .map((s) => `${s.strategy} ${formatCount(s.counts!.net!.Ir)} instructions / ${formatCount(mispredicts(s.counts!.net!))} mispredicts`)
      .join(", ");
    const fewest = [...cells].sort((a, b) => a.counts!.net!.Ir - b.counts!.net!.Ir)[0]!;
    return `${label}: net per dispatch (simulated by valgrind, exact): ${each}; fewest instructions: ${fewest.strategy}.`;
  });
}

/** A run's statistics, from its samples (the run is updated in place). */
export function summarizeRun(run: RunRecord): void {
  run.summaries = summarizeCells(run.cells, run.config);
}
