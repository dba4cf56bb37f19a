/** The score surface behind a 2-D plot, scored in the worker that keeps the model. */
import { get } from './store';
import { getPool } from './workers';
import { detectorMeta, usesWindows } from '../../core/detectors/specs';

/** The decision surface behind a 2-D plot: scores of a grid over the plotted area. */
export interface Surface {
  key: string;
  x: [number, number];
  y: [number, number];
  size: number;
  /** size × size scores, row-major from the bottom-left (y outer, x inner). */
  scores: Float64Array;
}

/**
 * Score a grid over the plot when the model has exactly the two plotted
 * columns (as scikit-learn's DecisionBoundaryDisplay does) and no sliding windows; null otherwise.
 */
export async function surfaceFor(x: [number, number], y: [number, number], size = 60): Promise<Surface | null> {
  const { result, plotX, plotY, backendPreference } = get();
  if (!result || result.columns.length !== 2 || !plotX || !plotY) return null;
  // A windowed model scores each row with the rows before it: a grid of lone points has no such series.
  if (usesWindows(detectorMeta(result.detector), result.params)) return null;
  const ix = result.columns.indexOf(plotX);
  const iy = result.columns.indexOf(plotY);
  if (ix < 0 || iy < 0 || ix === iy) return null;
  // The grid is built and scored in the worker that keeps the model.
  const scores = await getPool(backendPreference).scoreGrid(result.modelId, { cols: 2, ix, iy, x, y, size });
  return { key: `${x.join()}:${y.join()}`, x, y, size, scores };
}
