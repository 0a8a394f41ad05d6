/**
 * Typed errors. Every failure a user can cause is a LabError with a stable
 * code, an optional location (a JSON path, a file:line, an option name) and
 * a fix. The CLI boundary (src/cli/main.ts) is the only place that catches
 * them and maps them to exit codes; library code never calls process.exit.
 */
import { escapeTerminal, escapeTerminalLines } from "./text/escape.js";

/** Documented exit codes (docs/cli.md). */
export const ExitCode = {
  ok: 0,
  /** The command ran and found a problem: a check mismatch, a lint error. */
  found: 1,
  /** Usage or input error: bad option, bad spec, unreadable file. */
  usage: 2,
  /** `run`: some cells failed (crashed, trapped, timed out); the others were measured and written. */
  cellsFailed: 1,
  /** `gate`: the data cannot decide at this threshold (a CI straddles it). */
  inconclusive: 3,
  /** `gate`, `compare`: the baseline is of another machine or spec. */
  incomparable: 4,
  /** A bug in dispatch-lab itself (an emitted module failed validation or its audit). */
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | "usage" // a bad command line
  | "spec-invalid" // a spec that does not validate (one problem per issue)
  | "spec-not-found" // a spec argument that is neither a file nor a built-in
  | "bodies-invalid" // a --bodies file that does not compile or breaks the body contract
  | "io" // a file that cannot be read or written
  | "results-invalid" // a results file that is missing, corrupt or of another schema or run
  | "emit-invalid" // binaryen rejected a module we emitted (our bug)
  | "audit-failed"; // an emitted module is not the strategy it claims (our bug)

/** One problem, located. `path` is a JSON path (`handlers[3].id`), a file:line, or an option. */
export interface Problem {
  path: string;
  message: string;
}

export class LabError extends Error {
  readonly code: ErrorCode;
  readonly problems: readonly Problem[];
  readonly fix: string | undefined;

  constructor(code: ErrorCode, problems: readonly Problem[] | string, fix?: string) {
    const list = typeof problems === "string" ? [{ path: "", message: problems }] : problems;
    super(formatProblems(list));
    this.name = "LabError";
    this.code = code;
    this.problems = list;
    this.fix = fix === undefined ? undefined : escapeTerminalLines(fix);
  }

  get exitCode(): ExitCode {
    return this.code === "emit-invalid" || this.code === "audit-failed" ? ExitCode.internal : ExitCode.usage;
  }
}

/**
 * One problem as the terminal shows it. Paths and messages quote untrusted
 * text (spec and trace names, file contents), so control characters are
 * shown as escapes, never sent to the tty; a message keeps its newlines (a
 * compiler's output), a path is one line.
 */
export function formatProblem(p: Problem): string {
  const message = escapeTerminalLines(p.message);
  return p.path ? `${escapeTerminal(p.path)}: ${message}` : message;
}

/** How many problems an error prints; `problems` keeps them all (JSON, workers). Like trace errors, a long list is cut. */
export const MAX_PRINTED_PROBLEMS = 20;

/** The problems, one per line, the first MAX_PRINTED_PROBLEMS then "... and N more problems". */
function formatProblems(list: readonly Problem[]): string {
  const lines = list.slice(0, MAX_PRINTED_PROBLEMS).map(formatProblem);
  const rest = list.length - MAX_PRINTED_PROBLEMS;
  if (rest > 0) lines.push(`... and ${rest} more problem${rest === 1 ? "" : "s"}`);
  return lines.join("\n");
}

export const usageError = (message: string, fix?: string): LabError => new LabError("usage", message, fix);
