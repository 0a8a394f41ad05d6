/**
 * "Did you mean": the nearest known name to a typo, for every place a user
 * names something from a fixed set (spec keys, commands, strategies,
 * workloads, tiers).
 */

/**
 * Edit distance with adjacent transpositions (optimal string alignment):
 * `tabel` is one edit from `table`, as a typist would count it.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name nearest to `name` (case-insensitive) within 2 edits, or 1
 * for names of up to 3 characters (where 2 edits reach almost anything);
 * undefined when none is that near. Ties go to the first in `known`.
 */
export function nearest(name: string, known: Iterable<string>): string | undefined {
  const limit = name.length <= 3 ? 1 : 2;
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(k.toLowerCase(), name.toLowerCase());
    if (d <= limit && (!best || d < best.d)) best = { k, d };
  }
  return best?.k;
}

/** `did you mean "a", "b"? ` to start a fix, for the suggestions found (undefined: none for that name); "" when there are none. */
export function didYouMean(suggestions: readonly (string | undefined)[]): string {
  const found = suggestions.filter((s): s is string => s !== undefined);
  return found.length ? `did you mean ${found.map((s) => `"${s}"`).join(", ")}? ` : "";
}
