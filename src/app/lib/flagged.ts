/**
 * The flagged row (score > threshold) after `from` (dir 1) or before it (dir -1), wrapping round the
 * ends; null when no row is flagged. `from` may be -1 or n to start from either end.
 */
export function nextFlagged(scores: ArrayLike<number>, threshold: number, from: number, dir: 1 | -1): number | null {
  const n = scores.length;
  for (let k = 1; k <= n; k++) {
    const i = (((from + dir * k) % n) + n) % n;
    if (scores[i] > threshold) return i;
  }
  return null;
}
