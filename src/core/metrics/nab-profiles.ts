/**
 * NAB's three application profiles (numenta/NAB config/profiles.json), as data.
 *
 * Copied from the Numenta Anomaly Benchmark, which carries this notice:
 *
 *   Copyright 2014-2024 Numenta Inc.
 *
 *   Permission is hereby granted, free of charge, to any person obtaining a copy
 *   of this software and associated documentation files (the "Software"), to deal
 *   in the Software without restriction, including without limitation the rights
 *   to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 *   copies of the Software, and to permit persons to whom the Software is
 *   furnished to do so, subject to the following conditions:
 *
 *   The above copyright notice and this permission notice shall be included in all
 *   copies or substantial portions of the Software.
 *
 *   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 *   IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 *   FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 *   AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 *   LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 *   OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 *   SOFTWARE.
 */

/** One profile's weights: A_TP, A_FN, A_FP (tnWeight is in NAB's file but never used by its scorer). */
export interface CostMatrix {
  tpWeight: number;
  fnWeight: number;
  fpWeight: number;
  tnWeight?: number;
}

/** Profiles by name, in the order they are reported. */
export type NabProfiles = Record<string, CostMatrix>;

/** NAB's config/profiles.json, exactly as published (in NAB's own shape: `{ name: { CostMatrix } }`). */
export const NAB_PROFILES_JSON = {
  standard: { CostMatrix: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.11, tnWeight: 1.0 } },
  reward_low_FP_rate: { CostMatrix: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.22, tnWeight: 1.0 } },
  reward_low_FN_rate: { CostMatrix: { tpWeight: 1.0, fnWeight: 2.0, fpWeight: 0.11, tnWeight: 1.0 } },
} as const;

/**
 * Reads profiles in NAB's config/profiles.json shape (`{ name: { CostMatrix: { tpWeight, fnWeight, fpWeight } } }`;
 * a bare `{ name: { tpWeight, … } }` is accepted too). Throws a TypeError naming the profile and the weight that
 * is missing or not a finite number.
 *
 * @example loadProfiles(JSON.parse(fs.readFileSync('config/profiles.json', 'utf8'))).standard.fpWeight // 0.11
 */
export function loadProfiles(json: unknown, source = 'profiles'): NabProfiles {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new TypeError(`${source}: expected an object of profiles like NAB's config/profiles.json`);
  const out: NabProfiles = {};
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    const v = value as Record<string, unknown> | null;
    const m = (v && typeof v === 'object' && 'CostMatrix' in v ? v.CostMatrix : v) as Record<string, unknown> | null;
    if (!m || typeof m !== 'object') throw new TypeError(`${source}: profile '${name}' has no CostMatrix`);
    const weight = (k: string): number => {
      const x = m[k];
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new TypeError(`${source}: profile '${name}': ${k} must be a finite number, got ${JSON.stringify(x)}`);
      return x;
    };
    out[name] = { tpWeight: weight('tpWeight'), fnWeight: weight('fnWeight'), fpWeight: weight('fpWeight') };
    if (typeof m.tnWeight === 'number') out[name].tnWeight = m.tnWeight;
  }
  if (Object.keys(out).length === 0) throw new TypeError(`${source}: no profiles`);
  return out;
}

/** NAB's three profiles: standard, reward_low_FP_rate, reward_low_FN_rate. */
export const NAB_PROFILES: NabProfiles = loadProfiles(NAB_PROFILES_JSON, 'NAB profiles');
