/**
 * Train / test splits for tuning: scikit-learn's StratifiedKFold(shuffle=True) and KFold(shuffle=True)
 * with our seeded generator, and a stratified hold-out split.
 *
 * StratifiedKFold's allocation (scikit-learn 1.2, `_make_test_folds`): the labels, sorted, are dealt
 * round-robin to the folds (`y_order[i::k]`), so each fold gets ⌊n_c / k⌋ or ⌈n_c / k⌉ rows of class c
 * and the extras of a class start where the previous class's left off (not always at fold 0); then,
 * per class, the list of fold numbers is shuffled and given to that class's rows in row order. The
 * sizes are scikit-learn's exactly; which rows go where comes from our PRNG, not numpy's.
 * Indices inside a fold are ascending, as scikit-learn's.
 *
 * @example
 * const folds = stratifiedKFold(labels, 5, 42); // 5 × { train, test }, each class spread evenly
 */
import { Random } from '../random.js';

/** One split: row indices, ascending. */
export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

/** Folds from a row → fold number vector (test = rows of that fold, train = the others). */
export function foldsFromAssignment(assign: Int32Array, k: number): Fold[] {
  const sizes = new Int32Array(k);
  for (const f of assign) sizes[f]++;
  return Array.from({ length: k }, (_, f) => {
    const test = new Int32Array(sizes[f]);
    const train = new Int32Array(assign.length - sizes[f]);
    let a = 0;
    let b = 0;
    for (let i = 0; i < assign.length; i++) {
      if (assign[i] === f) test[a++] = i;
      else train[b++] = i;
    }
    return { train, test };
  });
}

function checkK(k: number, n: number, what: string): void {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`cv must be an integer >= 2, got: ${k}`);
  if (k > n) throw new RangeError(`cv = ${k} folds need at least ${k} ${what}, got ${n}`);
}

/**
 * StratifiedKFold(n_splits=k, shuffle=True): each fold's test rows hold every class in proportion.
 * Classes are numbered by first appearance (scikit-learn's encoding). Throws when k exceeds the rows
 * or every class has fewer than k rows (scikit-learn raises there too).
 * @param labels one label per row (any small non-negative integers; 1 = anomaly here)
 * @returns k folds; fold f's test rows are those assigned f
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, seed: number): Fold[] {
  const n = labels.length;
  checkK(k, n, 'rows');
  // Classes by first appearance, as scikit-learn's y_encoded.
  const code = new Map<number, number>();
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let c = code.get(labels[i]);
    if (c === undefined) code.set(labels[i], (c = code.size));
    y[i] = c;
  }
  const classes = code.size;
  const counts = new Int32Array(classes);
  for (const c of y) counts[c]++;
  if (Math.max(...counts) < k) throw new RangeError(`cv = ${k} folds: no class has ${k} rows (largest: ${Math.max(...counts)})`);
  // allocation[f][c] = rows of class c in fold f: the sorted labels dealt round-robin.
  const allocation = Array.from({ length: k }, () => new Int32Array(classes));
  let pos = 0;
  for (let c = 0; c < classes; c++) for (let j = 0; j < counts[c]; j++, pos++) allocation[pos % k][c]++;
  const rng = new Random(seed);
  const assign = new Int32Array(n);
  for (let c = 0; c < classes; c++) {
    const list = new Int32Array(counts[c]);
    let p = 0;
    for (let f = 0; f < k; f++) for (let j = 0; j < allocation[f][c]; j++) list[p++] = f;
    rng.shuffle(list);
    p = 0;
    for (let i = 0; i < n; i++) if (y[i] === c) assign[i] = list[p++];
  }
  return foldsFromAssignment(assign, k);
}

/**
 * KFold(n_splits=k, shuffle=True): rows permuted with the seed, then cut into k folds of which the
 * first n % k hold one row more (scikit-learn's fold sizes). For data without labels.
 */
export function kFold(n: number, k: number, seed: number): Fold[] {
  checkK(k, n, 'rows');
  const perm = new Random(seed).permutation(n);
  const assign = new Int32Array(n);
  const base = Math.floor(n / k);
  const extra = n % k;
  let p = 0;
  for (let f = 0; f < k; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let j = 0; j < size; j++) assign[perm[p++]] = f;
  }
  return foldsFromAssignment(assign, k);
}

/**
 * A stratified hold-out split: ⌈testSize · n⌉ test rows (scikit-learn's train_test_split rounding),
 * spread over the classes in proportion (largest remainder), each class's rows drawn with the seed.
 * Without labels (`labels` null) a plain shuffled split of `n` rows.
 */
export function holdout(labels: ArrayLike<number> | null, n: number, testSize: number, seed: number): Fold {
  if (!(testSize > 0 && testSize < 1)) throw new RangeError(`the hold-out share must be in (0, 1), got: ${testSize}`);
  const nTest = Math.ceil(testSize * n);
  if (nTest < 1 || nTest >= n) throw new RangeError(`a hold-out of ${testSize} leaves no ${nTest < 1 ? 'test' : 'training'} rows out of ${n}`);
  const rng = new Random(seed);
  const assign = new Int32Array(n);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = labels ? labels[i] : 0;
    let g = groups.get(c);
    if (!g) groups.set(c, (g = []));
    g.push(i);
  }
  // Largest remainder: floors first, then the classes with the largest fractional parts (first seen on ties).
  const entries = [...groups.values()];
  const exact = entries.map((g) => (g.length * nTest) / n);
  const take = exact.map(Math.floor);
  let left = nTest - take.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left === 0) break;
    take[i]++;
    left--;
  }
  entries.forEach((g, i) => {
    const idx = Int32Array.from(g);
    rng.partialShuffle(idx, take[i]);
    for (let j = 0; j < take[i]; j++) assign[idx[j]] = 1;
  });
  // Fold 0's test rows are those assigned 0 (training), fold 1's those assigned 1 (test).
  const [kept, held] = foldsFromAssignment(assign, 2);
  return { train: kept.test, test: held.test };
}
