import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { fixture } from './helpers.js';

const R = fixture<{ sequences: { seed: number; uint32: number[]; float: number[] }[] }>('random.json');

describe('Random (xoshiro128** seeded by splitmix32)', () => {
  for (const s of R.sequences) {
    it(`matches the Python reference implementation for seed ${s.seed}`, () => {
      const rng = new Random(s.seed);
      expect(Array.from({ length: s.uint32.length }, () => rng.uint32())).toEqual(s.uint32);
      expect(Array.from({ length: s.float.length }, () => rng.float())).toEqual(s.float);
    });
  }

  it('is deterministic per seed and differs between seeds', () => {
    const draw = (seed: number) => { const r = new Random(seed); return Array.from({ length: 20 }, () => r.float()); };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(0)).not.toEqual(draw(1));
    expect(draw(7.9)).toEqual(draw(7)); // the seed is truncated to an integer
  });

  it('refuses a non-finite seed', () => {
    expect(() => new Random(NaN)).toThrow(new TypeError('seed must be a finite number, got: NaN'));
    expect(() => new Random(Infinity)).toThrow(TypeError);
  });

  it('uint32, float and uniform stay in range', () => {
    const rng = new Random(1);
    let lo = 1, hi = 0, sum = 0;
    for (let i = 0; i < 20000; i++) {
      const u = rng.uint32();
      expect(Number.isInteger(u) && u >= 0 && u <= 0xffffffff).toBe(true);
      const f = rng.float();
      lo = Math.min(lo, f);
      hi = Math.max(hi, f);
      sum += f;
      const x = rng.uniform(-3, 5);
      expect(x >= -3 && x < 5).toBe(true);
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(lo).toBeLessThan(0.001);
    expect(hi).toBeGreaterThan(0.999);
    expect(Math.abs(sum / 20000 - 0.5)).toBeLessThan(0.01);
  });

  it('int(n) covers [0, n) evenly, including n beyond 2^32', () => {
    const rng = new Random(2);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70000; i++) {
      const k = rng.int(7);
      expect(Number.isInteger(k)).toBe(true);
      counts[k]++;
    }
    expect(counts.every((c) => Math.abs(c - 10000) < 400)).toBe(true);
    for (let i = 0; i < 100; i++) expect(rng.int(1)).toBe(0);
    const big = 2 ** 40;
    for (let i = 0; i < 1000; i++) {
      const k = rng.int(big);
      expect(Number.isInteger(k) && k >= 0 && k < big).toBe(true);
    }
    expect(() => rng.int(0)).toThrow(new RangeError('int(n) needs n >= 1, got: 0'));
    expect(() => rng.int(NaN)).toThrow(RangeError);
  });

  it('normal() has mean 0 and variance 1', () => {
    const rng = new Random(3);
    const n = 50000;
    let s = 0, ss = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      expect(Number.isFinite(z)).toBe(true);
      s += z;
      ss += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(ss / n - 1)).toBeLessThan(0.03);
  });

  it('permutation() is a deterministic permutation', () => {
    const p = new Random(4).permutation(1000);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(p)).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(new Random(4).permutation(1000))).toEqual(Array.from(p));
    expect(Array.from(new Random(4).permutation(0))).toEqual([]);
    expect(Array.from(new Random(4).permutation(1))).toEqual([0]);
  });
});
