/**
 * The CLI two ways. `cli` calls `main(argv, io)` in this process, its output
 * captured as the bin writes it (escaped for the terminal, a newline per
 * write): no Node start and binaryen load per call, so usage, bad-input and
 * exit-code tests run in-process. `spawnCli` runs the built bin, for what
 * only a process shows (the bin itself, signals, a lock held by another
 * pid): keep it to one happy path per command.
 *
 * In-process, the state a command touches is process-wide, so each call
 * restores it: the environment (overrides given per call), process.exitCode,
 * and writes made straight to process.stdout/stderr (progress lines, which
 * join `err`); a SIGINT listener left behind fails the call.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { main } from "../src/cli/main.js";
import { escapeTerminalOutput } from "../src/text/escape.js";

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

type Env = Record<string, string | undefined>;

export const BIN = join(import.meta.dirname, "..", "dist", "src", "cli", "main.js");

/** Sets `env` (undefined unsets); returns what puts the old values back. */
function withEnv(env: Env): () => void {
  const saved = Object.keys(env).map((name) => [name, process.env[name]] as const);
  const set = (name: string, value: string | undefined) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  for (const [name, value] of Object.entries(env)) set(name, value);
  return () => saved.forEach(([name, value]) => set(name, value));
}

/** Sends what `stream` is written to into `lines`; returns what undoes it. */
function capture(stream: NodeJS.WriteStream, lines: string[]): () => void {
  const write = stream.write;
  stream.write = ((chunk: string | Uint8Array) =>
    lines.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8")) > 0) as typeof stream.write;
  return () => {
    stream.write = write;
  };
}

/** `dispatch-lab ...argv` in-process. */
export async function cli(argv: string[], env: Env = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const line = (to: string[]) => (text: string) => void to.push(`${escapeTerminalOutput(text)}\n`);
  const exitCode = process.exitCode;
  const sigint = process.listenerCount("SIGINT");
  const undo = [withEnv(env), capture(process.stdout, out), capture(process.stderr, err)];
  let code: number;
  try {
    code = await main(argv, { out: line(out), err: line(err) });
  } finally {
    undo.reverse().forEach((f) => f());
    process.exitCode = exitCode;
  }
  if (process.listenerCount("SIGINT") !== sigint) throw new Error(`dispatch-lab ${argv.join(" ")} left a SIGINT listener behind`);
  return { code, out: out.join(""), err: err.join("") };
}

/** `dispatch-lab ...argv` as a user runs it: the built bin in a process of its own. */
export function spawnCli(argv: string[], env: Env = {}, timeoutMs = 120_000): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: "utf8", timeout: timeoutMs, env: { ...process.env, CI: "true", ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
