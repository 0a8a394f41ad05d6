#!/usr/bin/env node
/**
 * The CLI boundary: the one place that catches errors and maps them to exit
 * codes (docs/cli.md). A user's mistake prints its problems and a fix, never
 * a stack trace; anything else is our bug and prints one.
 */
import { readFileSync, realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { ExitCode, LabError } from "../errors.js";
import { packageRoot } from "../paths.js";
import { didYouMean, nearest } from "../suggest.js";
import { escapeTerminalOutput } from "../text/escape.js";
import { defaultStrategyNames, strategies } from "../emit/strategies/index.js";
import { parseCommandArgs, table, type Io } from "./command.js";
import { commands } from "./commands/index.js";
import { allExits } from "./exits.js";
import { commandHelp, wrap } from "./help.js";

// Output quotes untrusted names (specs, workloads, trace files): no control sequence of theirs reaches the tty.
const stdio: Io = { out: (t) => process.stdout.write(`${escapeTerminalOutput(t)}\n`), err: (t) => process.stderr.write(`${escapeTerminalOutput(t)}\n`) };

function mainHelp(): string {
  const cmds = table(Object.values(commands).map((c) => [`  ${c.name}`, c.summary]));
  const strats = table(Object.values(strategies).map((s) => [`  ${s.name}`, s.summary]));
  return `dispatch-lab: which hot-dispatch strategy is cheapest, measured in WebAssembly

Usage: dispatch-lab <command> [options]     (dispatch-lab <command> --help for its options)

Commands:
${cmds}

Strategies (default set: ${defaultStrategyNames().join(", ")}):
${strats}

${wrap(`${allExits()} See docs/cli.md.`).join("\n")}`;
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(mainHelp());
    return name ? ExitCode.ok : ExitCode.usage;
  }
  if (name === "--version") {
    io.out((JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string }).version);
    return ExitCode.ok;
  }
  try {
    const cmd = Object.hasOwn(commands, name) ? commands[name] : undefined; // not `toString` from the prototype
    if (!cmd)
      throw new LabError(
        "usage",
        [{ path: name, message: "unknown command" }],
        `${didYouMean([nearest(name, Object.keys(commands))])}commands: ${Object.keys(commands).join(", ")}`,
      );
    const { values, positionals } = parseCommandArgs(cmd, rest);
    if (values["help"]) {
      io.out(commandHelp(cmd));
      return ExitCode.ok;
    }
    return await cmd.run(values, positionals, io);
  } catch (e) {
    return reportError(e, io);
  }
}

function reportError(e: unknown, io: Io): number {
  if (!(e instanceof LabError)) {
    io.err(`dispatch-lab: internal error (a bug; please report it):\n${e instanceof Error ? e.stack : String(e)}`);
    return ExitCode.internal;
  }
  for (const line of e.message.split("\n")) io.err(`error: ${line}`);
  if (e.fix) io.err(`fix: ${e.fix}`);
  return e.exitCode;
}

// Run when executed as the bin (not when imported by tests).
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
