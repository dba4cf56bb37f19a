/** The scatter plot's controls (issue 23): axes (columns, PCA, UMAP), density layer, colouring; and the confusion legend. */
import { setPlotAxes } from '../store';
import { cancelProjection, setProjection, usePlot, type Projection } from '../state/plot';
import { UMAP_MAX_ROWS } from '../../core/data/umap';
import { fmtInt } from '../lib/format';
import { useApp } from '../store';
import { CONFUSION } from './PlotLayers';

export function PlotToolbar({ cols, plotX, plotY, sampled, hasLabels }: { cols: string[]; plotX: string | null; plotY: string | null; sampled: boolean; hasLabels: boolean }) {
  const projection = usePlot((s) => s.projection);
  const job = usePlot((s) => s.job);
  const density = usePlot((s) => s.density);
  const colorBy = usePlot((s) => s.colorBy);
  const rows = useApp((s) => s.dataset?.rows ?? 0);
  const features = useApp((s) => s.features.length);
  const running = job && !job.error;
  return (
    <div className="plot-head plot-toolbar">
      <label>axes{' '}
        <select data-testid="projection" value={projection} onChange={(e) => void setProjection(e.target.value as Projection)}>
          <option value="columns">columns</option>
          <option value="pca" disabled={features < 2}>PCA (2 components)</option>
          <option value="umap" disabled={features < 2 || rows > UMAP_MAX_ROWS}>UMAP{rows > UMAP_MAX_ROWS ? ` (≤ ${fmtInt(UMAP_MAX_ROWS)} rows)` : ''}</option>
        </select>
      </label>
      {projection === 'columns' && (
        <>
          <label>x <select data-testid="plot-x" value={plotX ?? ''} onChange={(e) => void setPlotAxes(e.target.value, plotY)}>{cols.map((c) => <option key={c}>{c}</option>)}</select></label>
          <label>y <select data-testid="plot-y" value={plotY ?? ''} onChange={(e) => void setPlotAxes(plotX, e.target.value)}>{cols.map((c) => <option key={c}>{c}</option>)}</select></label>
        </>
      )}
      {running && (
        <span className="small" data-testid="projection-progress" data-fraction={job.fraction}>
          {job.method === 'umap' ? 'UMAP' : 'PCA'} {Math.round(100 * job.fraction)} %{' '}
          <progress max={1} value={job.fraction} aria-label="projection progress" />
          {job.method === 'umap' && <button type="button" className="small" data-testid="projection-cancel" onClick={cancelProjection}>Cancel</button>}
        </span>
      )}
      {job?.error && <span className="small error-text" role="alert" data-testid="projection-error">{job.error}</span>}
      <label className="small">density{' '}
        <select data-testid="density-mode" value={density} onChange={(e) => usePlot.setState({ density: e.target.value as 'off' | 'score' | 'count', grid: null })} title={sampled ? 'every row, binned in the data worker' : 'every row, binned'}>
          <option value="score">mean score</option>
          <option value="count">count</option>
          <option value="off">off</option>
        </select>
      </label>
      {hasLabels && (
        <label className="small">colour{' '}
          <select data-testid="color-by" value={colorBy} onChange={(e) => usePlot.setState({ colorBy: e.target.value as 'score' | 'confusion' })}>
            <option value="score">score</option>
            <option value="confusion">confusion (TP / FP / FN / TN)</option>
          </select>
        </label>
      )}
    </div>
  );
}

/** The confusion colouring's legend, with the counts at the current threshold. */
export function ConfusionLegend({ tp, fp, fn, tn }: { tp: number; fp: number; fn: number; tn: number }) {
  const rows: [keyof typeof CONFUSION, string, number][] = [['tp', 'TP: flagged, labelled anomaly', tp], ['fp', 'FP: flagged, labelled normal', fp], ['fn', 'FN: missed anomaly', fn], ['tn', 'TN: normal, not flagged', tn]];
  return (
    <div className="confusion-legend small" data-testid="confusion-legend">
      {rows.map(([k, name, n]) => (
        <div key={k} data-kind={k} data-count={n}>
          <svg width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" r="5" fill={CONFUSION[k]} /></svg> {name}: {fmtInt(n)}
        </div>
      ))}
    </div>
  );
}
