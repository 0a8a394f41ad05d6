/**
 * The terminal view of a run: one row per workload and strategy with its
 * net ns per dispatch and 95% interval, the whole call's ratio to the
 * reference with its interval, and a note (inconclusive, failed, negative
 * net); then the legend, which explains a negative net when one appears;
 * then, in a run that measured counts, the simulated counts (counts.ts),
 * which stand in for the table in a run that measured counts alone.
 * Intervals are printed as brackets: they are not symmetric.
 */
import pc from "picocolors";
import { engineOf } from "../model/cells.js";
import { enginesOf, groupLabel, sampledShare, tiersOf, type CellSummary, type RunRecord } from "../model/results.js";
import { escapeTerminal } from "../text/escape.js";
import { textTable } from "../text/text-table.js";
import { hasNegativeNet, NEGATIVE_NET_NOTE, skippedGroups } from "./summary.js";
import { hardwareText } from "./hardware.js";
import { countsOnly, countsText } from "./counts.js";

const fmt = (x: number) => x.toFixed(2);
/** An inconclusive cell's interval is not one (from 1 round, a point): its value is shown without it. */
const interval = (value: number, lo: number, hi: number, unsure: boolean, unit = "") =>
  unsure ? `${fmt(value)}${unit} (no interval)` : `${fmt(value)}${unit} [${fmt(lo)}, ${fmt(hi)}]`;

/** [net ns, whole-call ratio, note] of one cell; the control shows its gross ns. */
function cellColumns(s: CellSummary, control: string, reference: string): [string, string, string] {
  if (s.status === "failed") return ["", "", `failed: ${s.error ?? "no reason recorded"}`];
  if (!s.gross) return ["-", "", "not measured"];
  const note = s.inconclusive ? `inconclusive: ${s.inconclusive}` : hasNegativeNet(s) ? "negative net (see below)" : "";
  if (s.strategy === control) return [`${fmt(s.gross.median)} gross`, "", s.inconclusive ? note : "the control kernel"];
  const unsure = !!s.inconclusive;
  const net = s.net ? interval(s.net.diff, s.net.ciLow, s.net.ciHigh, unsure) : `${fmt(s.gross.median)} gross`;
  const ratio = s.strategy === reference ? "1 (the reference)" : s.ratio ? interval(s.ratio.ratio, s.ratio.ciLow, s.ratio.ciHigh, unsure, "x") : "";
  return [net, ratio, note];
}

export function resultsTable(r: RunRecord): string {
  // A run that measured counts alone has no ns: its counts table stands in for the ns table.
  if (countsOnly(r)) return countsText(r).join("\n");
  const { strategies, reference, control } = r.config;
  const engines = enginesOf(r.config);
  const within = [...(r.config.tiers.length > 1 ? ["tier"] : []), ...(engines.length > 1 ? ["engine"] : [])];
  const head = within.length ? `workload (${within.join(", ")})` : "workload";
  const rows = [[head, "strategy", "net ns/dispatch [95% CI]", `whole call vs ${reference} [95% CI]`, "note"]];
  for (const engine of engines)
    for (const tier of tiersOf(r.config, engine))
      for (const workload of r.config.workloads) {
        const cells = strategies.flatMap((strategy) =>
          r.summaries.filter((x) => x.strategy === strategy && x.workload === workload && x.tier === tier && engineOf(x) === engine),
        );
        // The workload is named on its first row only: the rows below it are its strategies.
        cells.forEach((s, i) => rows.push([i === 0 ? groupLabel(s, r.config) : "", s.strategy, ...cellColumns(s, control, reference)]));
      }
  const [top, ...body] = textTable(rows);
  // A run with native and wasm engines: the wasm engines against the hardware, short (the native answers follow among the run's answers).
  const hardware = hardwareText(r);
  // Simulated counts beside the timings (`--measure time,counts`): none in a run without them.
  const counts = countsText(r);
  return [
    pc.bold(top!),
    ...body,
    ...legend(r).map((l) => pc.dim(l)),
    ...(counts.length ? ["", ...counts] : []),
    ...(hardware.length ? ["", pc.bold(hardware[0]!), ...hardware.slice(1)] : []),
  ].join("\n");
}

function legend(r: RunRecord): string[] {
  const { reference, control } = r.config;
  const lines = [
    `net: a cell's ns per dispatch minus the control kernel's (${control}: the same loop with one direct call) in the same rounds; whole call: gross time (loop, call, dispatch, handler) as a ratio to ${reference}'s.`,
  ];
  if (r.summaries.some(hasNegativeNet)) lines.push(NEGATIVE_NET_NOTE);
  return lines;
}

/** One line when cells are inconclusive: how many, and what gives them an interval. */
export function inconclusiveText(r: RunRecord): string[] {
  const unsure = r.summaries.filter((s) => s.inconclusive);
  if (unsure.length === 0) return [];
  return [
    `${pc.yellow("inconclusive")}: ${unsure.length} of ${r.summaries.length} cells (${unsure[0]!.inconclusive}): no verdict is drawn from them; give the run more --time-budget (or --samples 6 or more)`,
  ];
}

/**
 * The engines that measured, when not just the lab's own node with inlining
 * off: each one's exact version and VM, the inlining mode, and what the
 * engine was seen to inline (the machine line names only the lab's node).
 */
export function enginesText(r: RunRecord): string[] {
  const names = enginesOf(r.config);
  const inlining = r.config.inlining ?? "engine";
  if (names.length === 1 && names[0] === "node" && inlining === "off") return [];
  const seen = (name: string) => {
    const check = r.engines?.[name]?.inliningCheck;
    if (!check) return "";
    if (check.unproven) return "; inlining not read";
    return check.method === "trace" ? `; ${check.inlinedCalls} inlined calls seen` : `; inlining option ${check.optionOff ? "off" : "on"}`;
  };
  return [
    `engines (inlining ${inlining}): ${names
      .map((n) => {
        const e = r.engines?.[n];
        if (e?.native) return `${n} = ${e.vm} ${e.native.flags.join(" ")}`;
        return e ? `${n} = ${e.kind} ${e.version} (${e.vm}${seen(n)})` : n;
      })
      .map(escapeTerminal)
      .join(", ")}`,
  ];
}

/** One line per strategy an engine could not run: not measured there, not a failure. */
export const skippedText = (r: RunRecord): string[] =>
  skippedGroups(r).map((s) => `${pc.yellow("skipped")} ${escapeTerminal(`${s.strategies.join(", ")} in ${s.engine}: ${s.reason}`)}`);

/** `timed samples: 41.2 s of the run's 58.3 s (71%)`: how much of this session's wall time measured; nothing for a session that timed nothing. */
export function sampledText(r: RunRecord): string[] {
  const share = sampledShare(r.sessions.at(-1)!);
  if (!share || share.sampledS === 0) return [];
  return [`timed samples: ${share.sampledS.toFixed(1)} s of the run's ${share.wallS.toFixed(1)} s (${(100 * share.share).toFixed(0)}%)`];
}

export function failuresText(r: RunRecord): string[] {
  return r.summaries.filter((s) => s.status === "failed").map((s) => `${pc.red("failed")} ${escapeTerminal(`${s.id}: ${s.error}`)}`);
}
