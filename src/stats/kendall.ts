/**
 * Kendall's rank correlation tau-b between two score vectors over the same
 * items (pure): how far two rankings agree, from 1 (same order) through 0 to
 * -1 (reversed). It looks only at the order of each pair of items, so any
 * increasing transform of either vector gives the same tau.
 *
 * For n items, over the n (n - 1) / 2 pairs (i, j):
 *   concordant  sign(x_i - x_j) = sign(y_i - y_j) != 0
 *   discordant  sign(x_i - x_j) = -sign(y_i - y_j) != 0
 *   tau_b = (C - D) / sqrt((n0 - tx) (n0 - ty)),  n0 = n (n - 1) / 2,
 * tx (ty) the pairs tied in x (y), a pair tied in both counted in each. With
 * no ties it is tau-a, (C - D) / n0. As R's `cor(x, y, method = "kendall")`
 * and scipy's `kendalltau` (variant "b"). O(n^2): rankings here are of a
 * spec's strategies, a handful.
 */

/**
 * tau-b of x against y (x[i] and y[i] are item i's scores), or null where it
 * is undefined: fewer than 2 items, or every item tied in x or in y (no pair
 * is ordered, so nothing can agree or disagree). Throws when the lengths
 * differ or a score is not finite (caller bugs).
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new Error(`kendallTauB: ${x.length} scores against ${y.length}`);
  for (const v of [...x, ...y]) if (!Number.isFinite(v)) throw new Error(`kendallTauB: non-finite score ${v}`);
  const n = x.length;
  if (n < 2) return null;
  let concordant = 0;
  let discordant = 0;
  let tiedX = 0;
  let tiedY = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i]! - x[j]!);
      const dy = Math.sign(y[i]! - y[j]!);
      if (dx === 0) tiedX++;
      if (dy === 0) tiedY++;
      if (dx !== 0 && dy !== 0) {
        if (dx === dy) concordant++;
        else discordant++;
      }
    }
  const pairs = (n * (n - 1)) / 2;
  const denominator = Math.sqrt((pairs - tiedX) * (pairs - tiedY));
  if (denominator === 0) return null;
  // Rounding can put a perfect agreement a hair past 1: tau-b lies in [-1, 1].
  return Math.max(-1, Math.min(1, (concordant - discordant) / denominator));
}

/**
 * tau-b of two scorings of named items (a strategy's net ns per dispatch in
 * two engines), over the items both score; null as kendallTauB (fewer than 2
 * shared items, or all tied). `n` is how many items it was taken over.
 */
export function kendallTauByItem(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): { tau: number | null; n: number } {
  const shared = [...a.keys()].filter((k) => b.has(k));
  return {
    tau: kendallTauB(
      shared.map((k) => a.get(k)!),
      shared.map((k) => b.get(k)!),
    ),
    n: shared.length,
  };
}

/**
 * tau-b of two rankings given as ordered lists of items (best first), over
 * the items both hold: an item's score is its position. A ranking lists each
 * item once, so a ranking has no ties.
 */
export function kendallTauOfRankings(a: readonly string[], b: readonly string[]): { tau: number | null; n: number } {
  const position = (list: readonly string[]) => new Map(list.map((item, i) => [item, i] as const));
  return kendallTauByItem(position(a), position(b));
}
