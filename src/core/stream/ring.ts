/**
 * Fixed-capacity ring buffers for the stream engine: the last `capacity` rows of a stream (with a
 * per-row flag), and the last `capacity` numbers with their running sum. Nothing grows with the
 * stream's length: pushing past the capacity overwrites the oldest entry.
 *
 * @example
 * const r = new RowRing(3, 1);
 * for (const v of [1, 2, 3, 4]) r.push([v], 0, false);
 * r.last(3).data; // [2, 3, 4]
 */
import type { Matrix } from '../data/matrix.js';

/** The last `capacity` rows of `cols` values each, oldest first, with a flag per row (protect's "left out"). */
export class RowRing {
  readonly data: Float64Array;
  readonly flags: Uint8Array;
  /** Index of the oldest row in the ring's storage. */
  private start = 0;
  /** Rows held (≤ capacity). */
  length = 0;

  constructor(readonly capacity: number, readonly cols: number) {
    if (!(capacity >= 1)) throw new RangeError(`a ring needs a capacity of at least 1, got: ${capacity}`);
    this.data = new Float64Array(capacity * cols);
    this.flags = new Uint8Array(capacity);
  }

  /** Append the row at `src[at … at + cols)` (the oldest row leaves when full). */
  push(src: ArrayLike<number>, at: number, flagged: boolean): void {
    let slot: number;
    if (this.length < this.capacity) {
      slot = (this.start + this.length++) % this.capacity;
    } else {
      slot = this.start;
      this.start = (this.start + 1) % this.capacity;
    }
    const o = slot * this.cols;
    for (let c = 0; c < this.cols; c++) this.data[o + c] = src[at + c];
    this.flags[slot] = flagged ? 1 : 0;
  }

  /** The last `k` rows (k ≤ length), oldest first, as a new matrix, and their flags. */
  last(k: number): { rows: Matrix; flags: Uint8Array } {
    const n = Math.min(k, this.length);
    const out = new Float64Array(n * this.cols);
    const flags = new Uint8Array(n);
    const first = this.start + this.length - n;
    for (let i = 0; i < n; i++) {
      const slot = (first + i) % this.capacity;
      out.set(this.data.subarray(slot * this.cols, (slot + 1) * this.cols), i * this.cols);
      flags[i] = this.flags[slot];
    }
    return { rows: { data: out, rows: n, cols: this.cols }, flags };
  }

  clear(): void {
    this.start = 0;
    this.length = 0;
  }
}

/** The last `capacity` numbers and their sum (a running mean over a sliding window). */
export class NumberRing {
  readonly values: Float64Array;
  private next = 0;
  length = 0;
  sum = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`a ring needs a capacity of at least 1, got: ${capacity}`);
    this.values = new Float64Array(capacity);
  }

  push(v: number): void {
    if (this.length === this.capacity) this.sum -= this.values[this.next];
    else this.length++;
    this.values[this.next] = v;
    this.sum += v;
    this.next = (this.next + 1) % this.capacity;
    // Re-add once per lap so rounding from the subtractions cannot build up over an unbounded stream.
    if (this.next === 0) {
      let t = 0;
      for (let i = 0; i < this.length; i++) t += this.values[i];
      this.sum = t;
    }
  }

  /** The mean of the numbers held (NaN when empty). */
  get mean(): number {
    return this.length === 0 ? NaN : this.sum / this.length;
  }

  /** The numbers held, in no particular order (a copy). */
  snapshot(): Float64Array {
    return this.values.slice(0, this.length);
  }

  clear(): void {
    this.next = 0;
    this.length = 0;
    this.sum = 0;
  }
}
