/**
 * One self-contained HTML report from one or more results files: no
 * scripts, no external styles, fonts or images, no network; it opens from
 * disk and prints. Charts are inline SVG rendered at report time (charts.ts).
 * Every name in it comes from a user's files (spec, workload, trace, error
 * text) and is escaped; a Content-Security-Policy forbids what the page
 * does not need, so an escaping slip still runs no script and loads nothing.
 */
import { enginesOf, groupLabel, sampledShare, tiersOf, type CellSummary, type Dataset, type RunRecord } from "../model/results.js";
import { fingerprintSummary } from "../model/fingerprint.js";
import { escapeHtml } from "../text/escape.js";
import { runAnswers } from "../results/answers.js";
import { table } from "./html-table.js";
import { BUSY, loadWarnings, summaryNotes, summaryTable as summaryText, sweepLoadWarnings } from "./summary.js";
import { engineHeatmap, machineLabel, ratioHeatmap, strategyBars } from "./charts.js";
import { ENGINE_HEADER, engineInfos, showsEngines } from "./engines.js";
import { sweepSectionHtml } from "./sweep-section.js";
import { hardwareHtml } from "./hardware.js";
import { countsHtml, countsOnly } from "./counts.js";

export { escapeHtml };

/** No script, no network, no frames, no forms: only the inline <style> and the style attributes of inline SVG. */
const CSP = "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0; --head: #f6f8fa; --plot-background: var(--bg); }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --head: #151b23; }
}
@media print { :root { --fg: #000; --bg: #fff; --muted: #444; --line: #999; --head: #eee; } section { break-inside: avoid-page; } }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 2.5rem; } h3 { font-size: 1.05rem; margin-top: 1.5rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: .2rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--head); }
td.num { text-align: right; white-space: nowrap; }
.muted, figcaption { color: var(--muted); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .92em; }
figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; overflow: visible; }
svg[data-chart] { color: var(--fg); background: var(--bg); }
tr.failed td { color: #c62828; }
tr.inconclusive td { color: var(--muted); font-style: italic; }
.busy { border-left: 4px solid #c62828; padding: .2rem .6rem; }
details { margin: .5rem 0; }
`;

const kvValue = (v: unknown): string => {
  if (v === null || v === undefined) return "unknown";
  if (Array.isArray(v)) return v.join(" ") || "(none)";
  if (typeof v === "object")
    return (
      Object.entries(v)
        .map(([k, x]) => `${k}: ${String(x)}`)
        .join("; ") || "(none)"
    );
  return String(v);
};

const kv = (rows: Array<[string, unknown]>): string =>
  table(
    ["field", "value"],
    rows.map(([k, v]) => [k, kvValue(v)]),
  );

const rowClass = (s: CellSummary): string => (s.status === "failed" ? "failed" : s.inconclusive ? "inconclusive" : "");

/** A run's summary table (grouped by engine when it has several), failed and inconclusive cells marked, then its notes. */
function summaryTable(r: RunRecord): string {
  const t = summaryText(r);
  return [
    table(t.header, t.rows, t.numeric, (i) => rowClass(t.summaries[i]!)),
    ...summaryNotes(r).map((n) => `<p class="muted note">${escapeHtml(n)}</p>`),
  ].join("\n");
}

/**
 * The engines a run measured in (engines.ts): what each is, where it came
 * from and what it was seen to inline; then the strategies an engine could
 * not run. Runs from before engines recorded none, and show none.
 */
function enginesHtml(r: RunRecord): string {
  // The inlining check's example lines go under it, one per line, as code.
  const rows = engineInfos(r).map(
    (e) =>
      `<tr>${e.cells.map((c, i) => `<td>${escapeHtml(c)}${i === e.cells.length - 1 ? e.examples.map((x) => `<br><code>${escapeHtml(x)}</code>`).join("") : ""}</td>`).join("")}</tr>`,
  );
  return [
    `<h3>Engines</h3>`,
    `<table class="engines"><thead><tr>${ENGINE_HEADER.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`,
    ...((r.skipped ?? []).length
      ? [
          `<p>Skipped (not measured in that engine):</p>`,
          table(
            ["strategy", "engine", "reason"],
            (r.skipped ?? []).map((k) => [k.strategy, k.engine, k.reason]),
          ),
        ]
      : []),
  ].join("\n");
}

/** Busy-machine warnings (loadWarnings), beside the machine line; empty when the machine was quiet. */
const answersHtml = (answers: readonly string[]): string =>
  answers.length ? `<ul class="answers">${answers.map((a) => `<li>${escapeHtml(a)}</li>`).join("")}</ul>` : `<p class="muted">no answers</p>`;

const loadHtml = (warnings: readonly string[]): string =>
  warnings.length
    ? `<div class="busy"><p><strong>${escapeHtml(BUSY)}</strong></p><ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul></div>`
    : "";

function fingerprintHtml(r: RunRecord): string {
  const fp = r.fingerprint;
  const { cpu } = fp;
  const mitigations = Object.entries(fp.mitigations);
  const pinning = r.sessions.map((s, i) => {
    const runner = `the runner on cpu ${s.pinning.cpu}, ${s.pinning.pinned ? "pinned" : "not pinned"}${s.pinning.note ? ` (${s.pinning.note})` : ""}`;
    const share = sampledShare(s);
    const timed = share ? `; ${share.sampledS.toFixed(1)} s of its ${share.wallS.toFixed(1)} s in timed samples (${(100 * share.share).toFixed(0)}%)` : "";
    return `session ${i}: cells measured on cpu ${r.config.cpu}; ${runner}${timed}`;
  });
  return [
    `<p>${escapeHtml(fingerprintSummary(fp))}</p>`,
    `<h3>CPU</h3>`,
    kv([
      ["machine id", fp.machineId],
      ["vendor", cpu.vendor],
      ["model", cpu.model],
      ["family", cpu.family],
      ["model number", cpu.modelNumber],
      ["stepping", cpu.stepping],
      ["microcode", cpu.microcode],
      ["logical cores", cpu.logicalCores],
      ["physical cores", cpu.physicalCores],
      ["SMT", cpu.smt],
      ["MHz", cpu.mhz],
      ["virtualization", fp.virtualization],
    ]),
    `<h3>Mitigations (/sys/devices/system/cpu/vulnerabilities)</h3>`,
    mitigations.length ? table(["file", "content"], mitigations) : `<p class="muted">none recorded</p>`,
    `<h3>Kernel, runtime, pinning</h3>`,
    kv([
      ["kernel release", fp.kernel.release],
      ["kernel version", fp.kernel.version],
      ["os", `${fp.os.platform} ${fp.os.arch}`],
      ["hostname", fp.os.hostname],
      ["node", fp.runtime.node],
      ["v8", fp.runtime.v8],
      ["execArgv", fp.runtime.execArgv],
      ["pinning", pinning.join("; ")],
      ...Object.entries(r.tool).map(([k, v]): [string, unknown] => [`tool ${k}`, v]),
      ["could not read", fp.unknown.join("; ") || "(nothing)"],
    ]),
    `<h3>Config</h3>`,
    kv(Object.entries(r.config).map(([k, v]): [string, unknown] => [k, v === null ? "null" : v])),
  ].join("\n");
}

function inputHtml(r: RunRecord, index: number, multi: boolean): string {
  const { config } = r;
  const title = multi ? `Input ${machineLabel(r, index)}` : `Machine: ${r.fingerprint.cpu.model ?? "unknown CPU"}`;
  const charts: string[] = [];
  const engines = enginesOf(config);
  for (const tier of config.tiers)
    for (const workload of config.workloads) {
      const svg = engineHeatmap(r, workload, tier);
      const name = config.tiers.length > 1 ? `${workload} (${tier})` : workload;
      if (svg)
        charts.push(
          `<figure>${svg}<figcaption>${escapeHtml(name)}: the whole call's (gross) ratio to ${escapeHtml(config.reference)} per engine, median [95% CI]; blue faster, red slower, white equal; grey: inconclusive (no interval) or failed; outlined: skipped or not measured (the tooltip says why).</figcaption></figure>`,
        );
    }
  for (const engine of engines)
    for (const tier of tiersOf(config, engine))
      for (const workload of config.workloads) {
        const svg = strategyBars(r, workload, tier, engine);
        const name = groupLabel({ workload, tier, engine }, config);
        if (svg)
          charts.push(
            `<figure>${svg}<figcaption>${escapeHtml(name)}: gross ns per dispatch, median with 95% CI; ${escapeHtml(config.control)} is the control kernel (muted).</figcaption></figure>`,
          );
      }
  return [
    `<section class="input" data-input="${index}">`,
    `<h2>${escapeHtml(title)}</h2>`,
    loadHtml(loadWarnings([{ run: r }])),
    `<p class="muted">spec ${escapeHtml(r.spec.name)} <span class="mono">${escapeHtml(r.spec.hash.slice(0, 16))}</span>, reference ${escapeHtml(config.reference)}, control ${escapeHtml(config.control)}, ${engines.length > 1 ? `engines ${escapeHtml(engines.join(", "))} (inlining ${escapeHtml(config.inlining ?? "engine")}), ` : ""}${escapeHtml(r.complete ? "complete" : "incomplete")}, started ${escapeHtml(r.sessions[0]?.startedAt ?? "?")}</p>`,
    `<h3>Answers</h3>`,
    answersHtml(runAnswers(r)),
    `<h3>Summary</h3>`,
    // A run that measured counts alone has no ns: its counts stand in for the ns table.
    ...(countsOnly(r)
      ? summaryNotes(r).map((n) => `<p class="muted note">${escapeHtml(n)}</p>`)
      : [
          summaryTable(r),
          `<p class="muted">gross: loop + call + dispatch + handler (the whole call); net: gross minus ${escapeHtml(config.control)}; x ${escapeHtml(config.reference)}: the whole call's (gross) ratio to ${escapeHtml(config.reference)}'s; ns per dispatch, bootstrap 95% CIs as [low, high].</p>`,
        ]),
    // Simulated counts, beside the timings (or alone): none in a run without them.
    ...[countsHtml(r)].filter(Boolean),
    `<h3>Charts</h3>`,
    charts.join("\n") || `<p class="muted">${countsOnly(r) ? "no timings: this run measured simulated counts only" : "nothing measured"}</p>`,
    `<h3>Machine fingerprint</h3>`,
    fingerprintHtml(r),
    ...(showsEngines(r) ? [enginesHtml(r)] : []),
    // wasm against the hardware: only in a run with native and wasm engines.
    ...[hardwareHtml(r)].filter(Boolean),
    `</section>`,
  ].join("\n");
}

function heatmapsHtml(all: readonly RunRecord[]): string {
  const out: string[] = [];
  // One set of heatmaps per spec: runs of other specs have other workloads (a battery's pv64 and hvm64).
  const specs = [...new Set(all.map((r) => r.spec.hash))];
  for (const hash of specs) {
    const list = all.filter((r) => r.spec.hash === hash);
    const first = list[0]!;
    const several = list.some((r) => enginesOf(r.config).length > 1);
    const spec = specs.length > 1 ? `${first.spec.name}, ` : "";
    for (const engine of enginesOf(first.config))
      for (const tier of tiersOf(first.config, engine))
        for (const workload of first.config.workloads) {
          const svg = ratioHeatmap(list, workload, tier, engine);
          if (svg)
            out.push(
              `<figure>${svg}<figcaption>${escapeHtml(`${spec}${several ? `${workload} (${engine})` : workload}`)}: gross ratio to the reference per machine; blue faster, red slower, white equal.</figcaption></figure>`,
            );
        }
  }
  return out.length ? `<section class="machines"><h2>Across machines</h2>\n${out.join("\n")}</section>` : "";
}

/**
 * A sweep's section: its curves and tables, the machine it ran on, and each
 * point's summary table folded away (a position sweep has hundreds of cells:
 * bars per workload would bury the curve).
 */
function sweepDatasetHtml(d: Dataset, index: number): string {
  const sweep = d.sweep!;
  const first = d.runs[0]!;
  const points = d.runs.map((r, i) => {
    const label = sweep.points[i]?.label ?? r.spec.name;
    return `<details><summary>${escapeHtml(label)}: spec ${escapeHtml(r.spec.name)}, ${r.summaries.length} cells${r.complete ? "" : " (incomplete)"}</summary>${summaryTable(r)}</details>`;
  });
  return [
    `<section class="input" data-input="${index}">`,
    sweepSectionHtml(sweep),
    loadHtml(sweepLoadWarnings(d)),
    `<h3>Per point</h3>`,
    points.join("\n"),
    `<h3>Machine fingerprint</h3>`,
    fingerprintHtml(first),
    `</section>`,
  ].join("\n");
}

/**
 * The report as one HTML document (string), from one or more datasets
 * (results.json files); `lead`, HTML its caller escaped, comes first (the
 * battery's answers).
 */
export function renderHtml(datasets: Dataset[], lead = ""): string {
  if (datasets.length === 0) throw new Error("renderHtml: no results to report");
  const runs = datasets.flatMap((d) => (d.sweep ? [] : d.runs));
  const sweeps = datasets.filter((d) => d.sweep);
  const multi = runs.length > 1;
  const specs = [...new Set(datasets.flatMap((d) => (d.sweep ? [`${d.sweep.kind} sweep`] : d.runs.map((r) => r.spec.name))))].join(", ");
  const title = `dispatch-lab report: ${specs}${datasets.length > 1 ? `, ${datasets.length} inputs` : ""}`;
  return [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="color-scheme" content="light dark">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    lead,
    multi ? heatmapsHtml(runs) : "",
    ...runs.map((r, i) => inputHtml(r, i, multi)),
    ...sweeps.map((d, i) => sweepDatasetHtml(d, runs.length + i)),
    `</body></html>`,
    "",
  ].join("\n");
}
