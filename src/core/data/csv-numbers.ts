/**
 * Reading numbers out of CSV cells, exactly as Number() would (the same
 * double) but faster, and stricter where pandas is: the byte reader's
 * scanNumberBytes, fastNumber over text, and toNumber, the general rule for a
 * cell.
 */

const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * A plain decimal number in text[start, end), read exactly (the same double as
 * Number()) by the byte reader's scanNumberBytes, or NaN for "not decided
 * here" (spaces, text, hex, more than 19 significant digits, powers of ten
 * past 10^±22, a cell over 64 characters…): the caller then falls back to
 * Number() on the substring.
 *
 * - Up to 15 significant digits, or 16 while the mantissa stays below 2^53: the
 *   mantissa and 10^k are exact doubles, so one multiplication or division
 *   rounds correctly (Clinger's fast path).
 * - 16 to 19 digits (what shortest round-trip output of a double has, e.g.
 *   0.011131661901729583): `longDecimal` below, exact or undecided.
 */
export function fastNumber(text: string, start: number, end: number): number {
  // Copy the cell's characters as bytes (a non-ASCII one is no plain number).
  const len = end - start;
  if (len <= 0 || len > cellBytes.length) return NaN;
  for (let k = 0; k < len; k++) {
    const c = text.charCodeAt(start + k);
    if (c > 127) return NaN;
    cellBytes[k] = c;
  }
  const v = scanNumberBytes(cellBytes, 0, len);
  return scanEnd === len ? v : NaN;
}

/** fastNumber's copy of one cell (a longer cell is left to Number()). */
const cellBytes = new Uint8Array(64);

/** Where the last scanNumberBytes stopped: the first byte that is not part of the number. */
export let scanEnd = 0;

/**
 * fastNumber's reading of the number that starts at b[start] (ASCII bytes),
 * stopping at the first byte that cannot continue it (a delimiter, say) and
 * leaving that position in `scanEnd`: one pass over a line finds and reads
 * its cells, with no text made of them.
 */
export function scanNumberBytes(b: Uint8Array, start: number, end: number): number {
  scanEnd = -1;
  let i = start;
  if (i >= end) return NaN;
  let c = b[i];
  let negative = false;
  if (c === 45 || c === 43) {
    negative = c === 45;
    if (++i >= end) return NaN;
    c = b[i];
  }
  // The first 15 significant digits go to `head` (< 10^15, exact), up to 4 more to `tail`.
  let head = 0;
  let tail = 0;
  let digits = 0; // significant digits taken
  let seen = false; // any digit at all
  let scale = 0; // digits after the point
  // Integer digits, then fraction digits: two loops written out on purpose (this is the parser's hot
  // loop; one merged loop measured ~3% slower on 600k numbers).
  while (i < end && (c = b[i]) >= 48 && c <= 57) {
    seen = true;
    if (digits > 0 || c !== 48) {
      if (++digits <= 15) head = head * 10 + (c - 48);
      else if (digits <= 19) tail = tail * 10 + (c - 48);
      else return NaN;
    }
    i++;
  }
  if (i < end && c === 46) {
    i++;
    while (i < end && (c = b[i]) >= 48 && c <= 57) {
      seen = true;
      if (digits > 0 || c !== 48) {
        if (++digits <= 15) head = head * 10 + (c - 48);
        else if (digits <= 19) tail = tail * 10 + (c - 48);
        else return NaN;
      }
      scale++;
      i++;
    }
  }
  if (!seen) return NaN;
  let exp = 0;
  if (i < end && (c | 0x20) === 101) {
    i++;
    let expNeg = false;
    if (i < end && ((c = b[i]) === 45 || c === 43)) {
      expNeg = c === 45;
      i++;
    }
    let expDigits = 0;
    while (i < end && (c = b[i]) >= 48 && c <= 57) {
      exp = exp * 10 + (c - 48);
      if (++expDigits > 4) return NaN;
      i++;
    }
    if (expDigits === 0) return NaN;
    if (expNeg) exp = -exp;
  }
  scanEnd = i;
  return decimalValue(head, tail, digits, exp - scale, negative);
}

/** The double of ±(head, then tail) · 10^e10 with `digits` significant digits (≤ 19), exactly, or NaN (undecided). */
function decimalValue(head: number, tail: number, digits: number, e10: number, negative: boolean): number {
  let v: number;
  if (digits <= 16) {
    // head·10 + tail is exact below 2^53 (every partial sum on the way is smaller).
    const mantissa = digits === 16 ? head * 10 + tail : head;
    if (mantissa >= 9007199254740992) v = longDecimal(head, tail, digits - 15, e10);
    else if (mantissa === 0) v = 0;
    else if (e10 === 0) v = mantissa;
    else if (e10 > 0 && e10 <= 22) v = mantissa * POW10[e10];
    else if (e10 < 0 && e10 >= -22) v = mantissa / POW10[-e10];
    else return NaN;
  } else {
    v = longDecimal(head, tail, digits - 15, e10);
  }
  return negative ? -v : v;
}

/** Veltkamp's splitter for doubles: 2^27 + 1. */
const SPLITTER = 134217729;
const bitsF64 = new Float64Array(1);
const bitsU32 = new Uint32Array(bitsF64.buffer);
/** Which 32-bit word of a double holds its sign and exponent (the high one). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * (head·10^tailDigits + tail) · 10^e10 for a mantissa of 16 to 19 digits, with
 * -22 ≤ e10 ≤ 0; correctly rounded, or NaN when it cannot be sure.
 *
 * The mantissa W (< 10^19 < 2^64) is held exactly as a double-double: head·10^t
 * by Dekker's exact product, plus the tail. Dividing by P = 10^-e10 (an exact
 * double) in double-double gives q1 + q2 within |v|·2^-100 of the true value v
 * (q1 = W_hi / P rounded; the remainder W_hi − q1·P is exact by Dekker's
 * product; adding W_lo and dividing err by ~2^-53 of a term already ~2^-52 of
 * v). Then s = q1 + q2 rounded, with e = (q1 + q2) − s exact (Knuth's TwoSum):
 * v rounds to s unless it lies within that error of the half-way point
 * between s and a neighbour, i.e. unless | |e| − ulp/2 | is that small (ulp/4
 * below a power of two). Those rare near-ties are left to Number().
 */
function longDecimal(head: number, tail: number, tailDigits: number, e10: number): number {
  if (e10 > 0 || e10 < -22) return NaN;
  // a = head · 10^t exactly as (ph + pl): Dekker's product of two doubles.
  const b = POW10[tailDigits];
  const ph = head * b;
  const pl = productError(head, b, ph);
  // W = ph + pl + tail: ph is an integer ≥ 2^50, pl and tail small integers, so pl + tail is exact.
  const small = pl + tail;
  const wh = ph + small;
  const wl = small - (wh - ph); // Fast2Sum: |ph| ≥ |small|
  if (e10 === 0) {
    const s = wh + wl;
    const e = wl - (s - wh);
    return nearestOrNaN(s, e);
  }
  const P = POW10[-e10];
  const q1 = wh / P;
  // r = wh − q1·P exactly: Dekker's product of q1 and P, then exact subtractions.
  const mh = q1 * P;
  const ml = productError(q1, P, mh);
  const r = (wh - mh) - ml;
  const q2 = (r + wl) / P;
  // TwoSum: s + e = q1 + q2 exactly.
  const s = q1 + q2;
  const bv = s - q1;
  const e = (q1 - (s - bv)) + (q2 - bv);
  return nearestOrNaN(s, e);
}

/** a·b − p exactly, for p = a·b rounded (Dekker's product: Veltkamp's split of each factor into 26-bit halves). */
function productError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** s when s + e + (error ≤ |s|·2^-98) certainly rounds to s; NaN near a tie. */
function nearestOrNaN(s: number, e: number): number {
  bitsF64[0] = s;
  const hi = bitsU32[HIGH];
  const biased = (hi >>> 20) & 0x7ff;
  if (biased <= 53 || biased === 0x7ff) return NaN; // subnormal-adjacent, zero, inf: not here
  // ulp(s) = 2^(biased − 1075); half of it is 2^(biased − 1076); a power of two has a finer step below.
  const powerOfTwo = (hi & 0xfffff) === 0 && bitsU32[1 - HIGH] === 0;
  bitsU32[HIGH] = (biased - 53) << 20; // 2^(biased − 1076): exponent field biased − 53
  bitsU32[1 - HIGH] = 0;
  let half = bitsF64[0];
  if (powerOfTwo && (e < 0) === (s > 0)) half /= 2;
  const slack = Math.abs(s) * 3.1554436208840472e-30; // 2^-98
  return Math.abs(e) < half - slack ? s : NaN;
}

/**
 * The number in a cell, or NaN. Stricter than Number(), which reads a blank
 * cell ('  ') as 0 and 0x1A / 0o17 / 0b101 as numbers; pandas reads those as text.
 */
export function toNumber(cell: string): number {
  if (cell === '') return NaN;
  const v = +cell;
  if (v !== v) return v;
  const c0 = cell.charCodeAt(0);
  // Number() reads white space alone as 0, and to JavaScript that includes U+FEFF, NBSP, U+3000…
  if (c0 === 48 || c0 <= 32 || c0 > 127) {
    const t = c0 === 48 ? cell : cell.trim();
    if (t === '') return NaN;
    if (t.length > 2 && t.charCodeAt(0) === 48) {
      const c1 = t.charCodeAt(1) | 0x20;
      if (c1 === 0x78 || c1 === 0x6f || c1 === 0x62) return NaN; // x, o, b
    }
  }
  return v;
}
