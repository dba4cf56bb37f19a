import { describe, expect, it } from 'vitest';
import { nextFlagged } from '../../src/app/lib/flagged';

describe('nextFlagged (keyboard: next / previous flagged row)', () => {
  const scores = Float64Array.from([0.1, 0.9, 0.2, 0.5, 0.95, 0.3]);
  const t = 0.5; // flagged: score > 0.5 → rows 1 and 4 (0.5 itself is not flagged)

  it('steps forward and backward through the flagged rows only', () => {
    expect(nextFlagged(scores, t, -1, 1)).toBe(1);
    expect(nextFlagged(scores, t, 1, 1)).toBe(4);
    expect(nextFlagged(scores, t, 4, -1)).toBe(1);
    expect(nextFlagged(scores, t, 2, 1)).toBe(4);
  });

  it('wraps round both ends', () => {
    expect(nextFlagged(scores, t, 4, 1)).toBe(1);
    expect(nextFlagged(scores, t, 1, -1)).toBe(4);
    expect(nextFlagged(scores, t, scores.length, -1)).toBe(4);
  });

  it('a single flagged row comes back to itself; none flagged gives null', () => {
    expect(nextFlagged(scores, 0.92, 4, 1)).toBe(4);
    expect(nextFlagged(scores, 0.99, -1, 1)).toBeNull();
    expect(nextFlagged(new Float64Array(0), 0, -1, 1)).toBeNull();
  });
});
