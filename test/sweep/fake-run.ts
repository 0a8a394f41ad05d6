/** Hand-built runs with known costs, for the sweep planners and analysers. */
import { summarizeCells } from "../../src/results/summarize.js";
import { CONTROL, type CellRecord, type RunRecord, type RunConfig, type Skipped } from "../../src/model/results.js";
import { cellId } from "../../src/model/cells.js";
import type { Handler } from "../../src/spec/types.js";

export const handlers = (n: number): Handler[] =>
  Array.from({ length: n }, (_, i) => ({ id: i, name: `h_${i}`, priority: undefined, params: [], body: { kind: "noop", ops: 0 } }));

/** A deterministic wobble in [-1, 1): the same for every strategy in a round (drift), plus a per-cell part. */
const wobble = (round: number, salt: number) => Math.sin(round * 12.9898 + salt * 78.233) % 1;

/**
 * A run whose cell (strategy, workload) costs `cost(strategy, workload)` ns
 * per dispatch, plus round drift shared by every cell and a little noise;
 * the control costs `control` ns. With `engines` (`["node", "bun"]`) the run
 * measures every cell in each engine, as lab/run-record.ts plans them
 * (engine by engine, each cell naming its engine), and `cost` and `control`
 * may tell the engines apart; `skipped` leaves a strategy out of an engine.
 */
export function fakeRun(o: {
  spec?: string;
  handlers?: Handler[];
  strategies: string[];
  workloads: string[];
  reference?: string;
  rounds?: number;
  cost: (strategy: string, workload: string, engine: string) => number;
  control?: number | ((engine: string) => number);
  engines?: string[];
  skipped?: Skipped[];
}): RunRecord {
  const strategies = [...o.strategies, CONTROL];
  const config: RunConfig = {
    spec: o.spec ?? "synthetic:8",
    strategies,
    workloads: o.workloads,
    tiers: ["turbofan"],
    reference: o.reference ?? "table",
    control: CONTROL,
    samples: null,
    processes: 1,
    timeBudgetS: 10,
    seed: 1,
    targetSampleMs: 10,
    streamLength: 1024,
    cpu: 0,
    bodies: null,
    ...(o.engines ? { engines: o.engines } : {}),
  };
  const rounds = o.rounds ?? 20;
  const control = (engine: string) => (typeof o.control === "function" ? o.control(engine) : (o.control ?? 5));
  const skipped = (strategy: string, engine: string) => (o.skipped ?? []).some((k) => k.strategy === strategy && k.engine === engine);
  const cells: CellRecord[] = (o.engines ?? [undefined]).flatMap((engine, e) =>
    o.workloads.flatMap((workload, w) =>
      strategies
        .filter((strategy) => !engine || !skipped(strategy, engine))
        .map((strategy, s) => {
          const base = strategy === CONTROL ? control(engine ?? "node") : o.cost(strategy, workload, engine ?? "node");
          const samples = Array.from({ length: rounds }, (_, round) => {
            const ns = base + 0.05 * wobble(round, 0) + 0.01 * wobble(round, 1 + w * 31 + s + e * 977);
            return { round, session: 0, segment: round < rounds / 2 ? 0 : 1, ns: ns * 1e6, nsPerDispatch: ns };
          });
          const name = { strategy, workload, tier: "turbofan" as const, ...(engine ? { engine } : {}) };
          return { id: cellId(name), ...name, flags: [], status: "ok" as const, samples, seconds: rounds * 0.01 };
        }),
    ),
  );
  const hs = o.handlers ?? handlers(8);
  return {
    complete: true,
    sessions: [],
    tool: {},
    // Complete enough for the results reader (persisted.ts), which checks every fingerprint field readers use.
    fingerprint: {
      machineId: "0123456789abcdef",
      cpu: {
        vendor: null,
        model: "fake CPU",
        family: null,
        modelNumber: null,
        stepping: null,
        microcode: null,
        logicalCores: 1,
        physicalCores: null,
        smt: null,
      },
      mitigations: {},
      kernel: { release: "", version: "" },
      os: { platform: "linux", arch: "x64", hostname: "", totalMemoryBytes: 0 },
      runtime: { node: "", v8: "", execArgv: [] },
      unknown: [],
    },
    config,
    spec: { name: config.spec, hash: "h", args: 0, fallback: "-38", handlers: hs },
    modules: {},
    workloads: {},
    cells,
    summaries: summarizeCells(cells, config),
    ...(o.skipped ? { skipped: o.skipped } : {}),
  };
}
