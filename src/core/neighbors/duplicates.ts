import type { Matrix } from '../data/matrix.js';

/**
 * How many rows have an exact duplicate (`duplicated`: rows in groups of two or
 * more) and the largest group (`maxCopies`); LOF's reachability collapses to 0
 * where a group exceeds k. Rows are hashed on their values' bits (−0 as 0) and
 * compared only within a hash: O(n·d), not a string per row.
 */
export function duplicateRows(X: Matrix): { duplicated: number; maxCopies: number } {
  const { data, rows, cols } = X;
  if (rows === 0) return { duplicated: 0, maxCopies: 1 };
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length * 2);
  const hash = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let h = 0x811c9dc5 | 0;
    for (let c = 0, o = i * cols; c < cols; c++, o++) {
      const zero = data[o] === 0;
      h = Math.imul(h ^ (zero ? 0 : bits[2 * o]), 16777619);
      h = Math.imul(h ^ (zero ? 0 : bits[2 * o + 1]), 16777619);
    }
    hash[i] = h;
  }
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  order.sort((a, b) => hash[a] - hash[b] || a - b);
  const same = (a: number, b: number): boolean => {
    for (let c = 0; c < cols; c++) if (data[a * cols + c] !== data[b * cols + c]) return false;
    return true;
  };
  let duplicated = 0;
  let maxCopies = 1;
  const pending: number[] = [];
  for (let s = 0; s < rows; ) {
    let e = s + 1;
    while (e < rows && hash[order[e]] === hash[order[s]]) e++;
    // One hash: split into groups of identical rows (a collision rarely makes more than one).
    pending.length = 0;
    for (let p = s; p < e; p++) pending.push(order[p]);
    while (pending.length > 0) {
      const first = pending[0];
      // `first` counts without comparing it to itself: a NaN row is not equal to itself, and the
      // group must shrink on every pass, whatever the values.
      let copies = 1;
      let keep = 0;
      for (let p = 1; p < pending.length; p++) {
        if (same(first, pending[p])) copies++;
        else pending[keep++] = pending[p];
      }
      pending.length = keep;
      if (copies > 1) duplicated += copies;
      if (copies > maxCopies) maxCopies = copies;
    }
    s = e;
  }
  return { duplicated, maxCopies };
}
