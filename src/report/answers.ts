/**
 * One sentence per workload (and tier) that answers the lab's question for
 * this machine, from the summaries alone (pure).
 */
import type { CellSummary, RunConfig } from "../results/schema.js";

/** The strategies the Xen debate was about, mentioned first when present. */
const FOCUS = ["xen", "chain"];

const fmt = (x: number) => x.toFixed(2);

function verdict(s: CellSummary, reference: string): string {
  const r = s.ratio!;
  const ci = `[${fmt(r.ciLow)}, ${fmt(r.ciHigh)}]`;
  if (r.ciLow <= 1 && r.ciHigh >= 1) return `${s.strategy} is ${fmt(r.ratio)}x ${reference} ${ci}: no difference this run can resolve`;
  const d = s.vsReference!;
  const dir = d.diff < 0 ? "faster" : "slower";
  return `${s.strategy} is ${fmt(r.ratio)}x ${reference} ${ci}, ${Math.abs(d.diff).toFixed(2)} ns/dispatch ${dir}`;
}

export function answers(summaries: readonly CellSummary[], config: RunConfig): string[] {
  const groups = new Map<string, CellSummary[]>();
  for (const s of summaries) {
    const key = config.tiers.length > 1 ? `${s.workload} (${s.tier})` : s.workload;
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  return [...groups.entries()].map(([label, cells]) => {
    const ok = cells.filter((c) => c.ratio && c.strategy !== config.reference && c.strategy !== config.control);
    if (!cells.some((c) => c.strategy === config.reference && c.gross)) return `${label}: no answer: the reference strategy ${config.reference} has no measurement`;
    if (ok.length === 0) return `${label}: no strategy besides ${config.reference} was measured`;
    const focus = FOCUS.map((f) => ok.find((c) => c.strategy === f)).filter((c): c is CellSummary => !!c);
    const fastest = [...ok, ...cells.filter((c) => c.strategy === config.reference)].sort((a, b) => a.gross!.median - b.gross!.median)[0]!;
    const parts = (focus.length ? focus : ok.slice(0, 1)).map((c) => verdict(c, config.reference));
    const best = fastest.strategy === config.reference ? `fastest: ${config.reference}` : `fastest: ${fastest.strategy} (${fmt(fastest.ratio!.ratio)}x ${config.reference})`;
    return `${label}: ${parts.join("; ")}; ${best}, on this machine.`;
  });
}
