/**
 * Typed errors. Every failure a user can cause is a LabError with a stable
 * code, an optional location (a JSON path, a file:line, an option name) and
 * a fix. The CLI boundary (src/cli/main.ts) is the only place that catches
 * them and maps them to exit codes; library code never calls process.exit.
 */
import { escapeTerminal, escapeTerminalLines } from "./text/escape.js";

/**
 * The exit codes, one table: the main help, each command's exit sentence and
 * docs/cli.md's table are generated from it (src/cli/exits.ts). A code comes
 * from `every` command or only from those in `commands`, which also says what
 * it means there (else `brief`).
 */
export const EXIT_CODES = [
  {
    code: 0,
    name: "ok",
    brief: "ok",
    meaning: "success",
    every: true,
    commands: {
      run: "every cell was measured",
      sweep: "every cell was measured",
      battery: "every cell was measured (save and doc: written)",
      compare: "compared",
      gate: "pass",
      check: "every strategy dispatches identically",
      lint: "clean, or only notes and warnings",
    },
  },
  {
    code: 1,
    name: "found",
    brief: "the command found a problem (a check mismatch, failed cells in a run or sweep, a lint error, a gate regression)",
    meaning:
      "the command ran and found a problem: a check mismatch or a strategy whose check trapped, grew memory or timed out; a lint error; a gate regression, failed assertion or (--require-all) missing cell; in run or sweep, some cells failed (crashed, trapped or timed out: each is recorded with its reason, the other cells were measured and written)",
    commands: {
      run: "some cells failed (crashed, trapped, timed out: recorded with their reason)",
      sweep: "some cells failed (recorded with their reason)",
      battery: "some cells failed (recorded with their reason)",
      gate: "a regression, a failed assertion, or (--require-all) a missing cell",
      check: "a mismatch or a failed strategy (the first few are named)",
      lint: "errors",
    },
  },
  {
    code: 2,
    name: "usage",
    brief: "usage or input error",
    every: true,
    meaning:
      "usage or input error: unknown command or option, bad spec (one line per problem with its JSON path), unknown strategy, workload, tier or command (the nearest valid name suggested, the valid ones listed), an empty list or a name given twice, --samples, --processes or --time-budget of 0, missing file, a --bodies file that does not compile or breaks the body contract, an output that cannot be written. Nothing is written.",
  },
  {
    code: 3,
    name: "inconclusive",
    brief: "a gate that cannot decide (inconclusive)",
    meaning: "inconclusive: a CI straddles the threshold or an assertion's bound, or a cell has fewer than 6 rounds (docs/measurement.md)",
    commands: { gate: "inconclusive (a CI straddles the threshold, or a cell has fewer than 6 rounds: more samples or --confirm decide)" },
  },
  {
    code: 4,
    name: "incomparable",
    brief: "incomparable results (another machine, engine or spec)",
    meaning:
      "incomparable: the baseline is of another machine or engine (absolute ns are never compared across machines without --cross-machine, nor across engines without --cross-engine) or another spec",
    commands: {
      gate: "incomparable (the baseline is of another machine, engine or spec)",
      compare: "nothing is comparable (machine, engine or spec mismatch)",
    },
  },
  {
    code: 70,
    name: "internal",
    brief: "internal error (a dispatch-lab bug)",
    every: true,
    meaning: "internal error: a dispatch-lab bug (a module binaryen rejects, an audit violation, an unexpected exception; only these print a stack trace)",
  },
  {
    code: 130,
    name: "interrupted",
    brief: "a run or sweep interrupted (results kept: run --resume)",
    meaning:
      "interrupted (Ctrl-C, at any moment, including while it starts or emits its modules): it stopped after the current sample and kept the results; run --resume continues",
    commands: {
      run: "interrupted (the results so far are kept: --resume continues)",
      sweep: "interrupted (the points so far are kept)",
      battery: "interrupted (the battery so far is kept: --resume continues)",
    },
  },
] as const satisfies readonly ExitCodeEntry[];

/** One exit code: `brief` for the main help, `meaning` for docs/cli.md, `commands` for each command's help. */
export interface ExitCodeEntry {
  code: number;
  name: string;
  brief: string;
  meaning: string;
  every?: true;
  commands?: Readonly<Record<string, string>>;
}

type ExitCodeTable = { readonly [E in (typeof EXIT_CODES)[number] as E["name"]]: E["code"] };

/** The codes by name (`ExitCode.usage` is 2). `cellsFailed` is `found` as run and sweep say it. */
export const ExitCode: ExitCodeTable & { readonly cellsFailed: 1 } = {
  ...(Object.fromEntries(EXIT_CODES.map((e) => [e.name, e.code])) as ExitCodeTable),
  cellsFailed: 1,
};
export type ExitCode = (typeof EXIT_CODES)[number]["code"];

export type ErrorCode =
  | "usage" // a bad command line
  | "spec-invalid" // a spec that does not validate (one problem per issue)
  | "spec-not-found" // a spec argument that is neither a file nor a built-in
  | "bodies-invalid" // a --bodies file that does not compile or breaks the body contract
  | "io" // a file that cannot be read or written
  | "results-invalid" // a results file that is missing, corrupt or of another schema or run
  | "emit-invalid" // binaryen rejected a module we emitted (our bug)
  | "audit-failed" // an emitted module is not the strategy it claims (our bug)
  | "engine-missing" // an engine named in --engines that is not installed
  | "engine-install" // an engine that cannot be installed (offline, no package for this platform)
  | "engine-inlining"; // an engine that inlines despite --inlining off, or whose inlining cannot be read

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
