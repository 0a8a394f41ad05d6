/**
 * The parent's handle on a child process (one cell's, or a group's): fork
 * with the tier's V8 flags, pin, init each cell, then one sample per
 * request. A crash, a trap or a timeout rejects with a reason; the runner
 * records it as the cell's failure.
 */
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { packageRoot } from "../paths.js";
import { pin, type Pinning } from "./pin.js";
import type { FromChild, InitMessage, Ready, SampleReply, SampleRequest } from "./protocol.js";

/** The compiled child entry; tests and the CLI both run it from dist/ (npm test builds first). */
export const CHILD_ENTRY = join(packageRoot, "dist", "src", "run", "child.js");

/**
 * `fatal`: the process is gone or hung (every cell in it is lost); a trap or
 * an error reported by the child fails only the cell that asked.
 */
export class CellFailure extends Error {
  constructor(
    readonly reason: string,
    readonly fatal = true,
  ) {
    super(reason);
  }
}

export class CellProcess {
  private readonly child: ChildProcess;
  private pending: { resolve: (m: FromChild) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  private stderr = "";
  private exited: string | undefined;
  readonly pinning: Pinning;

  constructor(execArgv: readonly string[], cpu: number, entry = CHILD_ENTRY) {
    // detached: a terminal's Ctrl-C goes to the runner alone, which stops cleanly and ends the
    // children itself; a child whose runner dies exits when the IPC channel closes.
    this.child = fork(entry, [], { execArgv: [...execArgv], serialization: "advanced", stdio: ["ignore", "ignore", "pipe", "ipc"], detached: true });
    this.pinning = pin(this.child.pid!, cpu);
    this.child.stderr!.on("data", (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    this.child.on("message", (m: FromChild) => this.settle((p) => p.resolve(m)));
    // Sending to a child that already died fails with EPIPE: its exit event follows and says why.
    this.child.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE" && e.code !== "ERR_IPC_CHANNEL_CLOSED") this.settle((p) => p.reject(new CellFailure(`child process error: ${e.message}`)));
    });
    this.child.on("exit", (code, signal) => {
      this.exited = signal ? `killed by ${signal}` : `exited with code ${code}`;
      const tail = this.stderr.trim().split("\n").slice(-3).join(" | ");
      this.settle((p) => p.reject(new CellFailure(`child ${this.exited}${tail ? `: ${tail}` : ""}`)));
    });
  }

  private settle(action: (p: NonNullable<CellProcess["pending"]>) => void): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    action(p);
  }

  private request(message: InitMessage | SampleRequest, timeoutMs: number): Promise<FromChild> {
    if (this.exited) return Promise.reject(new CellFailure(`child ${this.exited}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle((p) => p.reject(new CellFailure(`timed out after ${(timeoutMs / 1000).toFixed(1)} s`)));
        this.kill();
      }, timeoutMs);
      this.pending = { resolve, reject, timer };
      this.child.send(message);
    });
  }

  async init(message: InitMessage, timeoutMs: number): Promise<Ready> {
    return expect(await this.request(message, timeoutMs), "ready");
  }

  async sample(cell: string, round: number, timeoutMs: number): Promise<SampleReply> {
    return expect(await this.request({ type: "sample", cell, round }, timeoutMs), "sample");
  }

  kill(): void {
    if (!this.exited) this.child.kill("SIGKILL");
  }
}

function expect<T extends FromChild["type"]>(m: FromChild, type: T): Extract<FromChild, { type: T }> {
  if (m.type === "error") throw new CellFailure(`${m.phase} failed: ${m.message}`, false);
  if (m.type !== type) throw new CellFailure(`protocol error: expected ${type}, got ${m.type}`);
  return m as Extract<FromChild, { type: T }>;
}
