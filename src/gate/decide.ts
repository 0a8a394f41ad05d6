/**
 * The gate's decision (pure): a comparison against a baseline and/or
 * within-run assertions -> one outcome and its documented exit code.
 * A regressed cell or a failed assertion fails the build; a baseline that
 * cannot be compared is said so (4) rather than passed; a change the data
 * cannot place on either side of the threshold is inconclusive (3), never
 * silently a pass.
 */
import { ExitCode } from "../errors.js";
import type { AssertionResult } from "./assert.js";
import type { Comparison } from "./compare.js";
import { isCountMetric } from "./counts.js";

/** `incomplete`: nothing regressed, but the current results lack a baseline cell (--require-all). */
export type Outcome = "pass" | "regression" | "incomplete" | "inconclusive" | "incomparable";

/** docs/ci.md: 0 pass, 1 regression, 2 usage or input error (the CLI's), 3 inconclusive, 4 incomparable. */
export const OUTCOME_EXIT: Readonly<Record<Outcome, number>> = {
  pass: ExitCode.ok,
  regression: ExitCode.found,
  incomplete: ExitCode.found,
  inconclusive: ExitCode.inconclusive,
  incomparable: ExitCode.incomparable,
};

export interface GateResult {
  comparison: Comparison | null;
  assertions: AssertionResult[];
  outcome: Outcome;
  /** One line per thing that decided the outcome. */
  reasons: string[];
  /** Baseline cells the current results lack, when --require-all made them count (labels as in Comparison.unmatched). */
  missing: string[];
}

/** How a cell that could not be compared reads in every output. */
export const skippedLine = (s: Comparison["skipped"][number]): string => `inconclusive: ${s.cell}: ${s.reason}`;

/**
 * `requireAll`: a baseline cell the current results lack (not measured, or
 * with no samples) fails the gate like a regression; without it such cells
 * are listed by name but do not decide.
 */
export function decide(comparison: Comparison | null, assertions: AssertionResult[], o: { requireAll?: boolean } = {}): GateResult {
  const cells = comparison?.cells ?? [];
  const missingCells = o.requireAll ? (comparison?.unmatched.base ?? []) : [];
  const missing = missingCells.map((c) => `missing: ${c} (in the baseline, not measured in the current results; --require-all)`);
  const regressed = [
    ...cells.filter((c) => c.verdict === "regressed").map((c) => `regressed: ${c.spec} ${c.strategy} @ ${c.workload}`),
    ...assertions.filter((a) => a.verdict === "fail").map((a) => `failed: ${a.message}`),
  ];
  const incomparable = comparison?.incomparable ?? [];
  const inconclusive = [
    ...cells.filter((c) => c.verdict === "inconclusive").map((c) => `inconclusive: ${c.spec} ${c.strategy} @ ${c.workload}`),
    ...(comparison?.skipped ?? []).map(skippedLine),
    ...assertions.filter((a) => a.verdict === "inconclusive").map((a) => `inconclusive: ${a.message}`),
  ];
  const outcome: Outcome = regressed.length
    ? "regression"
    : missing.length
      ? "incomplete"
      : incomparable.length
        ? "incomparable"
        : inconclusive.length
          ? "inconclusive"
          : "pass";
  // On counts a pair can be incomparable (another valgrind, engine build, flags) beside cells that compared: it is said whatever decides.
  const refused = isCountMetric(comparison?.options.metric) ? incomparable : [];
  const reasons = { regression: [...regressed, ...missing, ...refused], incomplete: [...missing, ...refused], incomparable, inconclusive, pass: [] }[outcome];
  return { comparison, assertions, outcome, reasons, missing: missingCells };
}
