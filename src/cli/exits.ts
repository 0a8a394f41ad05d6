/**
 * The exit codes as the main help, each command's help and docs/cli.md say
 * them: all generated from the one table, EXIT_CODES (src/errors.ts).
 */
import { EXIT_CODES, type ExitCodeEntry } from "../errors.js";

/** What `code` means from command `name`, or undefined when that command never exits with it. */
function meaningFor(entry: ExitCodeEntry, name: string): string | undefined {
  const own = entry.commands?.[name];
  return own ?? (entry.every ? entry.brief : undefined);
}

/** One command's exit codes, as the last sentence of its --help. */
export const commandExits = (name: string): string =>
  `Exit codes: ${(EXIT_CODES as readonly ExitCodeEntry[])
    .flatMap((e) => {
      const meaning = meaningFor(e, name);
      return meaning === undefined ? [] : [`${e.code} ${meaning}`];
    })
    .join(", ")}.`;

/** Every exit code in a sentence, for the main help. */
export const allExits = (): string => `Exit codes: ${EXIT_CODES.map((e) => `${e.code} ${e.brief}`).join(", ")}.`;
