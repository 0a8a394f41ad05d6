/**
 * Run a native build's `main` (lower-c.ts harness.c): its check mode (one
 * dispatch per case) and its run mode (the harness's checksum over a stream).
 */
import { spawn } from "node:child_process";

/** Run `binary args` with `input` on stdin; resolves with stdout, rejects with a reason (exit status, signal, stderr). */
function pipe(binary: string, args: readonly string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) return resolve(Buffer.concat(out).toString("utf8"));
      const why = signal ? `killed by ${signal}` : `exit status ${code}`;
      const stderr = Buffer.concat(err).toString("utf8").trim();
      reject(new Error(`${binary} ${why}${stderr ? `: ${stderr.split("\n").slice(0, 5).join("\n")}` : ""}`));
    });
    child.stdin.on("error", () => {}); // a binary that dies early: its exit status says why
    child.stdin.end(input);
  });
}

export interface NativeCase {
  op: number;
  args: readonly bigint[];
}

/** dispatch(op, args...) for every case, in order, by the binary's check mode. */
export async function nativeDispatch(binary: string, cases: readonly NativeCase[]): Promise<bigint[]> {
  const input = cases.map((c) => [c.op, ...c.args].join(" ")).join("\n");
  const lines = (await pipe(binary, [], `${input}\n`)).split("\n").filter((l) => l !== "");
  if (lines.length !== cases.length) throw new Error(`${binary} answered ${lines.length} of ${cases.length} cases`);
  return lines.map((l) => BigInt(l));
}

/**
 * The harness's sum over `stream`, `reps` times, by the binary's run mode:
 * run(stream, count, reps, base) with `base` the address the wasm module gives
 * the stream (its stream_base), so it equals the wasm `run(base, count, reps)`.
 */
export async function nativeChecksum(binary: string, stream: ArrayLike<number>, reps: number, base: number): Promise<bigint> {
  const out = await pipe(binary, ["run", String(base), String(reps)], `${Array.from(stream).join("\n")}\n`);
  return BigInt(out.trim());
}
