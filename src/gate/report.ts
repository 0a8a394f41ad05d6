/**
 * The gate's outputs (pure serializers of a GateResult): a terminal table,
 * Markdown for $GITHUB_STEP_SUMMARY or a PR comment, and JUnit XML (one
 * testcase per gated cell and per assertion) for CI test reporters.
 * A comparison on counts (`--metric instructions|mispredicts`) has its own
 * table (exact values and changes, no CI or p) and names its metric and unit
 * in every output; one on ns reads as it always has.
 */
import { markdownTable } from "../text/markdown-table.js";
import { textTable } from "../text/text-table.js";
import { escapeMarkdown, escapeXml } from "../text/escape.js";
import type { CellChange, Comparison } from "./compare.js";
import { COUNT_UNITS, type CountMetric, isCountMetric } from "./counts.js";
import { type GateResult, skippedLine } from "./decide.js";

const pct = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}%`;
const num = (x: number, metric: CellChange["metric"]) => (metric === "net-ns" ? `${x.toFixed(2)} ns` : `${x.toFixed(3)}x`);
const pValue = (p: number | null) => (p === null ? "exact" : p < 0.001 ? "<0.001" : p.toFixed(3));

export const CHANGE_HEADER = ["spec", "workload", "strategy", "tier", "base", "current", "change [95% CI]", "p", "noise ±", "verdict"];

/** A comparison on counts: exact values per dispatch, the change in counts and relative to the base's gross count; no CI, p or noise. */
export const COUNT_CHANGE_HEADER = ["spec", "workload", "strategy", "tier", "base", "current", "change", "relative", "verdict"];

/** The count metric a comparison was on, or null for ns. */
const countMetric = (c: Comparison | null | undefined): CountMetric | null => (isCountMetric(c?.options.metric) ? c!.options.metric! : null);

/** Counts per dispatch: three decimals (a change of a thousandth of an instruction per dispatch is below anything a gate decides on). */
const count = (x: number) => x.toFixed(3);
const signedCount = (x: number) => `${x > 0 ? "+" : ""}${count(x)}`;
const ratioOrBlank = (x: number) => (Number.isFinite(x) ? pct(x) : "");

export function changeRow(c: CellChange): string[] {
  if (c.counts)
    return [
      c.spec,
      c.workload,
      c.strategy,
      c.tier,
      count(c.base.median),
      count(c.current.median),
      signedCount(c.change.value),
      ratioOrBlank(c.relative.value),
      c.verdict,
    ];
  return [
    c.spec,
    c.workload,
    c.strategy,
    c.tier,
    num(c.base.median, c.metric),
    num(c.current.median, c.metric),
    `${pct(c.relative.value)} [${pct(c.relative.ciLow)}, ${pct(c.relative.ciHigh)}]`,
    pValue(c.p),
    `${(100 * c.detectable).toFixed(1)}%`,
    c.verdict,
  ];
}

/** `, threshold 5.0%`, or on counts ` on instructions per dispatch (simulated, valgrind), threshold 0.5`. */
function thresholdText(c: Comparison | null): string {
  if (!c) return "";
  const metric = countMetric(c);
  return metric ? ` on ${COUNT_UNITS[metric]}, threshold ${c.options.countThreshold}` : `, threshold ${(100 * c.options.threshold).toFixed(1)}%`;
}

function headline(g: GateResult): string {
  const n = g.comparison?.cells.length ?? 0;
  return `gate: ${g.outcome.toUpperCase()} (${n} cells compared${thresholdText(g.comparison)}, ${g.assertions.length} assertions)`;
}

/** What a comparison on counts compared: the unit, net or gross, the valgrind, and what decides. */
function countsNote(c: Comparison, metric: CountMetric): string {
  const gross = c.cells.filter((x) => x.metric.startsWith("gross-"));
  const basis =
    gross.length === 0
      ? "net of each group's control kernel (same workload, tier, engine)"
      : gross.length === c.cells.length
        ? "gross (no control counts to net them)"
        : `net of each group's control kernel; gross where a side lacks the control's counts (${gross.map((x) => `${x.strategy} @ ${x.workload}`).join(", ")})`;
  const valgrinds = [...new Set(c.cells.flatMap((x) => (x.counts ? [x.counts.valgrind] : [])))];
  const machines = c.cells.some((x) => x.machines.base !== x.machines.current) ? "; counted on other machines (the machine is valgrind's simulation)" : "";
  const t = c.options.countThreshold;
  return `${COUNT_UNITS[metric]}, ${basis}${valgrinds.length ? `, ${valgrinds.join(", ")}` : ""}: exact counts, change = current - base; regressed above +${t}, improved below -${t}${machines}`;
}

/** What was compared: net ns, or (across machines or engines) each cell's ratio to its own run's control; which engines, when they differ; or counts. */
function metricNote(g: GateResult): string {
  const metric = countMetric(g.comparison);
  if (metric && g.comparison) return countsNote(g.comparison, metric);
  const cells = g.comparison?.cells ?? [];
  const ratios = cells.filter((c) => c.metric === "ratio-to-control");
  if (ratios.length === 0) return "net ns per dispatch (cell minus control, per round); change relative to the base cell's gross ns per dispatch";
  const machines = ratios.some((c) => c.machines.base !== c.machines.current);
  const pairs = [...new Set(ratios.filter((c) => c.engines.base !== c.engines.current).map((c) => `${c.engines.base} -> ${c.engines.current}`))];
  const across = [...(machines ? ["machines"] : []), ...(pairs.length ? [`engines (${pairs.join(", ")})`] : [])].join(" and ") || "runs";
  return `across ${across}: the per-round ratio of each cell to its run's control kernel is compared, relative to the base ratio`;
}

/** `compare`'s headline: how many cells, and how many of each verdict (it decides nothing). */
function compareHeadline(g: GateResult): string {
  const cells = g.comparison?.cells ?? [];
  const counts = (["regressed", "improved", "unchanged", "inconclusive"] as const).flatMap((v) => {
    const n = cells.filter((c) => c.verdict === v).length;
    return n ? [`${n} ${v}`] : [];
  });
  return `compare: ${cells.length} cells compared${thresholdText(g.comparison)}${counts.length ? `: ${counts.join(", ")}` : ""}`;
}

const headerOf = (g: GateResult) => (countMetric(g.comparison) ? COUNT_CHANGE_HEADER : CHANGE_HEADER);

/** `reasons: false` for `compare`, whose table already carries every verdict (and whose headline decides nothing). */
export function gateText(g: GateResult, o: { reasons?: boolean } = {}): string {
  const lines = [o.reasons === false ? compareHeadline(g) : headline(g)];
  if (g.comparison?.cells.length) lines.push("", ...textTable([headerOf(g), ...g.comparison.cells.map(changeRow)]), metricNote(g));
  for (const a of g.assertions) lines.push(`assert ${a.message}`);
  lines.push(...notGated(g));
  if (o.reasons !== false) lines.push(...g.reasons);
  else lines.push(...(g.comparison?.incomparable ?? []), ...(g.comparison?.skipped ?? []).map(skippedLine));
  return lines.join("\n");
}

/** What the gate did not gate, by name: cells only one side measured (a skipped cell's reason is among the reasons). */
function notGated(g: GateResult): string[] {
  const u = g.comparison?.unmatched;
  if (!u) return [];
  return [
    ...(u.base.length ? [`not gated: ${u.base.length} cells only in the baseline: ${u.base.join("; ")}`] : []),
    ...(u.current.length ? [`not gated: ${u.current.length} cells only in the current results: ${u.current.join("; ")}`] : []),
  ];
}

export function gateMarkdown(g: GateResult): string {
  const out = [`### dispatch-lab ${headline(g)}`, ""];
  const bullets = [...g.reasons, ...notGated(g)];
  for (const r of bullets) out.push(`- ${escapeMarkdown(r)}`);
  if (bullets.length) out.push("");
  if (g.comparison?.cells.length)
    out.push(
      markdownTable(headerOf(g), g.comparison.cells.map(changeRow), new Set(countMetric(g.comparison) ? [4, 5, 6, 7] : [4, 5, 6, 7, 8])),
      "",
      `_${metricNote(g)}_`,
      "",
    );
  if (g.assertions.length)
    out.push(
      markdownTable(
        ["assertion", "verdict"],
        g.assertions.map((a) => [a.message, a.verdict]),
      ),
      "",
    );
  return out.join("\n");
}

/** `regressed: +0.600 instructions per dispatch (simulated, valgrind), net, 12.000 -> 12.600, threshold 0.5`. */
function countMessage(c: CellChange, comparison: Comparison): string {
  const metric = countMetric(comparison)!;
  const basis = c.metric.startsWith("gross-") ? "gross" : "net";
  return `${c.verdict}: ${signedCount(c.change.value)} ${COUNT_UNITS[metric]}, ${basis}, ${count(c.base.median)} -> ${count(c.current.median)}, threshold ${comparison.options.countThreshold}`;
}

interface Case {
  classname: string;
  name: string;
  status: "pass" | "fail" | "skip";
  message: string;
}

function cases(g: GateResult): Case[] {
  const cells = (g.comparison?.cells ?? []).map(
    (c): Case => ({
      classname: `${c.spec}.${c.workload}`,
      name: `${c.strategy} (${c.tier})`,
      status: c.verdict === "regressed" ? "fail" : c.verdict === "inconclusive" ? "skip" : "pass",
      message: c.counts
        ? countMessage(c, g.comparison!)
        : `${c.verdict}: ${pct(c.relative.value)} [${pct(c.relative.ciLow)}, ${pct(c.relative.ciHigh)}], p ${pValue(c.p)}`,
    }),
  );
  const asserts = g.assertions.map(
    (a): Case => ({
      classname: "assertions",
      name: `${a.text.split("@")[0]!.trim()} @ ${a.workload} / ${a.tier}`,
      status: a.verdict === "fail" ? "fail" : a.verdict === "inconclusive" ? "skip" : "pass",
      message: a.message,
    }),
  );
  const incomparable = (g.comparison?.incomparable ?? []).map((m): Case => ({ classname: "baseline", name: "comparable", status: "fail", message: m }));
  const skipped = (g.comparison?.skipped ?? []).map((k): Case => ({ classname: "not-compared", name: k.cell, status: "skip", message: k.reason }));
  const missing = g.missing.map(
    (cell): Case => ({ classname: "baseline", name: cell, status: "fail", message: `missing: ${cell} (in the baseline, not measured in the current results)` }),
  );
  return [...cells, ...skipped, ...asserts, ...incomparable, ...missing];
}

export function gateJunit(g: GateResult): string {
  const all = cases(g);
  const body = all.map((c) => {
    const inner =
      c.status === "fail"
        ? `<failure message="${escapeXml(c.message)}"/>`
        : c.status === "skip"
          ? `<skipped message="${escapeXml(c.message)}"/>`
          : `<system-out>${escapeXml(c.message)}</system-out>`;
    return `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}">${inner}</testcase>`;
  });
  const failures = all.filter((c) => c.status === "fail").length;
  const skipped = all.filter((c) => c.status === "skip").length;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="dispatch-lab gate" tests="${all.length}" failures="${failures}" skipped="${skipped}">`,
    `  <testsuite name="dispatch-lab gate: ${escapeXml(g.outcome)}" tests="${all.length}" failures="${failures}" skipped="${skipped}">`,
    ...body,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
