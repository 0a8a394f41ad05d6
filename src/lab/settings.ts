/**
 * The measurement settings a `run` or `sweep` request gives, checked and
 * with defaults filled in (each command has its own process and budget
 * defaults).
 */
import { LabError } from "../errors.js";
import { DEFAULT_TARGET_SAMPLE_MS, type MeasureSettings } from "../model/settings.js";
import { parseInlining, parseMeasuredEngines } from "../model/engines.js";
import { parseTiers } from "../model/tiers.js";
import { defaultCpu } from "../run/pin.js";
import { DEFAULT_STREAM_LENGTH } from "../workload/index.js";
import { MEASURES } from "../model/counts.js";
import { nameList } from "../names.js";
import { didYouMean, nearest } from "../suggest.js";

export interface SettingsRequest {
  tiers?: string;
  /** `node,node@24,deno,bun` (default: the node running the lab). */
  engines?: string;
  /** `off` (default: calls stay calls) or `engine` (the engine's own inlining). */
  inlining?: string;
  /** `node@24=/path/to/node,deno=/usr/bin/deno`: binaries instead of installed engines. */
  enginePaths?: string;
  /** The C compiler of the native engines: `cc` (default), `gcc`, `clang` or a path. */
  cc?: string;
  /** `time` (default), `counts` (deterministic counts under valgrind) or `time,counts`. */
  measure?: string;
  /** Samples per cell; undefined: as many as the time budget allows. */
  samples?: number;
  processes?: number;
  timeBudgetS?: number;
  seed?: number;
  cpu?: number;
  bodies?: string;
  targetSampleMs?: number;
  streamLength?: number;
}

/** A setting that must be a number in (0, max] (an integer when `integer`), or a usage error at its option. */
function positive(value: number, option: string, max: number, integer: boolean, fix: string): number {
  if (!(integer ? Number.isInteger(value) : Number.isFinite(value)) || value <= 0 || value > max)
    throw new LabError("usage", [{ path: option, message: `${value} is not ${integer ? "an integer" : "a number"} above 0 and at most ${max}` }], fix);
  return value;
}

/** `time,counts` to the config's field; absent for time alone (every run before counts measured time only). */
function measureOf(list: string | undefined): Pick<MeasureSettings, "measure"> {
  if (list === undefined) return {};
  const names = nameList(list, { option: "--measure", what: "measure", example: "time,counts" });
  const bad = names.filter((n) => !(MEASURES as readonly string[]).includes(n));
  if (bad.length)
    throw new LabError(
      "usage",
      [{ path: "--measure", message: `unknown measure ${bad.map((b) => `"${b}"`).join(", ")}` }],
      `${didYouMean(bad.map((b) => nearest(b, [...MEASURES])))}--measure time, counts or time,counts`,
    );
  const measure = MEASURES.filter((m) => names.includes(m));
  return measure.length === 1 && measure[0] === "time" ? {} : { measure };
}

/** The engines by name, and the compiler when a native one is among them (--cc without one is a usage error: it would do nothing). */
function enginesOf(req: SettingsRequest): Pick<MeasureSettings, "engines" | "cc"> {
  const engines = parseMeasuredEngines(req.engines);
  if (req.cc !== undefined && engines.native.length === 0)
    throw new LabError("usage", [{ path: "--cc", message: "no native engine is measured" }], `add one: --engines ${[...engines.names, "native"].join(",")}`);
  if (req.cc !== undefined && req.cc.trim() === "") throw new LabError("usage", [{ path: "--cc", message: "empty" }], "--cc gcc, --cc clang or --cc PATH");
  return { engines: engines.names, ...(engines.native.length ? { cc: req.cc ?? "cc" } : {}) };
}

/**
 * The settings with defaults filled in, checked for library callers as for
 * the CLI: no sample, process or second to measure in is a usage error, not
 * a run that measures nothing.
 */
export function settingsOf(req: SettingsRequest, defaults: { processes: number; timeBudgetS: number }): MeasureSettings {
  return {
    tiers: parseTiers(req.tiers),
    ...enginesOf(req),
    ...measureOf(req.measure),
    inlining: parseInlining(req.inlining),
    samples:
      req.samples === undefined
        ? null
        : positive(
            req.samples,
            "--samples",
            1_000_000,
            true,
            "give at least 1 sample per cell, or leave --samples out to take as many as the time budget allows",
          ),
    processes: positive(req.processes ?? defaults.processes, "--processes", 100, true, `give at least 1 process per cell (default ${defaults.processes})`),
    timeBudgetS: positive(
      req.timeBudgetS ?? defaults.timeBudgetS,
      "--time-budget",
      7 * 24 * 3600,
      false,
      `give the seconds the whole run may take (default ${defaults.timeBudgetS})`,
    ),
    seed: req.seed ?? 1,
    targetSampleMs: positive(
      req.targetSampleMs ?? DEFAULT_TARGET_SAMPLE_MS,
      "targetSampleMs",
      60_000,
      false,
      `give the milliseconds one sample should take (default ${DEFAULT_TARGET_SAMPLE_MS})`,
    ),
    streamLength: req.streamLength ?? DEFAULT_STREAM_LENGTH,
    cpu: req.cpu ?? defaultCpu(),
    bodies: req.bodies ?? null,
  };
}
