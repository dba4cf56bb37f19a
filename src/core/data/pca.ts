/**
 * Principal component analysis for the plot's projection (issue 23): two
 * components of the centred rows, as scikit-learn's `PCA(n_components=2)`.
 *
 * The covariance matrix is accumulated in one pass over the rows (O(n d²),
 * no copy of the data), its eigenvectors come from mljs' `ml-pca`
 * (`isCovarianceMatrix`), and the projection is a second pass. Signs follow
 * scikit-learn's `svd_flip` (u-based, as 1.2 does): in each component the
 * projected value of largest magnitude is positive, so the picture does not
 * flip between runs or between us and the reference.
 */
import { PCA } from 'ml-pca';
import type { Matrix } from './matrix';

export interface Projection {
  /** Projected coordinates, one per row: [first component, second component]. */
  x: Float64Array;
  y: Float64Array;
  /** The share of the total variance each component explains, in [0, 1] (scikit-learn's explained_variance_ratio_). */
  explained: [number, number];
  /** The component vectors (d values each), unit length. */
  components: [Float64Array, Float64Array];
}

/**
 * PCA(2) of a matrix's rows. Rows with a missing value (NaN) are left out of
 * the fit and get NaN coordinates (they are not drawn).
 * @example pca2(fromRows([[0, 0], [1, 1], [2, 2]])).explained // [1, 0]
 */
export function pca2(m: Matrix): Projection {
  const { rows: n, cols: d, data } = m;
  if (d < 1) throw new RangeError('PCA needs at least one column');
  const ok = new Uint8Array(n);
  const mean = new Float64Array(d);
  let used = 0;
  for (let i = 0; i < n; i++) {
    let good = 1;
    for (let j = 0; j < d; j++) if (data[i * d + j] !== data[i * d + j]) { good = 0; break; }
    ok[i] = good;
    if (!good) continue;
    used++;
    for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
  }
  if (used < 2) throw new RangeError(`PCA needs at least 2 rows without missing values, got ${used}`);
  for (let j = 0; j < d; j++) mean[j] /= used;
  // Upper triangle of the scatter matrix, then symmetric; one centred row buffer.
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    if (!ok[i]) continue;
    for (let j = 0; j < d; j++) c[j] = data[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ca = c[a];
      if (ca === 0) continue;
      const row = a * d;
      for (let b = a; b < d; b++) cov[row + b] += ca * c[b];
    }
  }
  const covRows: number[][] = [];
  for (let a = 0; a < d; a++) {
    const r: number[] = new Array(d);
    for (let b = 0; b < d; b++) r[b] = (a <= b ? cov[a * d + b] : cov[b * d + a]) / (used - 1);
    covRows.push(r);
  }
  const model = new PCA(covRows, { isCovarianceMatrix: true });
  const vectors = model.getEigenvectors().to2DArray(); // d × d, columns = components by decreasing variance
  const ratio = model.getExplainedVariance();
  const comp = (k: number) => Float64Array.from({ length: d }, (_, j) => (k < d ? vectors[j][k] : 0));
  const components: [Float64Array, Float64Array] = [comp(0), comp(1)];
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!ok[i]) { x[i] = NaN; y[i] = NaN; continue; }
    let px = 0, py = 0;
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j] - mean[j];
      px += v * components[0][j];
      py += v * components[1][j];
    }
    x[i] = px;
    y[i] = py;
  }
  flipSign(x, components[0]);
  flipSign(y, components[1]);
  const total = ratio.reduce((s, v) => s + v, 0);
  const share = (k: number) => (k < ratio.length && total > 0 ? ratio[k] / total : 0);
  return { x, y, explained: [share(0), share(1)], components };
}

/** scikit-learn's svd_flip (u-based): make the projected value of largest magnitude positive. */
function flipSign(v: Float64Array, component: Float64Array): void {
  let best = 0;
  for (const t of v) if (t === t && Math.abs(t) > Math.abs(best)) best = t;
  if (best >= 0) return;
  for (let i = 0; i < v.length; i++) v[i] = -v[i];
  for (let j = 0; j < component.length; j++) component[j] = -component[j];
}
