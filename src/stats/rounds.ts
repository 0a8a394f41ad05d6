/**
 * The fewest rounds (samples per cell, or rounds two compared cells share)
 * from which the lab states an interval or a verdict. A 95% interval for a
 * median that assumes no distribution exists only from 6 samples: the
 * widest order-statistic interval, [min, max], covers the median with
 * probability 1 - 2 * 2^-n, which first reaches 95% at n = 6 (96.9%). Below
 * that a bootstrap still returns an interval (from 1 sample, a point), but
 * it is a 95% interval of nothing. docs/measurement.md.
 */
export const MIN_ROUNDS = 6;

const plural = (n: number) => `${n} round${n === 1 ? "" : "s"}`;

/** Why `n` rounds cannot carry a verdict, or null when they can. `what` says whose rounds (e.g. "shared with direct"). */
export function tooFewRounds(n: number, what = ""): string | null {
  return n >= MIN_ROUNDS ? null : `too few samples: ${plural(n)}${what ? ` ${what}` : ""}; the minimum is ${MIN_ROUNDS}`;
}
