import { parseArgs, type ParseArgsConfig } from "node:util";
import { LabError } from "../errors.js";
import { textTable } from "../text/text-table.js";
import { selectStrategies } from "../emit/strategies/index.js";
import { DEFAULT_SPEC, listBuiltins, loadSpec } from "../spec/load.js";
import type { Spec } from "../spec/types.js";

export type Options = NonNullable<ParseArgsConfig["options"]>;

/** One CLI command: its options, its help, and a run that returns an exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Lines after the usage: options and what the command prints. */
  help: string;
  options: Options;
  /** Whether positional arguments are accepted. */
  positionals?: boolean;
  run(values: Record<string, string | boolean | undefined>, positionals: string[], io: Io): Promise<number>;
}

/** Where commands write: injectable so tests can capture output. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export function parseCommandArgs(cmd: Command, argv: string[]) {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...cmd.options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: !!cmd.positionals });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    throw new LabError("usage", [{ path: cmd.name, message: (e as Error).message.replace(/\. To specify.*$/s, "") }], `see: dispatch-lab ${cmd.name} --help`);
  }
}

/** An integer option in min..max (min 0 unless given), or a usage error naming it. */
export function intOption(values: Record<string, unknown>, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER, min = 0): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new LabError("usage", [{ path: `--${name}`, message: `"${String(raw)}" is not an integer in ${min}..${max}` }]);
  return n;
}

export const str = (values: Record<string, unknown>, name: string): string | undefined => values[name] as string | undefined;

/** Left-aligned text columns, for terminal tables. */
export const table = (rows: string[][]): string => textTable(rows).join("\n");

/** --spec, --strategies, --bodies: how every command that builds modules picks them. */
export const MODULE_OPTIONS = {
  spec: { type: "string" },
  strategies: { type: "string" },
  bodies: { type: "string" },
} as const satisfies Options;

export const MODULE_HELP = `  --spec S          a spec file (JSON), a built-in (default ${DEFAULT_SPEC}): ${listBuiltins().join(", ")}[,opts],
                    or xen-defs:FILE#CALLER (a Xen hypercall-defs.c, imported: docs/import.md)
  --strategies L    comma-separated strategy names, each once, or all (default: every strategy but
                    hazard variants); run and sweep measure the control (direct) too, listed or not
  --bodies FILE     an AssemblyScript file of extra body kinds, compiled now`;

/**
 * The spec and strategy list a command asked for, validated now: input
 * errors surface before binaryen (~1 s to load) is imported for the work.
 */
export function moduleRequest(values: Record<string, unknown>): { spec: Spec; strategies: string | undefined; bodies: string | undefined } {
  const spec = loadSpec(str(values, "spec") ?? DEFAULT_SPEC);
  const strategies = str(values, "strategies");
  selectStrategies(strategies);
  return { spec, strategies, bodies: str(values, "bodies") };
}

/** --tiers, --samples, --processes, --time-budget, --seed, --cpu: how `run` and `sweep` measure. */
export const MEASURE_OPTIONS = {
  tiers: { type: "string" },
  samples: { type: "string" },
  processes: { type: "string" },
  "time-budget": { type: "string" },
  seed: { type: "string" },
  cpu: { type: "string" },
  bodies: { type: "string" },
  out: { type: "string" },
} as const satisfies Options;

/** Drop undefined options, so the library's defaults apply. */
export function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** The measurement settings given on the command line (absent ones stay absent: the library's defaults apply). */
export function measureSettings(values: Record<string, unknown>) {
  const opt = (name: string, max: number, min = 0) => (values[name] === undefined ? undefined : intOption(values, name, 0, max, min));
  return defined({
    tiers: str(values, "tiers"),
    samples: opt("samples", 1_000_000, 1),
    processes: opt("processes", 100, 1),
    timeBudgetS: opt("time-budget", 7 * 24 * 3600, 1),
    seed: opt("seed", 2 ** 31 - 1),
    cpu: opt("cpu", 4096),
    bodies: str(values, "bodies"),
  });
}
