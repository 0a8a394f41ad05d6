/**
 * "wasm against the hardware": a run's wasm engines held to its native
 * builds (the same plans compiled by a C compiler, timed in the same rounds).
 * Per workload: each native build's ranking of the strategies by net ns per
 * dispatch beside each wasm engine's (and tier's); Kendall's tau-b of every
 * ranking against the baseline native build (`native`, the o2 build, else
 * the first native engine in --engines order); the wasm premium per
 * strategy, wasm net minus native net with a 95% interval; and the native
 * answers (results/answers.ts). Pure: a RunRecord in, data and its HTML,
 * Markdown and terminal renderings out. Every name in it comes from a
 * results file, and is escaped where it lands.
 *
 * The premium's interval: the premium is
 *   (wasm strategy - wasm control) - (native strategy - native control),
 * medians of the four cells. The four are measured in the same rounds, so
 * the interval is a paired percentile bootstrap over the rounds all four
 * share (the same round indices drawn for every cell, in time blocks as
 * every other interval of the lab: results/summarize.ts), and drift that
 * slows a whole round cancels as it does in a net. With fewer than 5 shared
 * rounds each cell is resampled on its own; a run whose cells kept no
 * samples (summaries only) combines the two nets' half-widths in quadrature,
 * each side on its own (independent cells). Any of the four cells
 * inconclusive, or fewer than 6 shared rounds, and the premium is shown
 * without an interval, as inconclusive.
 */
import { median } from "simple-statistics";
import { cellKey, engineOf, type Sample } from "../model/cells.js";
import { isNativeEngine } from "../model/engines.js";
import { enginesOf, type CellRecord, type CellSummary, type RunRecord } from "../model/results.js";
import { independentBootstrapMediansCI, pairedBootstrapMediansCI } from "../stats/bootstrap.js";
import { kendallTauByItem } from "../stats/kendall.js";
import { tooFewRounds } from "../stats/rounds.js";
import { blocksOf } from "../results/summarize.js";
import { nativeBaseline, nativeBuildLabel, nativeWorkloadAnswers } from "../results/answers.js";
import { escapeHtml, escapeMarkdown, escapeTerminal } from "../text/escape.js";
import { markdownTable } from "../text/markdown-table.js";
import { table } from "./html-table.js";

/** The section's title, as every rendering shows it. */
export const HARDWARE_TITLE = "wasm against the hardware";

/** Below this many rounds shared by the four cells, the premium's bootstrap resamples each cell on its own (as results/summarize.ts pairs two). */
const MIN_PAIRED_ROUNDS = 5;

/** A strategy's place in a ranking: its net ns per dispatch with its interval. */
export interface RankEntry {
  strategy: string;
  net: number;
  ciLow: number;
  ciHigh: number;
  /** As its summary's: its numbers are shown, its interval is not. */
  inconclusive: string | null;
}

/** One engine's (and tier's) ranking of a workload's strategies, fastest (lowest net) first, the control left out. */
export interface Ranking {
  engine: string;
  tier: string;
  /** `native`, `native:retpoline`, `node`, or `node, liftoff` where the run has several tiers. */
  label: string;
  native: boolean;
  entries: RankEntry[];
  /** Kendall's tau-b of the nets against the baseline native build's, over the strategies both rank; null for the baseline itself, or where undefined (fewer than 2 shared, or all tied). */
  tau: number | null;
  /** How many strategies tau was taken over. */
  tauN: number;
}

/** How a premium's interval was made (see the module's comment). */
export type PremiumMethod = "paired" | "independent" | "quadrature";

/** A strategy's wasm premium in one wasm group: wasm net - native net, ns per dispatch. */
export interface Premium {
  strategy: string;
  value: number;
  ciLow: number;
  ciHigh: number;
  method: PremiumMethod;
  /** Why the interval carries no verdict (a cell of the four inconclusive, too few shared rounds), or null. */
  inconclusive: string | null;
}

export interface WasmComparison {
  ranking: Ranking;
  /** Per strategy both groups have a net for, in the run's strategy order. */
  premiums: Premium[];
  /** The median of the conclusive premiums' values; null when none is conclusive. */
  medianPremium: number | null;
}

export interface HardwareWorkload {
  workload: string;
  /** Each native build's ranking, the baseline first. */
  natives: Ranking[];
  wasm: WasmComparison[];
  /** The native answers of this workload (results/answers.ts nativeAnswers). */
  answers: string[];
}

export interface Hardware {
  /** The native engine the others are held to. */
  baseline: string;
  /** How the answers name it: "gcc 12.2 -O2". */
  build: string;
  workloads: HardwareWorkload[];
}

const fmt = (x: number) => x.toFixed(2);
const signed = (x: number) => `${x >= 0 ? "+" : ""}${fmt(x)}`;

/** A group's strategies by net, fastest first; ties keep the run's strategy order. */
function rankEntries(r: RunRecord, summaries: readonly CellSummary[]): RankEntry[] {
  const { strategies, control } = r.config;
  const order = (s: string) => {
    const i = strategies.indexOf(s);
    return i < 0 ? strategies.length : i;
  };
  return summaries
    .filter((s) => s.strategy !== control && s.status !== "failed" && s.net)
    .sort((a, b) => a.net!.diff - b.net!.diff || order(a.strategy) - order(b.strategy))
    .map((s) => ({ strategy: s.strategy, net: s.net!.diff, ciLow: s.net!.ciLow, ciHigh: s.net!.ciHigh, inconclusive: s.inconclusive }));
}

const netsOf = (entries: readonly RankEntry[]) => new Map(entries.map((e) => [e.strategy, e.net] as const));

/** The four cells' samples over the rounds all of them have, in round order, with the rounds' samples of the first. */
function alignFour(cells: readonly CellRecord[]): { values: number[][]; shared: Sample[] } {
  const byRound = cells.slice(1).map((c) => new Map(c.samples.map((s) => [s.round, s.nsPerDispatch] as const)));
  const shared = cells[0]!.samples.filter((s) => byRound.every((m) => m.has(s.round))).sort((a, b) => a.round - b.round);
  return { values: [shared.map((s) => s.nsPerDispatch), ...byRound.map((m) => shared.map((s) => m.get(s.round)!))], shared };
}

const premiumOf = (m: readonly number[]) => m[0]! - m[1]! - (m[2]! - m[3]!);

/**
 * One strategy's premium: wasm net - native net, with its interval (module
 * comment). `cells` are wasm strategy, wasm control, native strategy, native
 * control when all four were found with samples.
 */
function premium(wasm: CellSummary, native: CellSummary, cells: CellRecord[] | null, seed: number): Premium {
  const unsure = wasm.inconclusive ? `wasm: ${wasm.inconclusive}` : native.inconclusive ? `native: ${native.inconclusive}` : null;
  const base = { strategy: wasm.strategy };
  if (!cells) {
    const w = wasm.net!;
    const n = native.net!;
    const value = w.diff - n.diff;
    return {
      ...base,
      value,
      ciLow: value - Math.hypot(w.diff - w.ciLow, n.ciHigh - n.diff),
      ciHigh: value + Math.hypot(w.ciHigh - w.diff, n.diff - n.ciLow),
      method: "quadrature",
      inconclusive: unsure,
    };
  }
  const { values, shared } = alignFour(cells);
  if (shared.length >= MIN_PAIRED_ROUNDS) {
    const [ciLow, ciHigh] = pairedBootstrapMediansCI(values, premiumOf, { seed, ...blocksOf(shared) });
    return { ...base, value: premiumOf(values.map((v) => median(v))), ciLow, ciHigh, method: "paired", inconclusive: unsure };
  }
  const own = cells.map((c) => c.samples.map((s) => s.nsPerDispatch));
  const [ciLow, ciHigh] = independentBootstrapMediansCI(own, premiumOf, { seed });
  return {
    ...base,
    value: premiumOf(own.map((v) => median(v))),
    ciLow,
    ciHigh,
    method: "independent",
    inconclusive: unsure ?? tooFewRounds(shared.length, "shared by the four cells"),
  };
}

/** The section's data, or null when the run has no native engine or no wasm engine (or measured none of them). */
export function hardware(r: RunRecord): Hardware | null {
  const baseline = nativeBaseline(r.config);
  if (baseline === null) return null;
  const engines = enginesOf(r.config);
  const natives = [baseline, ...engines.filter((e) => isNativeEngine(e) && e !== baseline)];
  const wasmEngines = engines.filter((e) => !isNativeEngine(e));
  const several = r.config.tiers.length > 1;
  const byKey = new Map(r.cells.map((c) => [cellKey(c), c]));
  const sampled = (s: CellSummary, strategy: string) => {
    const c = byKey.get(cellKey({ ...s, strategy }));
    return c && c.samples.length > 0 ? c : undefined;
  };
  let seed = r.config.seed * 7919 + 104_729;
  const workloads = r.config.workloads.flatMap((workload): HardwareWorkload[] => {
    const group = (engine: string, tier: string) => r.summaries.filter((s) => s.workload === workload && s.tier === tier && engineOf(s) === engine);
    const nativeGroups = natives.map((engine) => ({ engine, summaries: r.summaries.filter((s) => s.workload === workload && engineOf(s) === engine) }));
    const baseGroup = nativeGroups[0]!.summaries;
    const baseEntries = rankEntries(r, baseGroup);
    if (baseEntries.length === 0) return [];
    const tauOf = (entries: readonly RankEntry[]) => kendallTauByItem(netsOf(entries), netsOf(baseEntries));
    const nativeRankings = nativeGroups
      .filter((g) => g.summaries.length > 0)
      .map(({ engine, summaries }): Ranking => {
        const entries = rankEntries(r, summaries);
        const t = engine === baseline ? { tau: null, n: 0 } : tauOf(entries);
        return { engine, tier: summaries[0]!.tier, label: engine, native: true, entries, tau: t.tau, tauN: t.n };
      });
    const wasm = wasmEngines.flatMap((engine) =>
      r.config.tiers.flatMap((tier): WasmComparison[] => {
        const summaries = group(engine, tier);
        if (summaries.length === 0) return [];
        const entries = rankEntries(r, summaries);
        const t = tauOf(entries);
        const ranking: Ranking = { engine, tier, label: several ? `${engine}, ${tier}` : engine, native: false, entries, tau: t.tau, tauN: t.n };
        const premiums = r.config.strategies.flatMap((strategy): Premium[] => {
          if (strategy === r.config.control) return [];
          const w = summaries.find((s) => s.strategy === strategy);
          const n = baseGroup.find((s) => s.strategy === strategy);
          if (!w?.net || !n?.net || w.status === "failed" || n.status === "failed") return [];
          const four = [sampled(w, strategy), sampled(w, r.config.control), sampled(n, strategy), sampled(n, r.config.control)];
          return [premium(w, n, four.every((c) => c !== undefined) ? (four as CellRecord[]) : null, seed++)];
        });
        const conclusive = premiums.filter((p) => !p.inconclusive).map((p) => p.value);
        return [{ ranking, premiums, medianPremium: conclusive.length ? median(conclusive) : null }];
      }),
    );
    if (wasm.length === 0) return [];
    return [{ workload, natives: nativeRankings, wasm, answers: nativeWorkloadAnswers(r, workload) }];
  });
  if (workloads.length === 0) return null;
  return { baseline, build: nativeBuildLabel(r, baseline), workloads };
}

/** "1.23 [1.10, 1.40]", or "1.23 (inconclusive)" without its interval. */
const valueText = (value: number, lo: number, hi: number, inconclusive: string | null, sign = false): string => {
  const v = sign ? signed(value) : fmt(value);
  return inconclusive ? `${v} (inconclusive)` : `${v} [${fmt(lo)}, ${fmt(hi)}]`;
};

const tauText = (g: Ranking, baseline: string): string =>
  g.engine === baseline && g.native ? "(baseline)" : g.tau === null ? `undefined (${g.tauN} shared)` : `${fmt(g.tau)} (${g.tauN} strategies)`;

/** The rankings side by side as text cells: a row per place, a column per group, then the tau row. */
export function rankingRows(w: HardwareWorkload, baseline: string): { header: string[]; rows: string[][] } {
  const groups = [...w.natives, ...w.wasm.map((c) => c.ranking)];
  const places = Math.max(...groups.map((g) => g.entries.length));
  const rows = Array.from({ length: places }, (_, i) => [
    String(i + 1),
    ...groups.map((g) => {
      const e = g.entries[i];
      return e ? `${e.strategy} ${fmt(e.net)}${e.inconclusive ? " (inconclusive)" : ""}` : "";
    }),
  ]);
  rows.push([`tau vs ${baseline}`, ...groups.map((g) => tauText(g, baseline))]);
  return { header: ["rank (net ns/dispatch)", ...groups.map((g) => g.label)], rows };
}

/** The premiums as text cells: a row per strategy, a column per wasm group, then the medians. */
export function premiumRows(w: HardwareWorkload): { header: string[]; rows: string[][] } {
  const strategies = [...new Set(w.wasm.flatMap((c) => c.premiums.map((p) => p.strategy)))];
  const rows = strategies.map((strategy) => [
    strategy,
    ...w.wasm.map((c) => {
      const p = c.premiums.find((x) => x.strategy === strategy);
      return p ? valueText(p.value, p.ciLow, p.ciHigh, p.inconclusive, true) : "–";
    }),
  ]);
  rows.push(["median", ...w.wasm.map((c) => (c.medianPremium === null ? "–" : signed(c.medianPremium)))]);
  return { header: ["strategy", ...w.wasm.map((c) => `${c.ranking.label} premium, ns [95% CI]`)], rows };
}

/** What the section's numbers are, in one paragraph. */
function explanation(h: Hardware, r: RunRecord): string {
  return `The same plans compiled to machine code (${h.build} for ${h.baseline}), timed in the same rounds as the wasm cells. Rankings: strategies by net ns per dispatch (gross minus ${r.config.control}), fastest first. tau: Kendall's tau-b of a ranking's nets against ${h.baseline}'s over the strategies both rank (1 the same order, -1 reversed). Premium: wasm net minus ${h.baseline} net, ns per dispatch, with a 95% interval from a paired bootstrap over the rounds the four cells share (strategy and ${r.config.control}, wasm and native; each cell resampled on its own below ${MIN_PAIRED_ROUNDS} shared rounds, the nets' half-widths in quadrature where the run kept no samples); median: of the conclusive premiums.`;
}

/** The section for report.html; empty when the run has none. */
export function hardwareHtml(r: RunRecord): string {
  const h = hardware(r);
  if (!h) return "";
  const numericOf = (n: number) => new Set(Array.from({ length: n }, (_, i) => i + 1));
  return [
    `<div class="hardware">`,
    `<h3>${escapeHtml(HARDWARE_TITLE)}</h3>`,
    `<p class="muted">${escapeHtml(explanation(h, r))}</p>`,
    ...h.workloads.flatMap((w) => {
      const ranks = rankingRows(w, h.baseline);
      const premiums = premiumRows(w);
      return [
        `<h4>${escapeHtml(w.workload)}</h4>`,
        table(ranks.header, ranks.rows),
        table(premiums.header, premiums.rows, numericOf(premiums.header.length - 1)),
        ...(w.answers.length ? [`<ul class="answers">${w.answers.map((a) => `<li>${escapeHtml(a)}</li>`).join("")}</ul>`] : []),
      ];
    }),
    `</div>`,
  ].join("\n");
}

/** The section for the Markdown report, as lines; none when the run has none. */
export function hardwareMarkdown(r: RunRecord): string[] {
  const h = hardware(r);
  if (!h) return [];
  return [
    `**${escapeMarkdown(HARDWARE_TITLE)}**`,
    "",
    `_${escapeMarkdown(explanation(h, r))}_`,
    "",
    ...h.workloads.flatMap((w) => {
      const ranks = rankingRows(w, h.baseline);
      const premiums = premiumRows(w);
      const numeric = new Set(Array.from({ length: premiums.header.length - 1 }, (_, i) => i + 1));
      return [
        `_${escapeMarkdown(w.workload)}_`,
        "",
        markdownTable(ranks.header, ranks.rows),
        "",
        markdownTable(premiums.header, premiums.rows, numeric),
        "",
        ...w.answers.map((a) => `- ${escapeMarkdown(a)}`),
        ...(w.answers.length ? [""] : []),
      ];
    }),
  ];
}

/**
 * The terminal's short version: per workload, a line per wasm group with its
 * tau and its median premium. The native answers are among the run's answers
 * (runAnswers), printed after the table. None when the run has no section.
 */
export function hardwareText(r: RunRecord): string[] {
  const h = hardware(r);
  if (!h) return [];
  const line = (c: WasmComparison) => {
    const tau = c.ranking.tau === null ? "tau undefined" : `tau ${fmt(c.ranking.tau)} over ${c.ranking.tauN}`;
    const unsure = c.premiums.filter((p) => p.inconclusive).length;
    const premium =
      c.medianPremium === null
        ? "premium inconclusive"
        : `median premium ${signed(c.medianPremium)} ns/dispatch${unsure ? ` (${unsure} of ${c.premiums.length} inconclusive)` : ""}`;
    return `  ${c.ranking.label}: ${tau}, ${premium}`;
  };
  return [
    escapeTerminal(`${HARDWARE_TITLE} (${h.baseline}: ${h.build}; tau of the net ranking against it, premium = wasm net - native net):`),
    ...h.workloads.flatMap((w) => [escapeTerminal(`${w.workload}:`), ...w.wasm.map((c) => escapeTerminal(line(c)))]),
  ];
}
