/** Levenshtein distance, with an early exit once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The closest candidate to a mistyped word, or null when none is close enough.
 * Case and `_`/`-` differences count as near-misses (`valid_lifetime`, `Valid-Lifetime`).
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | null {
  const norm = (s: string) => s.toLowerCase().replaceAll('_', '-');
  const w = norm(word);
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 4)));
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    const d = norm(c) === w ? 0 : editDistance(w, norm(c), limit);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
