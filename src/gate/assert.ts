/**
 * `gate --assert`: a CI gate on a ratio inside one run, no baseline needed
 * (CI runners differ from run to run; two strategies measured in the same
 * rounds on the same runner do not). `xen <= 1.05 * table @ xen:pv-guest-build`
 * holds when the whole 95% CI of gross(xen) / gross(table) is at most 1.05.
 */
import { LabError } from "../errors.js";
import { didYouMean, nearest } from "../suggest.js";
import { compareCells, sharedRoundCount } from "../results/summarize.js";
import { tooFewRounds } from "../stats/rounds.js";
import { enginesOf, type CellRecord, type Dataset, type RunRecord } from "../model/results.js";
import { engineOf } from "../model/cells.js";
import { TIERS } from "../model/tiers.js";
import { ratioOfMedians } from "../stats/medians.js";

export type Op = "<=" | "<" | ">=" | ">";
export type Verdict = "pass" | "fail" | "inconclusive";

export interface Assertion {
  text: string;
  lhs: string;
  op: Op;
  factor: number;
  rhs: string;
  /** A workload name, or "*": every workload of the run. */
  workload: string;
  /** undefined: the run's first tier. */
  tier: string | undefined;
}

/** One evaluation of an assertion: on one run, one workload and tier. */
export interface AssertionResult extends Omit<Assertion, "tier"> {
  tier: string;
  /** gross(lhs) / gross(rhs) in the same run, paired by round, with its 95% CI */
  ratio: { value: number; ciLow: number; ciHigh: number };
  /** pass: the whole CI satisfies `ratio OP factor`; fail: the whole CI violates it; inconclusive: the CI straddles the factor */
  verdict: Verdict;
  /** one readable line with the numbers, e.g. `xen <= 1.05 x table @ xen:pv-guest-build: 0.79x [0.76, 0.83]: pass` */
  message: string;
  /** which run of the dataset (index) and its machine id */
  run: number;
  machineId: string;
  /** the engine both cells ran in (`node`, `node@24`): an assertion holds per engine, like per run */
  engine: string;
}

const OPS: readonly string[] = ["<=", "<", ">=", ">"];
const TIER_NAMES = Object.keys(TIERS);
const STRATEGY = /^[A-Za-z0-9_+:-]+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
export const ASSERT_GRAMMAR = "LHS OP [FACTOR *] RHS [* FACTOR] @ WORKLOAD [/ TIER]";
const PARSE_FIX =
  `write ${ASSERT_GRAMMAR}: OP one of <= < >= >, FACTOR a positive decimal (default 1), WORKLOAD a name or * (every workload), ` +
  `TIER one of ${TIER_NAMES.join(", ")} (default: the run's first); e.g. --assert "xen <= 1.05 * table @ xen:pv-guest-build"`;

const assertError = (text: string, message: string, fix: string) => new LabError("usage", [{ path: "--assert", message: `"${text}": ${message}` }], fix);

/** Parse one `--assert` expression; every mistake is a LabError "usage" at path --assert naming the faulty part. */
export function parseAssertion(text: string): Assertion {
  const fail = (message: string) => assertError(text, message, PARSE_FIX);
  const at = text.indexOf("@");
  if (at < 0) throw fail(`missing "@ WORKLOAD" (the workload the ratio is taken on, or * for every workload)`);
  const { lhs, op, rest } = parseComparison(text.slice(0, at), fail);
  const { factor, rhs } = parseRight(rest, op, fail);
  return { text, lhs, op, factor, rhs, ...parseWhere(text.slice(at + 1), fail) };
}

type Fail = (message: string) => LabError;

/** `LHS OP rest`: the operator is the first run of < > = ! characters (spaces inside it ignored). */
function parseComparison(left: string, fail: Fail): { lhs: string; op: Op; rest: string } {
  const m = /[<>=!](\s*[<>=!])*/.exec(left);
  if (!m) throw fail(`missing the operator (<=, <, >= or >) between the two strategies`);
  const lhs = left.slice(0, m.index).trim();
  const op = m[0].replace(/\s+/g, "");
  if (!lhs) throw fail(`missing the left-hand strategy before "${op}"`);
  if (!STRATEGY.test(lhs)) throw fail(badName(lhs));
  if (!OPS.includes(op)) throw fail(`unknown operator "${op}": use <=, <, >= or >`);
  return { lhs, op: op as Op, rest: left.slice(m.index + m[0].length) };
}

const badName = (name: string) => `bad strategy name "${name}": letters, digits and _ - + : only`;

/** `[FACTOR *] RHS [* FACTOR]`: the factor is the side of "*" that is a decimal. */
function parseRight(rest: string, op: Op, fail: Fail): { factor: number; rhs: string } {
  const parts = rest.split("*").map((p) => p.trim());
  if (parts.length > 2) throw fail(`more than one "*" in "${rest.trim()}": write FACTOR * RHS or RHS * FACTOR`);
  if (parts.some((p) => !p)) throw fail(`missing the right-hand strategy after "${op}"`);
  if (parts.length === 1) {
    if (DECIMAL.test(parts[0]!) && !STRATEGY.test(parts[0]!)) throw fail(`missing the right-hand strategy: "${parts[0]}" is a factor; write ${parts[0]} * RHS`);
    if (!STRATEGY.test(parts[0]!)) throw fail(badName(parts[0]!));
    return { factor: 1, rhs: parts[0]! };
  }
  const [a, b] = parts as [string, string];
  const [f, rhs] = DECIMAL.test(a) ? [a, b] : DECIMAL.test(b) ? [b, a] : [undefined, undefined];
  if (f === undefined || rhs === undefined) throw fail(`no factor in "${a} * ${b}": one side of "*" must be a positive decimal, such as 1.05`);
  const factor = Number(f);
  if (!(factor > 0) || !Number.isFinite(factor)) throw fail(`factor "${f}" is not positive: a factor is a decimal greater than 0, such as 1.05`);
  if (!STRATEGY.test(rhs)) throw fail(badName(rhs));
  return { factor, rhs };
}

/** `WORKLOAD [/ TIER]`: the last "/" starts the tier (workload names have none). */
function parseWhere(where: string, fail: Fail): { workload: string; tier: string | undefined } {
  const slash = where.lastIndexOf("/");
  const workload = (slash < 0 ? where : where.slice(0, slash)).trim();
  const tier = slash < 0 ? undefined : where.slice(slash + 1).trim();
  if (!workload) throw fail(`empty workload after "@": name one, or * for every workload`);
  if (tier === "") throw fail(`missing tier after "/": ${TIER_NAMES.join(", ")}`);
  if (tier !== undefined && !TIER_NAMES.includes(tier)) throw fail(`unknown tier "${tier}" after "/": ${TIER_NAMES.join(", ")}`);
  return { workload, tier };
}

/**
 * Pure: whether a ratio CI satisfies `ratio OP factor` throughout (pass),
 * violates it throughout (fail), or straddles the factor. A NaN bound
 * (a resample with a zero median) makes every comparison false: inconclusive.
 */
export function verdictOf(op: Op, factor: number, ci: { ciLow: number; ciHigh: number }): Verdict {
  const { ciLow: lo, ciHigh: hi } = ci;
  const [pass, fail] =
    op === "<="
      ? [hi <= factor, lo > factor]
      : op === "<"
        ? [hi < factor, lo >= factor]
        : op === ">="
          ? [lo >= factor, hi < factor]
          : [lo > factor, hi <= factor];
  return pass ? "pass" : fail ? "fail" : "inconclusive";
}

const uniq = (xs: readonly string[]) => [...new Set(xs)];
/** A ratio or its bound as assertion messages write it: two decimals, or two significant digits below 0.1. */
export const formatRatio = (x: number) => (Math.abs(x) >= 0.1 || x === 0 || !Number.isFinite(x) ? x.toFixed(2) : x.toPrecision(2));

/**
 * Evaluate on every run of the dataset that measured the workload at the
 * tier (a merged dataset has several machines: one result per run, and per
 * workload for `@ *`). Strategies, workloads and tiers no run measured, and
 * cells without samples, are LabError "usage" at --assert.
 * seed: the bootstrap seed; by default the one summarizeCells used for the
 * lhs cell, so a ratio against the run's reference reproduces its summary.
 */
export function evaluateAssertion(a: Assertion, d: Dataset, seed?: number): AssertionResult[] {
  checkNames(a, d);
  const targets = d.runs.flatMap((run, i) => targetsOf(a, run).map((t) => ({ run, i, ...t })));
  if (targets.length === 0) throw tierError(a, d);
  return targets.map(({ run, i, workload, tier, engine }) => {
    const [x, y] = [a.lhs, a.rhs].map((s) => measuredCell(a, run, i, s, workload, tier, engine)) as [CellRecord, CellRecord];
    const r = compareCells(x, y, ratioOfMedians, seed ?? run.config.seed * 7919 + run.cells.indexOf(x));
    const ratio = { value: r.ratio, ciLow: r.ciLow, ciHigh: r.ciHigh };
    // An interval from too few rounds is no interval: the assertion cannot be decided on it.
    const few = tooFewRounds(sharedRoundCount(x.samples, y.samples), `shared by ${a.lhs} and ${a.rhs}`);
    const verdict = few ? "inconclusive" : verdictOf(a.op, a.factor, ratio);
    const scaled = a.factor === 1 ? "" : `${a.factor} x `;
    const within = enginesOf(run.config).length > 1 ? ` in ${engine}` : "";
    const where = `${a.tier === undefined ? workload : `${workload} / ${tier}`}${within}`;
    const interval = few ? "" : ` [${formatRatio(ratio.ciLow)}, ${formatRatio(ratio.ciHigh)}]`; // from too few rounds an interval is not one
    const message = `${a.lhs} ${a.op} ${scaled}${a.rhs} @ ${where}: ${formatRatio(ratio.value)}x${interval}: ${verdict}${few ? ` (${few})` : ""}`;
    return {
      text: a.text,
      lhs: a.lhs,
      op: a.op,
      factor: a.factor,
      rhs: a.rhs,
      workload,
      tier,
      ratio,
      verdict,
      message,
      run: i,
      machineId: run.fingerprint.machineId,
      engine,
    };
  });
}

const EVAL_FIX = "assert on strategies, workloads and tiers the results hold";

/** Strategies and the workload must exist in some run; the lists name what does. */
function checkNames(a: Assertion, d: Dataset): void {
  const cells = d.runs.flatMap((r) => r.cells);
  const strategies = uniq(cells.map((c) => c.strategy));
  const workloads = uniq(cells.map((c) => c.workload));
  const guess = (name: string, names: string[]) => didYouMean([nearest(name, names)]);
  const problems = uniq([a.lhs, a.rhs])
    .filter((s) => !strategies.includes(s))
    .map((s) => `unknown strategy "${s}": ${guess(s, strategies)}the results measured ${strategies.join(", ")}`);
  if (a.workload !== "*" && !workloads.includes(a.workload))
    problems.push(`unknown workload "${a.workload}": ${guess(a.workload, workloads)}the results measured ${workloads.join(", ")}`);
  if (problems.length)
    throw new LabError(
      "usage",
      problems.map((m) => ({ path: "--assert", message: `"${a.text}": ${m}` })),
      EVAL_FIX,
    );
}

/** The (workload, tier, engine) cells of one run the assertion covers, every engine's: none when the run lacks them. */
function targetsOf(a: Assertion, run: RunRecord): { workload: string; tier: string; engine: string }[] {
  const tier = a.tier ?? run.config.tiers[0] ?? "turbofan";
  const measured = uniq(run.cells.filter((c) => c.tier === tier).map((c) => c.workload));
  const workloads = a.workload === "*" ? measured : measured.filter((w) => w === a.workload);
  return enginesOf(run.config).flatMap((engine) => workloads.map((workload) => ({ workload, tier, engine })));
}

function tierError(a: Assertion, d: Dataset): LabError {
  const cells = d.runs.flatMap((r) => r.cells).filter((c) => a.workload === "*" || c.workload === a.workload);
  const on = a.workload === "*" ? "" : ` on ${a.workload}`;
  const what = a.tier === undefined ? `the run's first tier was not measured${on}: name one with "/ TIER"` : `tier "${a.tier}" was not measured${on}`;
  return assertError(a.text, `${what}: the results measured ${uniq(cells.map((c) => c.tier)).join(", ")}`, EVAL_FIX);
}

/** The run's cell of that strategy, workload, tier and engine, with samples; else why not. */
function measuredCell(a: Assertion, run: RunRecord, i: number, strategy: string, workload: string, tier: string, engine: string): CellRecord {
  const cell = run.cells.find((c) => c.strategy === strategy && c.workload === workload && c.tier === tier && engineOf(c) === engine);
  const within = enginesOf(run.config).length > 1 ? ` in ${engine}` : "";
  const where = `${strategy} on ${workload} / ${tier}${within} (run ${i}, machine ${run.fingerprint.machineId})`;
  if (!cell) throw assertError(a.text, `${where} was not measured`, EVAL_FIX);
  if (cell.samples.length > 0) return cell;
  const why =
    cell.status === "failed" ? `it failed: ${cell.error ?? "no error recorded"}` : "it was not measured yet (an interrupted run: `run --resume` completes it)";
  throw assertError(a.text, `${where} has no samples: ${why}`, "fix or rerun that cell, or assert on cells that were measured");
}
