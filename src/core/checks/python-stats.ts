/**
 * Python's numbers, reproduced bit for bit where the checks need them: `statistics.mean` and
 * `statistics.stdev` (CPython 3.11: exact rational arithmetic over the floats' binary values,
 * one correctly rounded result), `statistics.median`, `round(x, 2)` (round-half-even on the
 * float's exact binary value) and `str()` of an int or a float (the shortest repr, trailing zeros
 * dropped, `1e+16` past 16 digits). Dagster's example note is written with these, so our notes
 * read the same as Python's for the same values.
 *
 * Values are finite doubles; a NaN or an infinity gives NaN (the checks leave undefined values out
 * before they get here). Results in the subnormal range may differ in the last bit (never met by
 * counts and column statistics).
 */

/** A finite double as mantissa × 2^exponent (mantissa an integer, exact). */
function decompose(x: number): { m: bigint; e: number } {
  if (x === 0) return { m: 0n, e: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) e = -1074; // subnormal: no hidden bit
  else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  return { m: x < 0 ? -m : m, e };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** x · 2^k, exact while the result is a normal double (the scaling is split so 2^k itself never overflows). */
function scale2(x: number, k: number): number {
  while (k > 1000) {
    x *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    x *= 2 ** -1000;
    k += 1000;
  }
  return x * 2 ** k;
}

/**
 * p / q (q > 0) as the nearest double, ties to even, as Python's int / int and Fraction → float.
 * The quotient is taken to at least 55 bits with a sticky low bit (round to odd), so Number()'s
 * one rounding to 53 bits (correct, ties to even, by the spec) is the correct rounding of p / q.
 */
export function ratioToDouble(p: bigint, q: bigint): number {
  if (p === 0n) return 0;
  const negative = p < 0n;
  const a = negative ? -p : p;
  const s = 56 - (bitLength(a) - bitLength(q));
  const num = s >= 0 ? a << BigInt(s) : a;
  const den = s >= 0 ? q : q << BigInt(-s);
  let quotient = num / den;
  if (quotient * den !== num) quotient |= 1n;
  const r = scale2(Number(quotient), -s);
  return negative ? -r : r;
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** sqrt(n / m) as the nearest double (n ≥ 0, m > 0): CPython's _float_sqrt_of_frac (an integer square root rounded to odd). */
export function sqrtOfRatio(n: bigint, m: bigint): number {
  if (n === 0n) return 0;
  // 2 · 53 + 3 bits of the quotient, so the root has at least 55.
  const q = Math.floor((bitLength(n) - bitLength(m) - 109) / 2);
  let root: bigint;
  if (q >= 0) {
    const mm = m << BigInt(2 * q);
    const a = isqrt(n / mm);
    root = a | (a * a * mm !== n ? 1n : 0n);
    return scale2(Number(root), q);
  }
  const nn = n << BigInt(-2 * q);
  const a = isqrt(nn / m);
  root = a | (a * a * m !== nn ? 1n : 0n);
  return scale2(Number(root), q);
}

/** The values as integers over one power of two: x_i = M_i · 2^E. */
function commonScale(values: ArrayLike<number>): { M: bigint[]; E: number } {
  const parts = Array.from(values, decompose);
  let E = Infinity;
  for (const p of parts) if (p.m !== 0n && p.e < E) E = p.e;
  if (E === Infinity) E = 0;
  return { M: parts.map((p) => (p.m === 0n ? 0n : p.m << BigInt(p.e - E))), E };
}

function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/**
 * Python's `statistics.mean`: the exact mean of the values' binary values, rounded once.
 * @throws RangeError on no values ("mean requires at least one data point", as Python)
 * @example pyMean([1000, 1009]) // 1004.5
 */
export function pyMean(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 1) throw new RangeError('mean requires at least one data point');
  if (!allFinite(values)) return NaN;
  const { M, E } = commonScale(values);
  let sum = 0n;
  for (const m of M) sum += m;
  // mean = sum · 2^E / n
  return E >= 0 ? ratioToDouble(sum << BigInt(E), BigInt(n)) : ratioToDouble(sum, BigInt(n) << BigInt(-E));
}

/**
 * Python's `statistics.stdev`: the sample standard deviation (n − 1), the square root of the
 * exact sum of squared deviations over n − 1, correctly rounded.
 * @throws RangeError on fewer than two values ("stdev requires at least two data points", as Python)
 * @example pyStdev([1.5, 2.5, 2.5, 2.75, 3.25, 4.75]) // 1.0810874155219827
 */
export function pyStdev(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) throw new RangeError('stdev requires at least two data points');
  if (!allFinite(values)) return NaN;
  const { M, E } = commonScale(values);
  let sx = 0n;
  let sxx = 0n;
  for (const m of M) {
    sx += m;
    sxx += m * m;
  }
  const N = BigInt(n);
  // variance = (n·Σx² − (Σx)²) / (n (n − 1)) · 2^(2E); its root is sqrt(num / den) · 2^E.
  const num = N * sxx - sx * sx;
  const den = N * (N - 1n);
  return scale2(sqrtOfRatio(num, den), E);
}

/** Python's `statistics.median` (the mean of the two middle values, in float arithmetic, for an even count). */
export function pyMedian(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 1) throw new RangeError('no median for empty data');
  // A stable sort by value, as Python's sorted (-0.0 and 0.0 keep their order; Float64Array's sort puts -0 first).
  const sorted = Array.from(values).sort((a, b) => a - b);
  const i = n >> 1;
  return n % 2 === 1 ? sorted[i] : (sorted[i - 1] + sorted[i]) / 2;
}

/**
 * Python's `round(x, 2)` on a float: the multiple of 0.01 nearest x's exact binary value, ties to
 * even (exact ties happen only at odd multiples of 1/8: round(0.125, 2) is 0.12, where toFixed says
 * 0.13), read back as a float. From 2^52 on, a float has no fraction and comes back unchanged.
 */
export function pyRound2(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 2 ** 52) return x;
  const eighths = x * 8; // exact (a power of two)
  if (Number.isInteger(eighths) && Math.abs(eighths % 2) === 1) {
    // x = whole + (2j + 1) / 8: x · 100 ends in .5 exactly, and toFixed would round away from zero.
    const whole = Math.trunc(x);
    const hundredths = Math.abs(x - whole) * 100; // exact: 12.5, 37.5, 62.5 or 87.5
    const down = Math.floor(hundredths);
    const r = down % 2 === 0 ? down : down + 1;
    return Number(`${x < 0 ? '-' : ''}${Math.abs(whole)}.${String(r).padStart(2, '0')}`);
  }
  // toFixed rounds the exact binary value to the nearest multiple of 0.01 (ties cannot happen here).
  return Number(x.toFixed(2));
}

/**
 * Python's `str()` of a number: an int as its digits; a float as its shortest repr ("1004.5",
 * "61.2", "3.0", "-0.0", "1e+16", "nan", "inf").
 * @param integer whether Python holds the value as an int (counts, and the mean of counts when whole)
 */
export function pyStr(x: number, integer = false): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (integer && Number.isInteger(x)) return Object.is(x, -0) ? '0' : BigInt(x).toString();
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // The shortest digits that read back as x (JS and Python agree on them), placed as Python's repr does:
  // positional for a decimal exponent in [-4, 16), else d.ddde±XX.
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const whole = digits.length > exp + 1 ? digits.slice(0, exp + 1) : digits.padEnd(exp + 1, '0');
    const frac = digits.length > exp + 1 ? digits.slice(exp + 1) : '0';
    return `${sign}${whole}.${frac}`;
  }
  const lead = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${lead}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** Python's `str(round(x, 2))` for a value Python holds as an int (`integer`) or a float. */
export function pyRoundStr(x: number, integer = false): string {
  return integer && Number.isInteger(x) ? pyStr(x, true) : pyStr(pyRound2(x));
}
