/**
 * Which rows a plot draws when there are more than it can draw responsively:
 * flagged rows first (a uniform sample of them if they alone exceed the
 * budget), then a uniform sample of the rest. `order` is a seeded permutation
 * of the rows made once per dataset, so the sample is stable while the
 * threshold moves.
 */
export function plotSample(order: Int32Array, scores: ArrayLike<number> | null, threshold: number, budget: number): { rows: Int32Array; flagged: number } {
  const n = order.length;
  if (n <= budget) {
    let flagged = 0;
    if (scores) for (let i = 0; i < n; i++) if (scores[i] > threshold) flagged++;
    return { rows: Int32Array.from({ length: n }, (_, i) => i), flagged };
  }
  const out = new Int32Array(budget);
  let k = 0;
  if (scores) {
    for (let i = 0; i < n && k < budget; i++) {
      const r = order[i];
      if (scores[r] > threshold) out[k++] = r;
    }
  }
  const flagged = k;
  for (let i = 0; i < n && k < budget; i++) {
    const r = order[i];
    if (!scores || !(scores[r] > threshold)) out[k++] = r;
  }
  return { rows: out, flagged };
}
