/**
 * The terminal view of a run: workloads x strategies, each cell its net ns
 * per dispatch with the half-width of its CI and its ratio to the reference
 * (the control shows its gross cost), then one sentence per workload.
 */
import pc from "picocolors";
import type { CellSummary, Results } from "../results/schema.js";
import { textTable } from "./text-table.js";

const cellText = (s: CellSummary | undefined, control: string): string => {
  if (!s) return "";
  if (s.status === "failed") return "failed";
  if (!s.gross) return "-";
  if (s.strategy === control) return `${s.gross.median.toFixed(2)} gross`;
  const value = s.net ? `${s.net.diff.toFixed(2)}±${((s.net.ciHigh - s.net.ciLow) / 2).toFixed(2)}` : `${s.gross.median.toFixed(2)} gross`;
  return s.ratio ? `${value} ${s.ratio.ratio.toFixed(2)}x` : value;
};

export function resultsTable(r: Results): string {
  const { strategies, reference, control } = r.config;
  const multiTier = r.config.tiers.length > 1;
  const rows = [[multiTier ? "workload (tier)" : "workload", ...strategies]];
  for (const tier of r.config.tiers)
    for (const workload of r.config.workloads) {
      const label = multiTier ? `${workload} (${tier})` : workload;
      rows.push([label, ...strategies.map((st) => cellText(r.summaries.find((s) => s.strategy === st && s.workload === workload && s.tier === tier), control))]);
    }
  const [head, ...body] = textTable(rows, "right");
  const legend = `net ns/dispatch ± CI half-width (95%), and gross time as a ratio to ${reference}; ${control} (the control kernel) shows its gross ns/dispatch`;
  return [pc.bold(head!), ...body, pc.dim(legend)].join("\n");
}

export function failuresText(r: Results): string[] {
  return r.summaries.filter((s) => s.status === "failed").map((s) => `${pc.red("failed")} ${s.id}: ${s.error}`);
}
