/**
 * 'coolwarm': Kenneth Moreland's diverging blue–grey–red map (the one
 * matplotlib ships), from his published 33-entry table, interpolated linearly.
 */
const TABLE: [number, number, number][] = [
  [59, 76, 192], [68, 90, 204], [77, 104, 215], [87, 117, 225], [98, 130, 234], [108, 142, 241], [119, 154, 247], [130, 165, 251],
  [141, 176, 254], [152, 185, 255], [163, 194, 255], [174, 201, 253], [184, 208, 249], [194, 213, 244], [204, 217, 238], [213, 219, 230],
  [221, 221, 221], [229, 216, 209], [236, 211, 197], [241, 204, 185], [245, 196, 173], [247, 187, 160], [247, 177, 148], [247, 166, 135],
  [244, 154, 123], [241, 141, 111], [236, 127, 99], [229, 112, 88], [222, 96, 77], [213, 80, 66], [203, 62, 56], [192, 40, 47], [180, 4, 38],
];

/** Colour for t in [0, 1] (clamped) as an `rgb(…)` string. */
export function coolwarm(t: number): string {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0.5)) * (TABLE.length - 1);
  const i = Math.min(TABLE.length - 2, Math.floor(x));
  const f = x - i;
  const a = TABLE[i];
  const b = TABLE[i + 1];
  return `rgb(${Math.round(a[0] + (b[0] - a[0]) * f)},${Math.round(a[1] + (b[1] - a[1]) * f)},${Math.round(a[2] + (b[2] - a[2]) * f)})`;
}

/** CSS gradient stops, bottom (0) to top (1). */
export function coolwarmGradient(direction = 'to top'): string {
  const stops = TABLE.map((c, i) => `rgb(${c[0]},${c[1]},${c[2]}) ${((100 * i) / (TABLE.length - 1)).toFixed(2)}%`);
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}

/**
 * A diverging scale centred on `center` (the detector's threshold), like
 * matplotlib's TwoSlopeNorm: [lo, center] maps to the cool half, [center, hi]
 * to the warm half, so values above the threshold are warm.
 */
export interface DivergingScale {
  center: number;
  lo: number;
  hi: number;
  toUnit(v: number): number;
  /** The value at unit position u (inverse of toUnit). */
  fromUnit(u: number): number;
}

export function divergingScale(center: number, lo: number, hi: number): DivergingScale {
  const below = Math.max(center - lo, 1e-12);
  const above = Math.max(hi - center, 1e-12);
  return {
    center,
    lo: center - below,
    hi: center + above,
    toUnit: (v) => (v <= center ? 0.5 - (0.5 * (center - v)) / below : 0.5 + (0.5 * (v - center)) / above),
    fromUnit: (u) => (u <= 0.5 ? center - (0.5 - u) * 2 * below : center + (u - 0.5) * 2 * above),
  };
}

/** coolwarm(t) as [r, g, b] bytes, for writing pixels (the density layer). */
export function coolwarmRgb(t: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0.5)) * (TABLE.length - 1);
  const i = Math.min(TABLE.length - 2, Math.floor(x));
  const f = x - i;
  const a = TABLE[i];
  const b = TABLE[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}
