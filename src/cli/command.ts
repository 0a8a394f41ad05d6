import { parseArgs } from "node:util";
import { LabError } from "../errors.js";
import { MIN_ROUNDS } from "../stats/rounds.js";
import { textTable } from "../text/text-table.js";
import { selectStrategies } from "../emit/strategies/index.js";
import { DEFAULT_SPEC, listBuiltins, loadSpec } from "../spec/load.js";
import type { Spec } from "../spec/types.js";
import { flag, int, parseArgsOptions, parseValues, text, type OptionTable, type RawValue, type Values } from "./options.js";

/** One CLI command as the registry holds it: its documentation, and a run that parses its own options. */
export interface Command {
  name: string;
  summary: string;
  /** The positional arguments as the usage line shows them (`BASE CURRENT`); none when it takes none. */
  synopsis?: string;
  /** Each positional argument (or group) and what it is, for --help. */
  arguments?: readonly (readonly [string, string])[];
  options: OptionTable;
  /** What the command does and prints, after the options in --help (the exit codes follow). */
  notes: string;
  run(raw: Readonly<Record<string, RawValue>>, positionals: string[], io: Io): Promise<number>;
}

/** A command as written: its run() gets the typed values of its own option table. */
export interface CommandDef<O extends OptionTable> extends Omit<Command, "options" | "run"> {
  options: O;
  run(values: Values<O>, positionals: string[], io: Io): Promise<number>;
}

/** A command whose options are parsed (and bad values refused) before its run() starts. */
export const defineCommand = <O extends OptionTable>(def: CommandDef<O>): Command => ({
  ...def,
  run: (raw, positionals, io) => def.run(parseValues(def.options, raw), positionals, io),
});

/** Where commands write: injectable so tests can capture output. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** The command line split into option values and positionals, or a usage error naming the command. */
export function parseCommandArgs(cmd: Command, argv: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...parseArgsOptions(cmd.options), help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: cmd.synopsis !== undefined,
    });
    return { values: values as Record<string, RawValue>, positionals };
  } catch (e) {
    throw new LabError("usage", [{ path: cmd.name, message: (e as Error).message.replace(/\. To specify.*$/s, "") }], `see: dispatch-lab ${cmd.name} --help`);
  }
}

/** Left-aligned text columns, for terminal tables. */
export const table = (rows: string[][]): string => textTable(rows).join("\n");

/** --no-cache: every command that builds modules (docs/cache.md). */
const NO_CACHE = flag(
  "neither read nor write the module cache: emit every module now (the cache keeps each module by spec, strategy, bodies and lab build; docs/cache.md)",
);

/** --spec, --strategies, --bodies, --no-cache: how every command that builds modules picks them. */
export const MODULE_OPTIONS = {
  spec: text({
    placeholder: "S",
    help: `a spec file (JSON), a built-in: ${listBuiltins().join(", ")}[,opts], or xen-defs:FILE#CALLER (a Xen hypercall-defs.c, imported: docs/import.md)`,
    shownDefault: DEFAULT_SPEC,
  }),
  strategies: text({
    placeholder: "L",
    help: "comma-separated strategy names, each once, or all (default: every strategy but hazard variants); run and sweep measure the control (direct) too, listed or not",
  }),
  bodies: text({ placeholder: "FILE", help: "an AssemblyScript file of extra body kinds, compiled now" }),
  "no-cache": NO_CACHE,
} as const satisfies OptionTable;

/**
 * The spec and strategy list a command asked for, validated now: input
 * errors surface before binaryen (~1 s to load) is imported for the work.
 */
export function moduleRequest(values: Values<typeof MODULE_OPTIONS>): {
  spec: Spec;
  strategies: string | undefined;
  bodies: string | undefined;
  cache: boolean;
} {
  const spec = loadSpec(values.spec ?? DEFAULT_SPEC);
  selectStrategies(values.strategies);
  return { spec, strategies: values.strategies, bodies: values.bodies, cache: !values.noCache };
}

/** --engines, --inlining, --engine-path: what run, sweep and check run the wasm in (docs/engines.md). */
export const ENGINE_OPTIONS = {
  engines: text({
    placeholder: "L",
    help: "engines to run every cell in, each a dimension of the cells: node (the one running the lab), node@MAJOR, deno, bun, optionally @VERSION; others need `dispatch-lab engines install` or --engine-path",
    shownDefault: "node",
  }),
  inlining: text({
    placeholder: "M",
    help: "off: the engine inlines no wasm call, so dispatches and handlers stay real calls (as Xen's handlers in other compilation units); engine: the engine's own defaults (V8 13.6+ inlines direct calls, 14.6+ and JavaScriptCore call_indirect too)",
    shownDefault: "off",
  }),
  "engine-path": text({
    placeholder: "N=P",
    help: "NAME=PATH,...: a binary you have for an engine in --engines (e.g. node@24=/opt/node24/bin/node), instead of an installed one",
  }),
} as const satisfies OptionTable;

/** What `run` and `sweep` say about each measurement option (their defaults differ). */
export interface MeasureHelp {
  tiers: string;
  samples: string;
  processes: string;
  timeBudget: string;
  seed: string;
}

/** --tiers, --samples, --processes, --time-budget, --seed, --cpu, --bodies, --no-cache: how `run` and `sweep` measure. */
export const measureOptions = (help: MeasureHelp) =>
  ({
    tiers: text({ placeholder: "L", help: help.tiers }),
    ...ENGINE_OPTIONS,
    engines: text({
      placeholder: "L",
      help: "engines to run every cell in, each a dimension of the cells: node (the one running the lab), node@MAJOR, deno, bun, optionally @VERSION (others need `dispatch-lab engines install` or --engine-path); native[:VARIANT], the same plans compiled to machine code (VARIANT o2, nojt, retpoline, ibt, rethunk; docs/native.md)",
      shownDefault: "node",
    }),
    measure: text({
      placeholder: "M",
      help: "time: timed samples; counts: every cell's instructions and simulated branch mispredicts per dispatch under valgrind's callgrind, the same on every run (node and native engines; docs/counts.md); time,counts: both, side by side",
      shownDefault: "time",
    }),
    cc: text({
      placeholder: "CC",
      help: "the C compiler of the native engines: gcc, clang or a path; its version and every flag are recorded (no compiler: native cells are skipped, with a note)",
      shownDefault: "cc",
    }),
    samples: int({ placeholder: "N", help: help.samples, min: 1, max: 1_000_000 }),
    processes: int({ placeholder: "N", help: help.processes, min: 1, max: 100 }),
    "time-budget": int({ placeholder: "S", help: help.timeBudget, min: 1, max: 7 * 24 * 3600 }),
    seed: int({ placeholder: "X", help: help.seed, min: 0, max: 2 ** 31 - 1 }),
    cpu: int({ placeholder: "N", help: "the CPU every measuring process is pinned to (default: the last one)", min: 0, max: 4096 }),
    bodies: MODULE_OPTIONS.bodies,
    "no-cache": NO_CACHE,
  }) as const satisfies OptionTable;

export type MeasureValues = Values<ReturnType<typeof measureOptions>>;

/** Drop undefined options, so the library's defaults apply. */
export function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** The measurement settings given on the command line (absent ones stay absent: the library's defaults apply). */
export const measureSettings = (v: MeasureValues) =>
  defined({
    tiers: v.tiers,
    engines: v.engines,
    inlining: v.inlining,
    enginePaths: v.enginePath,
    cc: v.cc,
    measure: v.measure,
    samples: v.samples,
    processes: v.processes,
    timeBudgetS: v.timeBudget,
    seed: v.seed,
    cpu: v.cpu,
    bodies: v.bodies,
    cache: v.noCache ? false : undefined,
  });

/** A warning, before anything runs, when --samples is below the rounds a verdict needs: every cell would be inconclusive. */
export function samplesWarning(v: MeasureValues): string[] {
  return v.samples !== undefined && v.samples < MIN_ROUNDS
    ? [`warning: --samples ${v.samples} is below the ${MIN_ROUNDS} rounds an interval needs: every cell will be inconclusive (no verdict, gate exits 3)`]
    : [];
}
