/**
 * CLI options as data: each command declares one table of these, and its
 * parseArgs config, usage line, --help and docs/cli.md's options table are
 * all generated from it (src/cli/help.ts, src/cli/docs.ts). Parsing a raw
 * value is the option's own job, so a command's run() gets typed values and a
 * bad value is a usage error naming the option, whoever reads it.
 */
import type { ParseArgsConfig } from "node:util";
import { LabError } from "../errors.js";

/** What parseArgs hands over for one option. */
export type RawValue = string | boolean | string[] | undefined;

/** One option: how it is spelt on the command line, documented, and parsed. */
export interface OptionDef<T> {
  /** A flag, a value, or a value that may be given any number of times. */
  kind: "flag" | "value" | "repeatable";
  /** The value's name in --help (`N`, `FILE`); none for a flag. */
  placeholder?: string;
  /** The value as the usage line shows it when that says more (`html|md`). */
  usageValue?: string;
  /** What it does. A line that starts with spaces is kept as written (a list), others are wrapped. */
  help: string;
  /** The default as --help and the docs name it, when there is one. */
  shownDefault?: string;
  /** Required: the usage line shows it without brackets. */
  required?: boolean;
  parse(raw: RawValue, flag: string): T;
}

/** Any command's options, by name without the leading `--`. */
export type OptionTable = Readonly<Record<string, OptionDef<unknown>>>;

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

/** The parsed values of a table, by camelCase name (`--time-budget` is `timeBudget`). */
export type Values<O extends OptionTable> = { [K in keyof O & string as Camel<K>]: O[K] extends OptionDef<infer T> ? T : never };

const camel = (name: string): string => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Every option of `table` parsed from parseArgs' values: a bad one throws its usage error. */
export function parseValues<O extends OptionTable>(table: O, raw: Readonly<Record<string, RawValue>>): Values<O> {
  return Object.fromEntries(Object.entries(table).map(([name, def]) => [camel(name), def.parse(raw[name], `--${name}`)])) as Values<O>;
}

/** The table as parseArgs options. */
export function parseArgsOptions(table: OptionTable): NonNullable<ParseArgsConfig["options"]> {
  return Object.fromEntries(
    Object.entries(table).map(([name, def]) => [name, def.kind === "flag" ? { type: "boolean" } : { type: "string", multiple: def.kind === "repeatable" }]),
  );
}

const usageError = (flag: string, message: string, fix?: string) => new LabError("usage", [{ path: flag, message }], fix);

interface Described {
  placeholder: string;
  help: string;
  usageValue?: string;
  shownDefault?: string;
}

/** An on/off switch: false unless given. */
export const flag = (help: string): OptionDef<boolean> => ({ kind: "flag", help, parse: (raw) => raw === true });

/** A value given any number of times, in the order given. */
export const repeatable = (d: Described): OptionDef<string[]> => ({
  kind: "repeatable",
  ...d,
  parse: (raw) => (Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : []),
});

/** A string, absent unless given. */
export function text(d: Described): OptionDef<string | undefined>;
/** A string that must be given (an empty one counts as missing): `fix` shows how. */
export function text(d: Described & { requiredFix: string }): OptionDef<string>;
export function text(d: Described & { requiredFix?: string }): OptionDef<string | undefined> {
  const { requiredFix, ...shown } = d;
  return {
    kind: "value",
    ...shown,
    ...(requiredFix === undefined ? {} : { required: true }),
    parse: (raw, name) => {
      if (requiredFix !== undefined && !raw) throw usageError(name, "required", requiredFix);
      return raw as string | undefined;
    },
  };
}

/** A comma-separated list: items trimmed, empty ones dropped; absent unless given. */
export const list = (d: Described): OptionDef<string[] | undefined> => ({
  kind: "value",
  ...d,
  parse: (raw) =>
    (raw as string | undefined)
      ?.split(",")
      .map((t) => t.trim())
      .filter(Boolean),
});

interface IntRange {
  min: number;
  max: number;
}

/** An integer in min..max, absent unless given. */
export function int(d: Described & IntRange): OptionDef<number | undefined>;
/** An integer in min..max, `fallback` unless given. */
export function int(d: Described & IntRange & { fallback: number }): OptionDef<number>;
export function int(d: Described & IntRange & { fallback?: number }): OptionDef<number | undefined> {
  const { min, max, fallback, ...shown } = d;
  return {
    kind: "value",
    ...(fallback === undefined ? {} : { shownDefault: String(fallback) }),
    ...shown,
    parse: (raw, name) => {
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) throw usageError(name, `"${String(raw)}" is not an integer in ${min}..${max}`);
      return n;
    },
  };
}

/** `5%`, `5` (percent) or `0.5%`, as a fraction; `fallback` unless given. */
export const percent = (d: Described & { fallback: number }): OptionDef<number> => {
  const { fallback, ...shown } = d;
  return {
    kind: "value",
    shownDefault: `${Number((fallback * 100).toPrecision(12))}%`,
    ...shown,
    parse: (raw, name) => {
      if (raw === undefined) return fallback;
      const m = /^([0-9]+(?:\.[0-9]+)?)%?$/.exec(String(raw).trim());
      const pct = m ? Number(m[1]) : NaN;
      if (!(pct > 0 && pct < 1000)) throw usageError(name, `"${String(raw)}" is not a percentage above 0, such as 5%`);
      return pct / 100;
    },
  };
};

/** One of a few words; the first is the default unless `fallback` says none (absent unless given). */
export function choice<const C extends readonly [string, ...string[]]>(d: Omit<Described, "usageValue"> & { choices: C }): OptionDef<C[number]>;
export function choice<const C extends readonly [string, ...string[]]>(
  d: Omit<Described, "usageValue"> & { choices: C; fallback: "none" },
): OptionDef<C[number] | undefined>;
export function choice(d: Omit<Described, "usageValue"> & { choices: readonly [string, ...string[]]; fallback?: "none" }): OptionDef<string | undefined> {
  const { choices, fallback, ...shown } = d;
  const initial = fallback === "none" ? undefined : choices[0];
  return {
    kind: "value",
    usageValue: choices.join("|"),
    ...(initial === undefined ? {} : { shownDefault: initial }),
    ...shown,
    parse: (raw, name) => {
      if (raw === undefined) return initial;
      if (!choices.includes(String(raw))) throw usageError(name, `"${String(raw)}" is not ${choices.join(" or ")}`);
      return String(raw);
    },
  };
}

/** A comma-separated list of numbers, each checked, duplicates dropped; absent unless given. */
export const numberList = (d: Described & { check: (n: number) => boolean; what: string; example: string }): OptionDef<number[] | undefined> => {
  const { check, what, example, ...shown } = d;
  return {
    kind: "value",
    ...shown,
    parse: (raw, name) => {
      if (raw === undefined) return undefined;
      const items = String(raw)
        .split(",")
        .map((t) => t.trim());
      const bad = items.filter((t) => !/^[0-9]+(\.[0-9]+)?$/.test(t) || !check(Number(t)));
      if (bad.length || items.length === 0)
        throw usageError(name, `${bad.map((b) => JSON.stringify(b)).join(", ") || "(empty)"}: not ${what}`, `e.g. ${name} ${example}`);
      return [...new Set(items.map(Number))];
    },
  };
};

/** The same option, its parsed value checked or reshaped further (a usage error names the option). */
export const refine = <T, U>(def: OptionDef<T>, then: (value: T, flag: string, raw: RawValue) => U): OptionDef<U> => ({
  ...def,
  parse: (raw, name) => then(def.parse(raw, name), name, raw),
});
