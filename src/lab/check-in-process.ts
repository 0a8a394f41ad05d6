/**
 * The differential check under another engine (node@24, deno, bun): the
 * same checkModule, run in a child process of that engine (check-process.ts)
 * started as a cell's would be (launcher.ts: its orphan guard), with the
 * engine's command at the `tiered` tier and its own inlining, so no unusual
 * flag is involved. The job goes down the child's stdin as JSON lines
 * (check/wire.ts), each result comes back as a marked line on its stdout.
 * The time limit and the crash handling are check-in-worker.ts's: a module
 * that does not finish within `timeoutMs` fails as timed out and its
 * process is killed, and the modules after it get a process each. A module
 * that needs a feature the engine lacks is skipped, as its driver says,
 * without starting it.
 */
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Case } from "../check/cases.js";
import { collectChecks, inTurnThenEach } from "../check/check-in-worker.js";
import { skipUnsupportedOn, type CheckableModule, type StrategyCheck } from "../check/check.js";
import { decodeCheckReply, encodeCheckJob } from "../check/wire.js";
import { childCommand, supportsFeature } from "../engines/command.js";
import type { ResolvedEngine } from "../engines/resolve.js";
import type { ChildCommand } from "../model/engines.js";
import { packageRoot } from "../paths.js";
import type { Spec } from "../spec/types.js";
import { defaultGuard, launch } from "../run/launcher.js";
import { MARK } from "../run/protocol.js";

/** The compiled child entry (the CLI and tests run from dist/, like the run's child). */
export const CHECK_PROCESS_ENTRY = join(packageRoot, "dist", "src", "lab", "check-process.js");

const KIND_NAMES = { node: "Node", deno: "Deno", bun: "Bun" } as const;

/** `Node 24.22.3 (V8 13.6.233.17-node.63)`: an engine in a skip note. */
export const engineWords = (engine: Pick<ResolvedEngine, "kind" | "version" | "vm">): string => `${KIND_NAMES[engine.kind]} ${engine.version} (${engine.vm})`;

/** The results of the modules one process got through: all of them, or up to and including the one that timed out or crashed it. */
function checkSome(
  engine: ResolvedEngine,
  command: ChildCommand,
  spec: Spec,
  modules: CheckableModule[],
  cases: readonly Case[],
  timeoutMs: number,
): Promise<StrategyCheck[]> {
  return new Promise((resolve) => {
    const child = launch(command, CHECK_PROCESS_ENTRY, defaultGuard());
    const checks = collectChecks(
      { modules, cases },
      timeoutMs,
      () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      },
      resolve,
    );
    const finish = checks.finish;
    // The engine's own words (stderr, and stdout lines that are not ours): the tail of a crash's reason.
    let said = "";
    const keep = (text: string) => (said = (said + text).slice(-2000));
    const tail = () => {
      const last = said.trim().split("\n").slice(-3).join(" | ");
      return last ? `: ${last}` : "";
    };
    child.stderr!.on("data", (d: Buffer) => keep(d.toString()));
    createInterface({ input: child.stdout!, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
      if (!line.startsWith(MARK)) return void keep(`${line}\n`);
      let reply: ReturnType<typeof decodeCheckReply>;
      try {
        reply = decodeCheckReply(line.slice(MARK.length));
      } catch (e) {
        return finish(`protocol error from ${engine.ref.name}: ${(e as Error).message}`);
      }
      if (reply.type === "error") return finish(`the check crashed: ${reply.message}`);
      checks.add(reply.result);
    });
    child.stdin!.on("error", () => {}); // EPIPE from a child that died: its close event says why
    child.on("error", (e) => finish(`${engine.ref.name} could not be started (${command.binary}): ${e.message}`));
    // `close`, not `exit`: every line the child wrote has been read by then.
    child.on("close", (code, signal) =>
      finish(`the check's ${engine.ref.name} process ${signal ? `was killed by ${signal}` : `exited with code ${code}`} before its last result${tail()}`),
    );
    for (const line of encodeCheckJob({ spec, modules, cases })) child.stdin!.write(`${line}\n`);
    child.stdin!.end();
  });
}

/**
 * Every module checked under `engine`, in order, each within `timeoutMs`
 * (as checkInWorkers: one process takes them in turn; after a timeout or
 * crash, the rest get a process each, at once). Modules the engine cannot
 * run are skipped, with the reason.
 */
export async function checkInProcess(
  engine: ResolvedEngine,
  spec: Spec,
  modules: readonly CheckableModule[],
  cases: readonly Case[],
  timeoutMs: number,
): Promise<StrategyCheck[]> {
  const words = engineWords(engine);
  const skipped = modules.map((m) => skipUnsupportedOn(m, words, (feature) => supportsFeature(engine, feature)));
  const { command } = childCommand(engine, "tiered", "engine");
  const runnable = modules.filter((_, i) => !skipped[i]);
  const checked = await inTurnThenEach(runnable, (some) => checkSome(engine, command, spec, some, cases, timeoutMs));
  let next = 0;
  return skipped.map((s) => s ?? checked[next++]!);
}
