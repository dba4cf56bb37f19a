/**
 * The scatter plot's own state (issue 23), in a small store of its own so that a zoom or a
 * projection's progress re-renders only the plot: what the axes show (two columns, PCA or
 * UMAP, both computed in the data worker next to the rows), the density layer (every row
 * binned there; nothing is rebinned when the threshold moves) and the point colouring.
 */
import { create } from 'zustand';
import { dataWorker, Comlink } from '../../workers/data-client';
import type { DensityGrid } from '../../core/data/density';
import type { PlotSource } from '../../workers/data-api';
import { UMAP_MAX_ROWS } from '../../core/data/umap';
import { message, useApp } from './store';
import { useTimeline } from './timeline';

export type Projection = 'columns' | 'pca' | 'umap';

export interface ProjectedValues {
  /** dataset id : method : features : missing policy. */
  key: string;
  method: 'pca' | 'umap';
  x: Float64Array;
  y: Float64Array;
  /** PCA's explained variance ratio per axis. */
  explained?: [number, number];
}

export interface PlotState {
  projection: Projection;
  projected: ProjectedValues | null;
  /** A projection being computed (UMAP reports progress), or its error. */
  job: { method: 'pca' | 'umap'; fraction: number; error?: string } | null;
  /** Point colouring: by score, or by the confusion of flags and labels (TP / FP / FN / TN). */
  colorBy: 'score' | 'confusion';
  /** The density layer: off, or coloured by the bin's mean score or its row count. */
  density: 'off' | 'score' | 'count';
  /** The last grid and the request it answers. */
  grid: { req: string; grid: DensityGrid } | null;
  /** Grids received so far (a threshold move must not add one: the bench and e2e read it). */
  grids: number;
}

export const usePlot = create<PlotState>(() => ({ projection: 'columns', projected: null, job: null, colorBy: 'score', density: 'score', grid: null, grids: 0 }));

/** Rows above which the plot turns the density layer on by itself (its points are then a sample). */
export const DENSITY_ROWS = 3000;

function projectionKey(method: 'pca' | 'umap'): string | null {
  const { datasetId, features, missingPolicy, seed } = useApp.getState();
  if (datasetId === null || features.length === 0) return null;
  return `${datasetId}:${method}:${method === 'umap' ? `${seed}:` : ''}${features.join('\u0001')}:${missingPolicy}`;
}

/** Switch the axes: columns (the x / y pickers), PCA or UMAP of the feature columns. */
export async function setProjection(projection: Projection): Promise<void> {
  if (usePlot.getState().job?.method === 'umap' && projection !== 'umap') cancelProjection();
  if (projection === 'umap' && usePlot.getState().projection !== 'umap') beforeUmap = usePlot.getState().projection;
  usePlot.setState({ projection });
  if (projection !== 'columns') await computeProjection(projection);
}

/** What the axes showed before UMAP was asked for: a cancel goes back to it. */
let beforeUmap: Projection = 'columns';

/** Stop a running UMAP; the axes go back to what they showed. */
export function cancelProjection(): void {
  void dataWorker().cancelUmap();
  usePlot.setState({ job: null, projection: beforeUmap });
  if (beforeUmap === 'pca') void computeProjection('pca');
}

async function computeProjection(method: 'pca' | 'umap'): Promise<void> {
  const key = projectionKey(method);
  if (!key) return;
  if (usePlot.getState().projected?.key === key) return;
  const { datasetId, features, missingPolicy, seed, dataset } = useApp.getState();
  if (datasetId === null) return;
  if (method === 'umap' && (dataset?.rows ?? 0) > UMAP_MAX_ROWS) {
    usePlot.setState({ job: { method, fraction: 0, error: `UMAP takes at most ${UMAP_MAX_ROWS.toLocaleString('en')} rows; this file has ${dataset!.rows.toLocaleString('en')}. PCA works at any size.` }, projection: usePlot.getState().projected?.method ?? 'columns' });
    return;
  }
  usePlot.setState({ job: { method, fraction: 0 } });
  const live = () => projectionKey(method) === key && usePlot.getState().projection === method;
  try {
    const onProgress = (fraction: number) => { if (live() && usePlot.getState().job) usePlot.setState({ job: { method, fraction } }); };
    const out = method === 'pca'
      ? await dataWorker().projectPca(datasetId, features, missingPolicy, key)
      : { ...(await dataWorker().projectUmap(datasetId, features, missingPolicy, key, seed, Comlink.proxy(onProgress))), explained: undefined };
    if (!live()) return;
    usePlot.setState({ projected: { key, method, x: out.x, y: out.y, explained: out.explained }, job: null, grid: null });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError' || !live()) return;
    usePlot.setState({ job: { method, fraction: 0, error: `${method === 'pca' ? 'PCA' : 'UMAP'} failed: ${message(e)}` }, projection: 'columns' });
  }
}

/** What the density layer bins: the plotted columns or the projection the worker holds. */
export function plotSource(): PlotSource | null {
  const { projection, projected } = usePlot.getState();
  if (projection !== 'columns') return projected && projected.method === projection ? { kind: 'projection', key: projected.key } : null;
  const { plotX, plotY } = useApp.getState();
  return plotX && plotY ? { kind: 'columns', x: plotX, y: plotY } : null;
}

/**
 * Bin every row over the visible range in the data worker (with the run's scores when it holds
 * them). Asked for on a new range, axes, projection or run, never on a threshold move.
 */
export async function refreshDensity(x: [number, number], y: [number, number], nx: number, ny: number): Promise<void> {
  const { datasetId, result } = useApp.getState();
  const source = plotSource();
  if (datasetId === null || !source || usePlot.getState().density === 'off') return;
  const req = JSON.stringify([datasetId, source, x, y, nx, ny, useTimeline.getState().scoresVersion, !!result]);
  if (usePlot.getState().grid?.req === req) return;
  try {
    const grid = await dataWorker().density(datasetId, { source, x, y, nx, ny, scores: !!result });
    if (useApp.getState().datasetId === datasetId) usePlot.setState((p) => ({ grid: { req, grid }, grids: p.grids + 1 }));
  } catch {
    // A projection dropped meanwhile (new file): the next request brings the grid.
  }
}

// A new dataset: PCA axes when there are more than two feature columns (raw columns one click away).
useApp.subscribe((s, prev) => {
  if (s.datasetId !== prev.datasetId) {
    if (usePlot.getState().job?.method === 'umap') void dataWorker().cancelUmap();
    const pca = s.datasetId !== null && s.features.length > 2;
    usePlot.setState({ projection: pca ? 'pca' : 'columns', projected: null, job: null, grid: null, colorBy: 'score' });
    if (pca) void computeProjection('pca');
  } else if (s.features !== prev.features || s.missingPolicy !== prev.missingPolicy) {
    const p = usePlot.getState().projection;
    if (p !== 'columns') void computeProjection(p);
  }
});
