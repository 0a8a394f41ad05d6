import type { Command } from "../command.js";
import { checkCommand } from "./check.js";
import { emitCommand } from "./emit.js";
import { importCommand } from "./import.js";
import { lintCommand } from "./lint.js";
import { reportCommand } from "./report.js";
import { runCommand } from "./run.js";
import { sweepCommand } from "./sweep.js";

/** The command registry: adding a command is adding a file and a line here. */
export const commands: Readonly<Record<string, Command>> = Object.fromEntries([runCommand, sweepCommand, reportCommand, checkCommand, emitCommand, lintCommand, importCommand].map((c) => [c.name, c]));
