/**
 * docs/cli.md's generated parts: each command's usage, options and exit
 * codes, and the exit-code table, from the same tables as --help.
 * test/cli/docs-table.test.ts fails when the file is out of date and
 * rewrites it with UPDATE_DOCS=1.
 */
import { EXIT_CODES, type ExitCodeEntry } from "../errors.js";
import { escapeMarkdown } from "../text/escape.js";
import type { Command } from "./command.js";
import { commandExits } from "./exits.js";
import { optionLabel, usageLine } from "./help.js";

/** A help text as one table cell: lines that start with spaces (lists) on lines of their own. */
const cell = (text: string): string =>
  text
    .split("\n")
    .map((line, i) => (i > 0 && /^\s/.test(line) ? "<br>" : i > 0 ? " " : "") + escapeMarkdown(line.trim()))
    .join("");

const row = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;

function commandSection(cmd: Command): string {
  const args = (cmd.arguments ?? []).map(([name, text]) => row([`\`${name}\``, cell(text), ""]));
  const options = Object.entries(cmd.options).map(([name, def]) =>
    row([`\`${optionLabel(name, def)}\``, cell(def.help), def.shownDefault === undefined ? "" : `\`${def.shownDefault}\``]),
  );
  return [
    `### ${cmd.name}`,
    "",
    escapeMarkdown(cmd.summary),
    "",
    "```",
    usageLine(cmd),
    "```",
    "",
    row(["argument or option", "meaning", "default"]),
    row(["---", "---", "---"]),
    ...args,
    ...options,
    "",
    escapeMarkdown(commandExits(cmd.name)),
  ].join("\n");
}

/** Every command's usage, options and exit codes, in registry order. */
export const optionsReference = (commands: readonly Command[]): string => commands.map(commandSection).join("\n\n");

/** Where a code comes from: every command, or the listed ones with what it means there. */
function exitSource(e: ExitCodeEntry): string {
  const own = Object.entries(e.commands ?? {}).map(([name, meaning]) => `\`${name}\`: ${escapeMarkdown(meaning)}`);
  return [...(e.every ? ["every command"] : []), ...own].join("; ");
}

/** The exit-code table. */
export const exitReference = (): string =>
  [
    row(["code", "name", "meaning", "from"]),
    row(["---", "---", "---", "---"]),
    ...(EXIT_CODES as readonly ExitCodeEntry[]).map((e) => row([String(e.code), `\`${e.name}\``, escapeMarkdown(e.meaning), exitSource(e)])),
  ].join("\n");
