import { describe, expect, it } from 'vitest';
import { erfc, normalTail } from '../../src/core/math/erfc.js';
import { fixture, num, type JsonFloat } from './helpers.js';

const F = fixture<{ erfc: { x: JsonFloat; erfc: JsonFloat }[] }>('nab-gaussian.json');

describe('erfc (Cody) against Python math.erfc', () => {
  it('relative error below 1e-15 wherever erfc is a normal double; below that (x > 26.543) 0, as Cody flushes the subnormals', () => {
    let worst = 0;
    let worstAt = NaN;
    for (const c of F.erfc) {
      const x = num(c.x);
      const want = num(c.erfc);
      const got = erfc(x);
      if (want === 0) {
        expect(got, `erfc(${x})`).toBe(0);
        continue;
      }
      // Below the smallest normal double (glibc returns subnormals up to x ≈ 27.2).
      if (want < 2.2250738585072014e-308) {
        expect(got, `erfc(${x})`).toBe(0);
        continue;
      }
      const rel = Math.abs(got - want) / want;
      if (rel > worst) [worst, worstAt] = [rel, x];
    }
    expect(worst, `worst relative error ${worst} at x = ${worstAt}`).toBeLessThan(1e-15);
    expect(F.erfc.length).toBeGreaterThan(600);
  });

  it('edge values: erfc(0) = 1, erfc(−∞) = 2, erfc(∞) = 0, NaN stays NaN; Q is symmetric', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(-0)).toBe(1);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(NaN)).toBeNaN();
    expect(normalTail(0)).toBe(0.5);
    for (const z of [0.3, 1, 2.5, 4.2, 7]) expect(normalTail(-z) + normalTail(z)).toBeCloseTo(1, 15);
  });
});
