/**
 * Indices ordered by their scores, by an LSD radix sort on the doubles' bits: 4 passes of 16 bits,
 * the keys carried along with the indices so each pass reads them in sequence. ~8-10× faster than
 * a comparator sort on 365k-1M rows (NAB's corpus sweep, the page's NAB sweep). Stable: equal
 * scores keep the order they are given in (NAB's stable sort). −0 sorts as +0; NaN is the caller's
 * to keep out.
 *
 * A double's bits order as unsigned integers once a negative one has every bit flipped and a
 * non-negative one its sign bit set; descending order complements that key.
 */
export function radixOrder(scores: ArrayLike<number>, rows: ArrayLike<number>, descending = false): Int32Array {
  const m = rows.length;
  if (m < 4096) {
    const sign = descending ? -1 : 1;
    const pos = new Map<number, number>();
    const out = Int32Array.from(rows);
    for (let k = 0; k < m; k++) pos.set(out[k], k);
    return out.sort((a, b) => sign * (scores[a] - scores[b]) || pos.get(a)! - pos.get(b)!);
  }
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const [LO, HI] = little ? [0, 1] : [1, 0];
  const flip = descending ? 0xffffffff : 0;
  let lo = new Uint32Array(m);
  let hi = new Uint32Array(m);
  let order = Int32Array.from(rows);
  for (let k = 0; k < m; k++) {
    f[0] = scores[order[k]] + 0; // + 0 turns −0 into +0
    const negative = u[HI] >>> 31 === 1;
    lo[k] = ((negative ? ~u[LO] : u[LO]) ^ flip) >>> 0;
    hi[k] = ((negative ? ~u[HI] : u[HI] | 0x80000000) ^ flip) >>> 0;
  }
  let lo2 = new Uint32Array(m);
  let hi2 = new Uint32Array(m);
  let order2 = new Int32Array(m);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const shift = pass % 2 === 0 ? 0 : 16;
    const key = pass < 2 ? lo : hi;
    count.fill(0);
    for (let k = 0; k < m; k++) count[(key[k] >>> shift) & 0xffff]++;
    let sum = 0;
    for (let b = 0; b < 65536; b++) {
      const c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (let k = 0; k < m; k++) {
      const d = count[(key[k] >>> shift) & 0xffff]++;
      order2[d] = order[k];
      lo2[d] = lo[k];
      hi2[d] = hi[k];
    }
    [order, order2] = [order2, order];
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
  }
  return order;
}
