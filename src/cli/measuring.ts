/**
 * What run and sweep share around the lab's measuring: the samples warning,
 * progress on stderr, Ctrl-C as a clean stop (exit 130, the files kept), the
 * files written, and the exit code. Each command says only how it starts and
 * what it shows.
 */
import { ExitCode } from "../errors.js";
import type { SweepProgress } from "../lab/sweep.js";
import { samplesWarning, type Io, type MeasureValues } from "./command.js";
import { interruptible } from "./interrupt.js";
import { runProgress } from "./progress.js";

export interface MeasuringHooks {
  progress: SweepProgress;
  stop: () => boolean;
  note: (line: string) => void;
}

export async function measuring<O extends { files: string[]; failedCells: number }>(
  io: Io,
  values: MeasureValues,
  stopping: string,
  start: (hooks: MeasuringHooks) => Promise<O>,
  show: (outcome: O) => void,
): Promise<number> {
  for (const w of samplesWarning(values)) io.err(w);
  const progress = runProgress();
  try {
    // start() imports the lab: a Ctrl-C while it loads is already an interruption (exit 130).
    const { value: outcome, interrupted } = await interruptible(io, stopping, (stop) => start({ progress, stop, note: (line) => io.err(line) }));
    progress.stop();
    show(outcome);
    io.out(`\nwrote ${outcome.files.join(", ")}`);
    if (interrupted) return ExitCode.interrupted;
    return outcome.failedCells > 0 ? ExitCode.cellsFailed : ExitCode.ok;
  } finally {
    progress.stop();
  }
}
