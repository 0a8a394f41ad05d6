/**
 * Reading what an engine inlined: run modules in a probe child
 * (inlining-probe.ts) with the engine's trace switched on, and count the
 * trace's lines that report an inlined call. `--inlining off` is proven
 * this way on every V8 engine; JavaScriptCore has no such trace, and its
 * off switch is confirmed from its own list of the options in effect.
 */
import { toBase64 } from "../text/base64.js";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { ChildCommand } from "../model/engines.js";
import { packageRoot } from "../paths.js";
import { defaultGuard, launch } from "./launcher.js";
import { MARK } from "./protocol.js";

export const PROBE_ENTRY = join(packageRoot, "dist", "src", "run", "inlining-probe.js");

export interface TraceOutcome {
  /** Lines matching the engine's "inlined a call" pattern. */
  inlined: number;
  /** The first few of them, for a report. */
  examples: string[];
  /** Whether the confirming pattern (an option's state) appeared, where one was asked for. */
  confirmed: boolean;
}

const DONE = `${MARK}{"type":"done"}`;

/**
 * Start `command` on the probe, give it the modules and stream, and read its
 * stdout and stderr until it exits. Rejects with the reason when it fails or
 * outlasts `timeoutMs`.
 */
export function traceInlining(
  command: ChildCommand,
  modules: readonly Uint8Array[],
  stream: Int32Array,
  o: { inlined: RegExp; confirms?: RegExp; ms: number; timeoutMs: number },
): Promise<TraceOutcome> {
  return new Promise((resolve, reject) => {
    const child = launch(command, PROBE_ENTRY, defaultGuard());
    const out: TraceOutcome = { inlined: 0, examples: [], confirmed: false };
    let done = false;
    let tail = "";
    const read = (text: string) => {
      // The engine's compiler threads write the trace to the same stdout without regard to lines: the end mark may land mid-line.
      const line = text.replace(DONE, "");
      if (line !== text) done = true;
      if (o.inlined.test(line)) {
        out.inlined++;
        if (out.examples.length < 3) out.examples.push(line.trim().slice(0, 200));
      }
      if (o.confirms?.test(line)) out.confirmed = true;
      tail = `${tail}${line}\n`.slice(-600);
    };
    createInterface({ input: child.stdout!, crlfDelay: Number.POSITIVE_INFINITY }).on("line", read);
    createInterface({ input: child.stderr!, crlfDelay: Number.POSITIVE_INFINITY }).on("line", read);
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs);
    child.stdin!.on("error", () => {});
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (done) resolve(out);
      else
        reject(
          new Error(`the inlining probe ${signal ? `was killed by ${signal}` : `exited with code ${code}`}: ${tail.trim().split("\n").slice(-3).join(" | ")}`),
        );
    });
    child.stdin!.end(`${JSON.stringify({ modules: modules.map(toBase64), stream: toBase64(stream), ms: o.ms })}\n`);
  });
}
