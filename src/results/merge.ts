/**
 * One dataset from the results of many machines (pure). Runs are kept
 * whole, each with its own fingerprint, config and spec; the same run read
 * twice (same machine, spec and start time) is kept once, so merging is
 * idempotent. Runs of different specs stay separate runs, grouped by spec
 * hash; `specGroups` says how they fall apart.
 */
import { RESULTS_SCHEMA, type Dataset, type Results } from "./schema.js";

/** What identifies a run: one machine measuring one spec, started at one instant. */
export const runKey = (r: Results) => `${r.fingerprint.machineId}\u0000${r.spec.hash}\u0000${r.sessions[0]?.startedAt ?? ""}`;

export interface SpecGroup {
  spec: string;
  hash: string;
  runs: number;
  machines: string[];
}

export function mergeDatasets(inputs: readonly Dataset[]): { dataset: Dataset; duplicates: number; specGroups: SpecGroup[] } {
  const runs = new Map<string, Results>();
  let duplicates = 0;
  for (const r of inputs.flatMap((d) => d.runs)) {
    if (runs.has(runKey(r))) duplicates++;
    else runs.set(runKey(r), r);
  }
  const sorted = [...runs.values()].sort((a, b) => a.spec.hash.localeCompare(b.spec.hash) || a.fingerprint.machineId.localeCompare(b.fingerprint.machineId) || (a.sessions[0]?.startedAt ?? "").localeCompare(b.sessions[0]?.startedAt ?? ""));
  const dataset: Dataset = { schema: RESULTS_SCHEMA, kind: "merge", complete: sorted.every((r) => r.complete), runs: sorted, sweep: null };
  return { dataset, duplicates, specGroups: specGroups(sorted) };
}

function specGroups(runs: readonly Results[]): SpecGroup[] {
  const groups = new Map<string, SpecGroup>();
  for (const r of runs) {
    const g = groups.get(r.spec.hash) ?? { spec: r.spec.name, hash: r.spec.hash, runs: 0, machines: [] };
    g.runs++;
    if (!g.machines.includes(r.fingerprint.machineId)) g.machines.push(r.fingerprint.machineId);
    groups.set(r.spec.hash, g);
  }
  return [...groups.values()];
}
