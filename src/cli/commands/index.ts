import type { Command } from "../command.js";
import { batteryCommand } from "./battery.js";
import { checkCommand } from "./check.js";
import { compareCommand } from "./compare.js";
import { emitCommand } from "./emit.js";
import { enginesCommand } from "./engines.js";
import { gateCommand } from "./gate.js";
import { importCommand } from "./import.js";
import { lintCommand } from "./lint.js";
import { mergeCommand } from "./merge.js";
import { reportCommand } from "./report.js";
import { runCommand } from "./run.js";
import { sweepCommand } from "./sweep.js";

/** The command registry: adding a command is adding a file and a line here. */
export const commands: Readonly<Record<string, Command>> = Object.fromEntries(
  [
    runCommand,
    sweepCommand,
    batteryCommand,
    reportCommand,
    mergeCommand,
    compareCommand,
    gateCommand,
    checkCommand,
    emitCommand,
    lintCommand,
    importCommand,
    enginesCommand,
  ].map((c) => [c.name, c]),
);
