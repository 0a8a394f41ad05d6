/**
 * Ctrl-C during a measurement: stop after the current sample and keep what
 * was measured (the caller polls `interrupted`); the handler is removed when
 * the work ends, so a second Ctrl-C afterwards behaves as usual.
 */
import type { Io } from "./command.js";

export async function interruptible<T>(io: Io, message: string, work: (interrupted: () => boolean) => Promise<T>): Promise<{ value: T; interrupted: boolean }> {
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    io.err(`\n[dispatch-lab] interrupted: ${message}`);
  };
  process.once("SIGINT", onSigint);
  try {
    const value = await work(() => interrupted);
    return { value, interrupted };
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}
