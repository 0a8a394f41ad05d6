/**
 * The parent's handle on a child process (one cell's, or a group's): start
 * it with the tier's V8 flags under an orphan guard (launcher.ts), pin, init
 * each cell, then one sample per request. A crash, a trap or a timeout
 * rejects with a reason; the runner records it as the cell's failure.
 */
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { ChildCommand } from "../model/engines.js";
import { packageRoot } from "../paths.js";
import { defaultGuard, launch } from "./launcher.js";
import type { OrphanGuard } from "../model/cells.js";
import { checkPinned, pinAll } from "./pin.js";
import type { Pinning } from "../model/cells.js";
import { decodeFromChild, encodeToChild, type FromChild, type InitMessage, type Ready, type SampleReply, type SampleRequest } from "./protocol.js";

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

/** How long each phase of a cell's init may take. */
export interface InitTimeouts {
  /** Compiling the module and placing the stream. */
  loadMs: number;
  /** Calibrating, warming up and the first checksum: a few samples' worth. */
  calibrateMs: number;
}

type Pending = { resolve: (m: FromChild) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class CellProcess {
  private readonly child: ChildProcess;
  private pending: Pending | undefined;
  /** Messages that arrived while nothing waited (init's "loaded" and "ready" may come in one read). */
  private readonly inbox: FromChild[] = [];
  private stderr = "";
  private exited: string | undefined;
  /** The CPU it was launched on (pin.ts onCpu), and where it is pinned once checked or moved. */
  private readonly launchedOn: number;
  private pinnedTo: Pinning | undefined;
  /** When the process was started (ms since the epoch). */
  readonly startedAt = Date.now();

  constructor(
    command: ChildCommand,
    cpu: number,
    entry = CHILD_ENTRY,
    readonly guard: OrphanGuard = defaultGuard(),
  ) {
    this.child = launch(command, entry, guard, cpu);
    this.launchedOn = cpu;
    const keep = (text: string) => (this.stderr = (this.stderr + text).slice(-2000));
    this.child.stderr!.on("data", (d: Buffer) => keep(d.toString()));
    // Lines that are not messages are the engine's own words: kept with stderr, for a failure's reason.
    createInterface({ input: this.child.stdout!, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
      const m = decodeFromChild(line);
      if (!m) keep(`${line}\n`);
      else if (this.pending) this.settle((p) => p.resolve(m));
      else this.inbox.push(m);
    });
    this.child.stdin!.on("error", () => {}); // EPIPE from a child that died: its exit event says why
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

  /** Where the process is pinned (pin.ts: verified in /proc once it has loaded a module, or why not). */
  get pinning(): Pinning {
    return this.pinnedTo ?? { cpu: this.launchedOn, pinned: false, note: "not checked: the process has not loaded a module yet" };
  }

  /** Pin processes, every thread of each, to another CPU (staged processes moving to the measuring CPU), with one taskset shell. */
  static moveAll(procs: readonly CellProcess[], cpu: number): void {
    const pinnings = pinAll(
      procs.map((p) => p.pid),
      cpu,
    );
    procs.forEach((p, i) => {
      p.pinnedTo = pinnings[i]!;
    });
  }

  /** The child's process id (setpriv execs node in place: the same process). */
  get pid(): number {
    return this.child.pid!;
  }

  private settle(action: (p: Pending) => void): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    action(p);
  }

  /** The next message from the child; `doing` names the phase in a timeout's reason. */
  private next(timeoutMs: number, doing: string): Promise<FromChild> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (this.exited) return Promise.reject(new CellFailure(`child ${this.exited}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle((p) => p.reject(new CellFailure(`timed out after ${(timeoutMs / 1000).toFixed(1)} s ${doing}`)));
        this.kill();
      }, timeoutMs);
      this.pending = { resolve, reject, timer };
    });
  }

  private request(message: InitMessage | SampleRequest, timeoutMs: number, doing: string): Promise<FromChild> {
    const reply = this.next(timeoutMs, doing);
    if (!this.exited) this.child.stdin!.write(`${encodeToChild(message)}\n`);
    return reply;
  }

  async init(message: InitMessage, timeouts: InitTimeouts): Promise<Ready> {
    expect(await this.request(message, timeouts.loadMs, "loading the module"), "loaded");
    // The engine runs the child's code now, so taskset has set the affinity it was launched with.
    this.pinnedTo ??= checkPinned(this.pid, this.launchedOn);
    return expect(await this.next(timeouts.calibrateMs, "calibrating (a call of run that never returns?)"), "ready");
  }

  async sample(cell: string, round: number, timeoutMs: number): Promise<SampleReply> {
    return expect(await this.request({ type: "sample", cell, round }, timeoutMs, "sampling"), "sample");
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
