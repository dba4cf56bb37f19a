import { useApp } from '../store';
import { addCurrentDetector, cancelCompare, runCompare, setCompareForm, setOverlapText, showCompared, sortedRows, useCompare, type CompareRow } from '../state/compare';
import { COMPARE_METRICS, type CompareMetric, type MeanSd } from '../../core/metrics/compare';
import { fmt, fmtMs } from '../lib/format';
import { CompareViews } from './CompareViews';

const HEAD: Record<CompareMetric, string> = {
  roc_auc: 'ROC-AUC', average_precision: 'AP', precision_at_n: 'P@n', precision: 'precision', recall: 'recall', f1: 'F1', fit_ms: 'fit', score_ms: 'score',
};

/**
 * Compare detectors (issue 20): a list (one a line: an id or {"detector": id, "params": {…}}), N
 * seeds, run across the pool with a progress bar each and one cancel; the table (sortable, a click
 * on a row shows that detector in the plots), the overlays and the agreement matrices below it.
 */
export function ComparePanel() {
  const hasData = useApp((s) => s.dataset !== null);
  const text = useCompare((s) => s.text);
  const seeds = useCompare((s) => s.seeds);
  const overlapText = useCompare((s) => s.contaminationText);
  const contamination = useCompare((s) => s.contamination);
  const state = useCompare((s) => s.state);
  const error = useCompare((s) => s.error);
  const rows = useCompare((s) => s.rows);
  const busy = state === 'running';
  return (
    <section className="panel" data-testid="compare-panel">
      <h2>Compare detectors</h2>
      <label className="param" title='One detector a line: an id (iforest) or JSON {"detector":"lof","params":{"n_neighbors":35}}'>
        <span>detectors</span>
        <textarea data-testid="compare-entries" rows={4} spellCheck={false} value={text} onChange={(e) => setCompareForm({ text: e.target.value })} />
      </label>
      <div className="run-row">
        <label className="param" title="Each detector runs with seeds seed, seed + 1, …: the table shows mean ± sd, the curves a band">
          <span>seeds</span>
          <input type="number" min={1} max={100} data-testid="compare-seeds" value={seeds} onChange={(e) => setCompareForm({ seeds: Math.max(1, Math.round(Number(e.target.value)) || 1) })} />
        </label>
        <label className="param" title="The common share flagged for the top-k overlap (Jaccard)">
          <span>overlap at</span>
          <input type="text" inputMode="decimal" data-testid="compare-contamination" value={overlapText} aria-invalid={String(contamination) !== overlapText.trim() && Number(overlapText) !== contamination} onChange={(e) => setOverlapText(e.target.value)} />
        </label>
      </div>
      <div className="run-row">
        <button type="button" className="primary" data-testid="compare-run" disabled={!hasData || busy} onClick={() => void runCompare()}>Compare</button>
        <button type="button" data-testid="compare-cancel" disabled={!busy} onClick={cancelCompare}>Cancel</button>
        <button type="button" data-testid="compare-add" disabled={busy} onClick={addCurrentDetector} title="Add the detector chosen above, with its parameters, to the list">+ current detector</button>
        <span className={`job ${state}`} data-testid="compare-status" data-state={state}>{state === 'error' ? `error: ${error}` : state === 'cancelled' ? 'cancelled' : ''}</span>
      </div>
      {rows.map((r, i) => <Progress key={i} r={r} />)}
      {rows.length > 0 && <CompareTable />}
      {rows.length > 0 && <CompareViews />}
    </section>
  );
}

function Progress({ r }: { r: CompareRow }) {
  if (r.state === 'done') return null;
  return (
    <div className="small" data-testid="compare-progress" data-detector={r.entry.label} data-state={r.state}>
      <span>{r.entry.label}: {r.state === 'error' ? `error: ${r.message}` : r.state}{r.message && r.state !== 'error' ? ` (${r.message})` : ''}</span>
      {(r.state === 'running' || r.state === 'waiting') && <div className="progress"><div className="bar" style={{ width: `${(100 * r.fraction).toFixed(1)}%` }} /></div>}
    </div>
  );
}

function cell(m: MeanSd | null | undefined, ms: boolean, seeds: number): string {
  if (!m) return '—';
  if (ms) return fmtMs(m.mean);
  // An sd at rounding level (seeds that flag the same rows, summed in another order) reads as 0, not 6.8e-17.
  const sd = m.sd <= 1e-12 * Math.max(1, Math.abs(m.mean)) ? 0 : m.sd;
  return seeds > 1 ? `${fmt(m.mean, 4)} ± ${fmt(sd, 2)}` : fmt(m.mean, 4);
}

function CompareTable() {
  const rows = useCompare((s) => s.rows);
  const sort = useCompare((s) => s.sort);
  const shownRow = useCompare((s) => s.shown);
  const order = sortedRows(rows, sort);
  const click = (key: CompareMetric | 'detector') => setCompareForm({ sort: { key, descending: sort.key === key ? !sort.descending : key !== 'detector' && !key.endsWith('_ms') } });
  const arrow = (key: string) => (sort.key === key ? (sort.descending ? ' ▼' : ' ▲') : '');
  return (
    <div className="compare-table-wrap">
    <table className="small tune-table compare-table" data-testid="compare-table">
      <thead>
        <tr>
          <th data-sort="detector" onClick={() => click('detector')}>detector{arrow('detector')}</th>
          {COMPARE_METRICS.map((k) => <th key={k} data-sort={k} aria-sort={sort.key === k ? (sort.descending ? 'descending' : 'ascending') : 'none'} onClick={() => click(k)} title={k}>{HEAD[k]}{arrow(k)}</th>)}
        </tr>
      </thead>
      <tbody>
        {order.map((i) => {
          const r = rows[i];
          const seeds = r.runs.length;
          return (
            <tr key={i} data-testid="compare-row" data-detector={r.entry.detector} data-label={r.entry.label} data-state={r.state} data-selected={shownRow === i ? 'true' : 'false'} className={shownRow === i ? 'best' : undefined}
              onClick={() => showCompared(i)} style={{ cursor: r.state === 'done' ? 'pointer' : undefined }} title="Show this detector in the plots">
              <td>{r.entry.label}</td>
              {COMPARE_METRICS.map((k) => {
                const m = r.summary?.[k];
                return <td key={k} data-metric={k} data-value={m ? m.mean : ''} data-sd={m ? m.sd : ''}>{cell(m, k.endsWith('_ms'), seeds)}</td>;
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
    </div>
  );
}
