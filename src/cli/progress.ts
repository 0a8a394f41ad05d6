/**
 * Run progress: a bar with cells done and ETA on a terminal; plain lines in
 * CI or when stderr is not a TTY (logs stay readable). Progress goes to
 * stderr so stdout holds only the results.
 */
import cliProgress from "cli-progress";
import type { SweepProgress } from "../lab/sweep.js";
import { escapeTerminal } from "../text/escape.js";

const interactive = () => !!process.stderr.isTTY && !process.env["CI"];

export function runProgress(): SweepProgress & { stop(): void } {
  return interactive() ? barProgress() : lineProgress((t) => process.stderr.write(`${escapeTerminal(t)}\n`));
}

function barProgress(): SweepProgress & { stop(): void } {
  const bar = new cliProgress.SingleBar(
    {
      format: "{phase} [{bar}] {value}/{total} | {duration_formatted} elapsed | ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase = "";
  const show = (name: string, done: number, total: number) => {
    if (phase !== name) {
      if (phase) bar.stop();
      phase = name;
      bar.start(total, done, { phase: name });
    } else bar.update(done);
  };
  return {
    point: (done, total, label) => {
      if (phase) bar.stop();
      phase = "";
      process.stderr.write(`point ${done}/${total}: ${escapeTerminal(label)}\n`);
    },
    note: (text) => process.stderr.write(`${escapeTerminal(text)}\n`),
    cellStarted: (done, total) => show("starting cells ", done, total),
    round: (done, planned) => show("measuring rounds", done, planned),
    counted: (done, total) => show("counting (valgrind)", done, total),
    stop: () => bar.stop(),
  };
}

/** About ten lines per phase, with elapsed time and a linear ETA. */
export function lineProgress(write: (line: string) => void, now = () => Date.now()): SweepProgress & { stop(): void } {
  const started = now();
  let phaseStart = started;
  let last = -1;
  const report = (what: string, done: number, total: number) => {
    const step = Math.max(1, Math.round(total / 10));
    if (done === 1) phaseStart = now();
    if (done !== total && done % step !== 0) return;
    if (done === last) return;
    last = done;
    const elapsed = (now() - started) / 1000;
    const eta = (((now() - phaseStart) / done) * (total - done)) / 1000;
    write(`[dispatch-lab] ${what} ${done}/${total}, ${elapsed.toFixed(0)} s elapsed, ETA ${eta.toFixed(0)} s`);
  };
  return {
    point: (done, total, label) => {
      last = -1;
      write(`[dispatch-lab] point ${done}/${total}: ${label}, ${((now() - started) / 1000).toFixed(0)} s elapsed`);
    },
    note: (text) => write(`[dispatch-lab] ${text}`),
    cellStarted: (done, total) => report("started cells", done, total),
    round: (done, planned) => report("measured rounds", done, planned),
    counted: (done, total) => report("counted processes (valgrind)", done, total),
    stop: () => undefined,
  };
}
