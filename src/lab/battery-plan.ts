/**
 * What a battery measures on this machine (pure but for the facts it is
 * given): per Xen spec, its measured hypercall mixes and the baselines, every
 * default strategy, in the running node and a choice of the installed engines,
 * the native variants the architecture has, and counts where valgrind is.
 * Each spec is one `run` (lab/run.ts) with its own share of the time.
 *
 * The cells multiply (strategies x workloads x engines), and a 2-core
 * machine pays ~0.3 s to start each cell's process: the full battery takes
 * every measured mix, the running node, the newest installed Node major and
 * Bun (JavaScriptCore: another engine family); --quick takes the spec's
 * leading mix, uniform and cyclic, the running node and native o2/retpoline.
 */
import type { NativeVariant } from "../model/engines.js";
import { variantFlags } from "../emit/native/variants.js";
import { readProfile, XEN_PROFILES } from "../workload/xen.js";
import { xenMixFor } from "../workload/index.js";
import type { Spec } from "../spec/types.js";

/** The Xen specs a battery measures: a 64-bit PV guest's table and an HVM guest's. */
export const BATTERY_SPECS = ["xen:pv64", "xen:hvm64"] as const;

/** The workloads after the spec's measured mixes. */
export const BATTERY_BASELINES = ["uniform", "fixed:hottest", "fixed:coldest", "cyclic"] as const;
const QUICK_BASELINES = ["uniform", "cyclic"] as const;

const FULL_VARIANTS: readonly NativeVariant[] = ["o2", "nojt", "retpoline", "rethunk"];
const QUICK_VARIANTS: readonly NativeVariant[] = ["o2", "retpoline"];

/**
 * Seconds of timing for the whole battery, shared out over the specs' runs
 * by their cells (each run's --time-budget: its native builds and timed
 * rounds; emitting, counting and the report are outside it). Measured on
 * the 2-core development VM (Intel Xeon @ 2.80GHz): the full battery with
 * counts in 472-502 s, --quick in 72-78 s.
 */
export const FULL_BUDGET_S = 340;
export const QUICK_BUDGET_S = 76;

export interface BatteryFacts {
  quick: boolean;
  /** process.arch. */
  arch: string;
  /** The running node's major. */
  nodeMajor: number;
  /** Installed engines, `name` as --engines takes it (`node@24`, `bun`) with their kind and version. */
  installed: readonly { kind: string; version: string }[];
  /** valgrind is there: counts are measured. */
  valgrind: boolean;
}

export interface BatteryRunPlan {
  spec: string;
  /** The sub-folder of --out this spec's run writes. */
  folder: string;
  workloads: string[];
  engines: string[];
  measure: "time" | "time,counts";
  timeBudgetS: number;
  processes: number;
}

export interface BatteryPlan {
  runs: BatteryRunPlan[];
  /** What the battery leaves out on this machine, and why: one sentence each. */
  skipped: string[];
}

/**
 * The profiles whose hypercalls (by name) make up at least 90% of their
 * calls in `spec` and that were measured on the same kind of guest as the
 * spec's leading mix, in XEN_PROFILES order (pv64: the PV guest's and dom0's;
 * hvm64: the PVH guest's).
 */
export function measuredMixes(spec: Pick<Spec, "handlers">): string[] {
  const names = new Set(spec.handlers.map((h) => h.name));
  // The guest kind is the leading mix's (xenMixFor): a PV spec also holds the PVH guests' few hypercalls, but was not measured under them.
  const lead = XEN_PROFILES.find((p) => `xen:${p.profile}` === xenMixFor(spec));
  return XEN_PROFILES.filter((p) => {
    if (p.file !== lead?.file) return false;
    const rows = readProfile(p);
    const total = rows.reduce((a, r) => a + r.count, 0n);
    const held = rows.reduce((a, r) => (names.has(r.hypercall) ? a + r.count : a), 0n);
    return total > 0n && held * 10n >= total * 9n;
  }).map((p) => `xen:${p.profile}`);
}

const major = (version: string) => Number(version.split(".")[0]);

/**
 * The wasm engines: the running node, then (full battery only) the newest
 * installed Node major other than the running one, and Bun when installed.
 * Deno shares V8 with Node (its 15.0 is Node 26's 14.6 plus a few months);
 * the other Node majors are left to `run --engines`: each engine adds a
 * third of the cells.
 */
export function wasmEngines(f: BatteryFacts): { engines: string[]; skipped: string[] } {
  if (f.quick) return { engines: ["node"], skipped: ["installed engines: --quick measures the running node only"] };
  const nodes = f.installed
    .filter((e) => e.kind === "node" && major(e.version) !== f.nodeMajor)
    .map((e) => major(e.version))
    .sort((a, b) => b - a);
  const engines = ["node", ...(nodes.length ? [`node@${nodes[0]}`] : []), ...(f.installed.some((e) => e.kind === "bun") ? ["bun"] : [])];
  const left = [...new Set([...nodes.slice(1).map((m) => `node@${m}`), ...f.installed.filter((e) => e.kind === "deno").map(() => "deno")])];
  return {
    engines,
    skipped: left.length
      ? [`installed engines ${left.join(", ")}: the battery measures the running node, the newest other Node major and Bun (run --engines measures any)`]
      : [],
  };
}

/** The native variants of this architecture: the x86 mitigations are skipped elsewhere, each with its reason. */
export function nativeEngines(f: Pick<BatteryFacts, "quick" | "arch">): { engines: string[]; skipped: string[] } {
  const engines: string[] = [];
  const skipped: string[] = [];
  for (const v of f.quick ? QUICK_VARIANTS : FULL_VARIANTS) {
    // The compiler is asked by the run itself (no compiler: its native cells are skipped with a note); only the arch is decided here.
    const flags = variantFlags(v, { family: "gcc", major: 99 }, f.arch);
    if (flags.ok) engines.push(v === "o2" ? "native" : `native:${v}`);
    else skipped.push(flags.reason);
  }
  return { engines, skipped };
}

/** The battery's runs, one per spec of BATTERY_SPECS, and what it skips here. */
export function batteryPlan(f: BatteryFacts, load: (spec: string) => Pick<Spec, "handlers">): BatteryPlan {
  const wasm = wasmEngines(f);
  const native = nativeEngines(f);
  const skipped = [...wasm.skipped, ...native.skipped];
  if (!f.valgrind) skipped.push("counts: valgrind is not installed (apt-get install valgrind)");
  else if (f.quick) skipped.push("counts: --quick measures time only");
  const runs = BATTERY_SPECS.map((spec): BatteryRunPlan => {
    const mixes = measuredMixes(load(spec));
    return {
      spec,
      folder: spec.replace(/^xen:/, ""),
      workloads: [...(f.quick ? mixes.slice(0, 1) : mixes), ...(f.quick ? QUICK_BASELINES : BATTERY_BASELINES)],
      engines: [...wasm.engines, ...native.engines],
      measure: f.valgrind && !f.quick ? "time,counts" : "time",
      timeBudgetS: 0,
      processes: f.quick ? 1 : 2,
    };
  });
  // The strategies are the same in every run: the workloads x engines decide a run's cells and so its share.
  const cells = runs.map((r) => r.workloads.length * r.engines.length);
  const total = cells.reduce((a, b) => a + b, 0);
  const budget = f.quick ? QUICK_BUDGET_S : FULL_BUDGET_S;
  runs.forEach((r, i) => (r.timeBudgetS = Math.max(10, Math.round((budget * cells[i]!) / total))));
  return { runs, skipped };
}
