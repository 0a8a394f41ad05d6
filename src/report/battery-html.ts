/**
 * The battery's report.html: the answer per mix first (report/battery.ts),
 * what the battery skipped on this machine, then the ordinary report of its
 * runs (html.ts). Every text is escaped.
 */
import type { Dataset } from "../model/results.js";
import { escapeHtml } from "../text/escape.js";
import { batteryAnswers } from "./battery.js";
import { renderHtml } from "./html.js";

export function batteryLeadHtml(dataset: Dataset, skipped: readonly string[]): string {
  const [head, ...lines] = batteryAnswers(dataset.runs);
  return [
    `<section class="battery"><h2>The answer</h2>`,
    head ? `<p>${escapeHtml(head)}</p>` : "",
    `<ul class="answers">${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`,
    `<p class="muted">Ratios are the whole call's (gross) median over the table's, with bootstrap 95% CIs; "lowest median" names the strategy with the lowest gross median, separated or not (each run's answers below say what its intervals separate).</p>`,
    skipped.length ? `<p>Skipped on this machine:</p><ul>${skipped.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ul>` : "",
    `</section>`,
  ].join("\n");
}

export const renderBatteryHtml = (dataset: Dataset, skipped: readonly string[]): string => renderHtml([dataset], batteryLeadHtml(dataset, skipped));
