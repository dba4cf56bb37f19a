const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/**
 * The largest float32 ≤ t. For a float32 x, x ≤ t ⇔ x ≤ float32Below(t) and x > t ⇔ x > float32Below(t),
 * so float32 graphs compare as our float64 code does on the same (float32) values.
 */
export function float32Below(t: number): number {
  f32[0] = t;
  if (f32[0] <= t || !Number.isFinite(t)) return f32[0];
  // Rounded up: step one float32 towards −∞.
  if (f32[0] === 0) return -1.401298464324817e-45;
  i32[0] += f32[0] > 0 ? -1 : 1;
  return f32[0];
}
