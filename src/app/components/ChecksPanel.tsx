/**
 * Checks against the history of earlier uploads (issue 22): one row per check, failures first,
 * each with its note, a sparkline of the metric's earlier values with the mean ± k·stdev band and
 * the current value marked, and for a failure a link to what it concerns. The asset name (the file
 * name unless typed), k and the robust variant; the history per asset, export, import and clear.
 */
import { useEffect, useState } from 'react';
import { failuresFirst, type CheckResult } from '../../core/checks/checks';
import { useApp } from '../store';
import { fmt } from '../lib/format';
import { FileInput } from './FileInput';
import {
  checkHistory, clearHistory, exportHistory, importHistory, setAsset, setK, setRobust, showAsset, startChecks, useChecks,
} from '../state/checks';

export function ChecksPanel() {
  useEffect(() => startChecks(), []);
  const asset = useChecks((s) => s.asset);
  const report = useChecks((s) => s.report);
  const k = useChecks((s) => s.k);
  const robust = useChecks((s) => s.robust);
  const error = useChecks((s) => s.error);
  const current = useChecks((s) => s.current);
  const datasetId = useApp((s) => s.datasetId);
  // Links reach the data and threshold panels only while the checked upload is the one on screen.
  const linked = current !== null && current.datasetId !== null && current.datasetId === datasetId;
  const checks = report ? failuresFirst(report.checks) : [];
  const count = (status: string) => checks.filter((c) => c.status === status).length;
  return (
    <section className="panel checks-panel" data-testid="checks-panel">
      <h2>Checks against history</h2>
      <p className="muted small" data-testid="checks-local">The history stays in this browser (IndexedDB): nothing leaves this tab.</p>
      <AssetInput asset={asset} />
      <div className="checks-options">
        <label>
          k <input type="number" min={0} step={0.5} value={k} data-testid="checks-k" onChange={(e) => setK(Number(e.target.value))} />
        </label>
        <label title="median ± k · 1.4826 · MAD instead of mean ± k · stdev">
          <input type="checkbox" checked={robust} data-testid="checks-robust" onChange={(e) => setRobust(e.target.checked)} /> robust
        </label>
      </div>
      {error && <div className="warn small" data-testid="checks-error">{error}</div>}
      {report && current && (
        <div className="small" data-testid="checks-summary" data-passed={report.passed}>
          <strong>{current.m.file}</strong> as materialisation {report.materializations} of <strong>{report.asset}</strong>: {count('failed')} failed, {count('passed')} passed, {count('skipped')} skipped
        </div>
      )}
      {checks.length > 0 && (
        // tabIndex: the list scrolls, so the keyboard must be able to reach and scroll it (axe scrollable-region-focusable).
        <ul className="check-list" tabIndex={0} aria-label="Checks against the upload history">
          {checks.map((c) => <CheckRow key={c.metric} check={c} linked={linked} />)}
        </ul>
      )}
      <HistoryList />
    </section>
  );
}

function AssetInput({ asset }: { asset: string }) {
  const [text, setText] = useState(asset);
  useEffect(() => setText(asset), [asset]);
  return (
    <label className="asset-input" title="Uploads under one asset name are checked against each other; the name stays for the next files. Empty: the file name.">
      asset{' '}
      <input
        type="text" value={text} data-testid="asset-input" placeholder="the file name"
        onChange={(e) => setText(e.target.value)}
        onBlur={() => { if (text !== asset) void setAsset(text); }}
        onKeyDown={(e) => { if (e.key === 'Enter') void setAsset(text); }}
      />
    </label>
  );
}

function CheckRow({ check, linked }: { check: CheckResult; linked: boolean }) {
  const values = check.status === 'skipped' ? [] : checkHistory(check.metric);
  return (
    <li className={`check-row ${check.status}`} data-testid="check-row" data-metric={check.metric} data-status={check.status}>
      <div className="check-head">
        <span className={`check-status ${check.status}`}>{check.status}</span> <code>{check.metric}</code>
        {check.value !== null && <span className="muted"> = {fmt(check.value)}</span>}
        {check.status === 'failed' && linked && target(check.metric) && (
          <button type="button" className="link" data-testid="check-link" onClick={() => reveal(check.metric)}>show</button>
        )}
      </div>
      <div className="small check-note" data-testid="check-note">{check.note}</div>
      {values.length > 0 && <Sparkline values={values} check={check} />}
    </li>
  );
}

const W = 160;
const H = 30;

/** The earlier values as a line, the band mean ± k·stdev shaded, the current value as a dot (red when it failed). */
function Sparkline({ values, check }: { values: number[]; check: CheckResult }) {
  const center = check.mean ?? 0;
  const half = check.k * (check.stdev ?? 0);
  const current = check.value;
  const all = [...values, center - half, center + half, ...(current !== null && Number.isFinite(current) ? [current] : [])];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const span = hi - lo || 1;
  const x = (i: number) => 4 + (i * (W - 12)) / Math.max(1, values.length);
  const y = (v: number) => H - 3 - ((v - lo) / span) * (H - 6);
  const path = values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return (
    <svg className="sparkline" width={W} height={H} data-testid="check-sparkline" data-points={values.length} role="img"
      aria-label={`${check.metric}: ${values.length} earlier values, band ${fmt(center - half)} to ${fmt(center + half)}, current ${current === null ? 'undefined' : fmt(current)}`}>
      <rect className="band" x={0} width={W} y={y(center + half)} height={Math.max(1, y(center - half) - y(center + half))} />
      <path className="line" d={path} />
      {current !== null && Number.isFinite(current)
        ? <circle className={`current ${check.status}`} cx={x(values.length)} cy={y(current)} r={3} />
        : <text className={`current ${check.status}`} x={x(values.length) - 3} y={9}>×</text>}
    </svg>
  );
}

/** What a failed check concerns, on screen: the column's row in the data panel, the flagged count, the row count. */
function target(metric: string): Element | null {
  if (typeof document === 'undefined') return null;
  const colon = metric.indexOf(':');
  if (colon > 0) return document.querySelector(`[data-testid="column-table"] tr[data-column="${CSS.escape(metric.slice(colon + 1))}"]`);
  if (metric === 'flagged_share') return document.querySelector('[data-testid="flagged-count"]');
  if (metric === 'roc_auc') return document.querySelector('[data-testid="metric-roc-auc"]');
  if (metric === 'average_precision') return document.querySelector('[data-testid="metric-average-precision"]');
  if (metric === 'num_rows') return document.querySelector('[data-testid="dataset-info"]');
  return null;
}

/** Scroll to it, focus it when it is a field, and highlight it for a moment. */
function reveal(metric: string): void {
  const el = target(metric);
  if (!el) return;
  el.scrollIntoView({ block: 'center', behavior: 'smooth' });
  if (el instanceof HTMLInputElement) el.focus();
  el.classList.add('check-highlight');
  setTimeout(() => el.classList.remove('check-highlight'), 2500);
}

function HistoryList() {
  const assets = useChecks((s) => s.assets);
  const [confirming, setConfirming] = useState(false);
  const download = async () => {
    const url = URL.createObjectURL(new Blob([await exportHistory()], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'anomaly-lab-history.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <div className="history" data-testid="history-list">
      <h3>History</h3>
      {assets.length === 0 ? <p className="muted small" data-testid="history-empty">No uploads recorded yet.</p> : (
        <table className="history-table">
          <tbody>
            {assets.map((a) => (
              <tr key={a.asset} data-testid="history-asset" data-asset={a.asset} data-count={a.count}>
                <td className="name" title={a.asset}>{a.asset}</td>
                <td>{a.count} upload{a.count === 1 ? '' : 's'}</td>
                <td className="muted small">{a.last.replace('T', ' ').slice(0, 19)}</td>
                <td>
                  <button type="button" className="link" data-testid="history-show" onClick={() => void showAsset(a.asset)}>checks</button>{' '}
                  <button type="button" className="link" data-testid="history-clear-asset" onClick={() => void clearHistory(a.asset)}>clear</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="history-actions">
        <button type="button" data-testid="history-export" disabled={assets.length === 0} onClick={() => void download()}>Export JSON</button>
        <FileInput className="small" accept=".json,.jsonl,application/json" testId="history-import" label="Import JSON…" onFile={(f) => void f.text().then((t) => importHistory(t, f.name))} />
        {confirming ? (
          <span className="small">
            Clear every asset's history?{' '}
            <button type="button" data-testid="history-clear-confirm" onClick={() => { setConfirming(false); void clearHistory(); }}>Clear</button>{' '}
            <button type="button" onClick={() => setConfirming(false)}>Cancel</button>
          </span>
        ) : (
          <button type="button" data-testid="history-clear" disabled={assets.length === 0} onClick={() => setConfirming(true)}>Clear history</button>
        )}
      </div>
    </div>
  );
}
