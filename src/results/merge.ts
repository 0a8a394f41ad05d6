/**
 * One dataset from the results of many machines (pure). Runs are kept
 * whole, each with its own fingerprint, config and spec; one run (same
 * machine, spec and first session start) given twice is kept once, so
 * merging is idempotent. Two copies of one run that differ are resolved
 * only when one continues the other (an interrupted run and its resumed
 * version): the one with more is kept and the choice reported; any other
 * difference is a conflict (LabError, nothing merged). Runs of different
 * specs stay separate runs, grouped by spec hash; `specGroups` says how
 * they fall apart.
 */
import { LabError } from "../errors.js";
import { RESULTS_SCHEMA, type Dataset, type RunRecord } from "../model/results.js";

/** What identifies a run: one machine measuring one spec, started at one instant. */
export const runKey = (r: RunRecord) => `${r.fingerprint.machineId}\u0000${r.spec.hash}\u0000${r.sessions[0]?.startedAt ?? ""}`;

export interface SpecGroup {
  spec: string;
  hash: string;
  runs: number;
  machines: string[];
}

/** Where a run came from: the input as given, the run's index in it, and both as words ("a/ (runs[2])"). */
export interface RunSource {
  input: string;
  run: number;
  label: string;
}

/** One run found in two copies of which one continues the other: which was kept and why. */
export interface Replacement {
  machineId: string;
  spec: string;
  startedAt: string;
  kept: RunSource & Extent;
  dropped: RunSource & Extent;
}

/** How far a copy of a run got. */
export interface Extent {
  samples: number;
  sessions: number;
  complete: boolean;
}

export interface MergeResult {
  dataset: Dataset;
  /** Identical copies dropped. */
  duplicates: number;
  /** Copies dropped for a continuation of them (an interrupted run for its resumed version). */
  replaced: Replacement[];
  specGroups: SpecGroup[];
}

const extent = (r: RunRecord): Extent => ({ samples: r.cells.reduce((n, c) => n + c.samples.length, 0), sessions: r.sessions.length, complete: r.complete });

const sampleKey = (cell: string, s: RunRecord["cells"][number]["samples"][number]) =>
  `${cell}\u0000${s.round}\u0000${s.session}\u0000${s.segment}\u0000${s.ns}\u0000${s.nsPerDispatch}`;

/** Every sample of `a` is in `b` and a's sessions begin b's (by start time): b is a, measured on. */
function continues(b: RunRecord, a: RunRecord): boolean {
  if (a.sessions.length > b.sessions.length || a.sessions.some((s, i) => s.startedAt !== b.sessions[i]!.startedAt)) return false;
  const later = new Set(b.cells.flatMap((c) => c.samples.map((s) => sampleKey(c.id, s))));
  return a.cells.every((c) => c.samples.every((s) => later.has(sampleKey(c.id, s))));
}

/** More samples, then more sessions, then complete: the further copy. */
const further = (x: Extent, y: Extent) => x.samples - y.samples || x.sessions - y.sessions || Number(x.complete) - Number(y.complete);

/**
 * Merge the inputs; `names` label them in reports and errors (default
 * "input 1", ...). Throws LabError "results-invalid" naming both inputs when
 * two copies of one run differ and neither continues the other.
 */
export function mergeDatasets(inputs: readonly Dataset[], names: readonly string[] = inputs.map((_, i) => `input ${i + 1}`)): MergeResult {
  const runs = new Map<string, { run: RunRecord; source: RunSource }>();
  const replaced: Replacement[] = [];
  let duplicates = 0;
  inputs.forEach((d, i) =>
    d.runs.forEach((run, k) => {
      const input = names[i] ?? `input ${i + 1}`;
      const source = { input, run: k, label: d.runs.length > 1 ? `${input} (runs[${k}])` : input };
      const held = runs.get(runKey(run));
      if (!held) return runs.set(runKey(run), { run, source });
      const [x, y] = [extent(held.run), extent(run)];
      const order = further(y, x);
      const [kept, dropped] = order > 0 ? [{ run, source }, held] : [held, { run, source }];
      if (!continues(kept.run, dropped.run)) throw conflict(held, { run, source });
      if (order === 0) duplicates++;
      else {
        replaced.push({
          machineId: run.fingerprint.machineId,
          spec: run.spec.name,
          startedAt: run.sessions[0]?.startedAt ?? "",
          kept: { ...kept.source, ...extent(kept.run) },
          dropped: { ...dropped.source, ...extent(dropped.run) },
        });
        runs.set(runKey(run), kept);
      }
    }),
  );
  const sorted = [...runs.values()]
    .map((v) => v.run)
    .sort(
      (a, b) =>
        a.spec.hash.localeCompare(b.spec.hash) ||
        a.fingerprint.machineId.localeCompare(b.fingerprint.machineId) ||
        (a.sessions[0]?.startedAt ?? "").localeCompare(b.sessions[0]?.startedAt ?? ""),
    );
  const dataset: Dataset = { schema: RESULTS_SCHEMA, kind: "merge", complete: sorted.every((r) => r.complete), runs: sorted, sweep: null };
  return { dataset, duplicates, replaced, specGroups: specGroups(sorted) };
}

function conflict(a: { run: RunRecord; source: RunSource }, b: { run: RunRecord; source: RunSource }): LabError {
  const r = a.run;
  return new LabError(
    "results-invalid",
    [
      {
        path: `${a.source.label} and ${b.source.label}`,
        message: `hold one run (machine ${r.fingerprint.machineId}, spec ${r.spec.name}, started ${r.sessions[0]?.startedAt ?? "?"}) in two copies that differ, and neither continues the other (a resumed run holds every sample and session of the interrupted copy)`,
      },
    ],
    "merge only the copy you trust, or rerun that measurement",
  );
}

function specGroups(runs: readonly RunRecord[]): SpecGroup[] {
  const groups = new Map<string, SpecGroup>();
  for (const r of runs) {
    const g = groups.get(r.spec.hash) ?? { spec: r.spec.name, hash: r.spec.hash, runs: 0, machines: [] };
    g.runs++;
    if (!g.machines.includes(r.fingerprint.machineId)) g.machines.push(r.fingerprint.machineId);
    groups.set(r.spec.hash, g);
  }
  return [...groups.values()];
}
