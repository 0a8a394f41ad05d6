/**
 * A command's usage line and --help, generated from its option table and its
 * exit codes: what --help says is what the parser accepts.
 */
import type { Command } from "./command.js";
import { commandExits } from "./exits.js";
import type { OptionDef } from "./options.js";

/** --help lines are wrapped at this width. */
const WIDTH = 100;
/** The option column is at least this wide, so short tables line up with the shared ones. */
const MIN_COLUMN = 20;

/** `--name P` as --help lists it. */
export const optionLabel = (name: string, def: OptionDef<unknown>): string => `--${name}${def.placeholder ? ` ${def.placeholder}` : ""}`;

/** `[--name VALUE]` as the usage line shows it. */
function usagePart(name: string, def: OptionDef<unknown>): string {
  const value = def.usageValue ?? def.placeholder;
  const bare = `--${name}${value ? ` ${value}` : ""}`;
  if (def.required) return bare;
  return def.kind === "repeatable" ? `[${bare}]...` : `[${bare}]`;
}

/** `dispatch-lab NAME ARGS [--option VALUE]...`: every option in table order. */
export const usageLine = (cmd: Command): string =>
  ["dispatch-lab", cmd.name, ...(cmd.synopsis ? [cmd.synopsis] : []), ...Object.entries(cmd.options).map(([name, def]) => usagePart(name, def))].join(" ");

/** An option's help with its default, as one text (lines that start with spaces are lists). */
const optionHelp = (def: OptionDef<unknown>): string => (def.shownDefault === undefined ? def.help : `${def.help} (default ${def.shownDefault})`);

/** Words filled into lines of at most `width` characters; a line that starts with spaces is kept as written. */
export function wrap(text: string, width = WIDTH): string[] {
  return text.split("\n").flatMap((line) => {
    if (/^\s/.test(line)) return [line];
    const lines: string[] = [];
    let current = "";
    for (const word of line.split(" ").filter(Boolean)) {
      if (current && current.length + 1 + word.length > width) {
        lines.push(current);
        current = word;
      } else current = current ? `${current} ${word}` : word;
    }
    return [...lines, current];
  });
}

/** Labels in a column, their texts wrapped beside them. */
function describedList(rows: readonly (readonly [string, string])[]): string {
  const column = Math.max(MIN_COLUMN, ...rows.map(([label]) => label.length + 4));
  const indent = " ".repeat(column);
  return rows.flatMap(([label, text]) => wrap(text, WIDTH - column).map((line, i) => (i === 0 ? `  ${label}`.padEnd(column) : indent) + line)).join("\n");
}

/** The whole --help of one command: summary, usage, arguments, options, notes, exit codes. */
export function commandHelp(cmd: Command): string {
  const options = Object.entries(cmd.options).map(([name, def]) => [optionLabel(name, def), optionHelp(def)] as const);
  return [
    cmd.summary,
    "",
    `Usage: ${usageLine(cmd)}`,
    "",
    ...(cmd.arguments?.length ? ["Arguments:", describedList(cmd.arguments), ""] : []),
    "Options:",
    describedList([...options, ["--help", "print this help"]]),
    "",
    cmd.notes,
    wrap(commandExits(cmd.name), WIDTH).join("\n"),
  ].join("\n");
}
