import { useState } from 'react';
import { useApp, message } from '../store';
import { exportName, metricsJson, pythonScript, scoredCsv } from '../state/export';
import { chartPng, chartSvg, downloadBlob } from '../lib/chart-export';

/** The chart on show in the centre (the element under the view tabs). */
function shownChart(): HTMLElement | null {
  return document.querySelector<HTMLElement>('.centre-views > :not(.tabs)');
}

/** Export and reproduce (issue 23): scored data, metrics, the chart on show, and the run as a Python script. */
export function ExportPanel() {
  const hasResult = useApp((s) => s.result !== null);
  const running = useApp((s) => s.job.state === 'running');
  const [busy, setBusy] = useState<string | null>(null);
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  const [script, setScript] = useState<string | null>(null);
  if (!hasResult) return null;
  const act = (what: string, f: () => Promise<string | void>) => async () => {
    setBusy(what);
    setNote(null);
    try {
      const done = await f();
      if (done) setNote({ text: done, error: false });
    } catch (e) {
      setNote({ text: message(e), error: true });
    } finally {
      setBusy(null);
    }
  };
  const chart = (kind: 'png' | 'svg') => act(`chart-${kind}`, async () => {
    const el = shownChart();
    if (!el) throw new Error('no chart on show');
    const view = document.querySelector('.centre-views [role="tab"][aria-selected="true"]')?.textContent?.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-') || 'chart';
    downloadBlob(kind === 'png' ? await chartPng(el) : chartSvg(el), exportName(view, kind));
  });
  return (
    <section className="panel" data-testid="export-panel">
      <h2>Export</h2>
      <div className="export-buttons">
        <button type="button" data-testid="export-scored" disabled={busy !== null || running} onClick={act('scored', async () => {
          const blob = await scoredCsv();
          downloadBlob(blob, exportName('scored', 'csv'));
          return `scored data: ${(blob.size / 1e6).toFixed(blob.size < 1e6 ? 3 : 1)} MB`;
        })}>Scored data (CSV)</button>
        <button type="button" data-testid="export-metrics" disabled={busy !== null} onClick={act('metrics', async () => {
          downloadBlob(new Blob([metricsJson()], { type: 'application/json' }), exportName('metrics', 'json'));
        })}>Metrics (JSON)</button>
        <button type="button" data-testid="export-chart-png" disabled={busy !== null} onClick={chart('png')}>Chart (PNG)</button>
        <button type="button" data-testid="export-chart-svg" disabled={busy !== null} onClick={chart('svg')}>Chart (SVG)</button>
        <button type="button" data-testid="copy-python" disabled={busy !== null} onClick={act('python', async () => {
          const text = pythonScript();
          setScript(text);
          try {
            await navigator.clipboard.writeText(text);
            return 'Python script copied';
          } catch {
            return 'the clipboard is not available: select the script below';
          }
        })}>Copy as Python</button>
      </div>
      {busy === 'scored' && <p className="muted small" role="status">writing the scored data…</p>}
      {note && <p className={note.error ? 'input-error small' : 'muted small'} role={note.error ? 'alert' : 'status'} data-testid="export-note">{note.text}</p>}
      {script && (
        <details open className="python-script">
          <summary>Python script</summary>
          <textarea readOnly wrap="off" data-testid="python-script" value={script} rows={12} aria-label="Python script reproducing the run" onFocus={(e) => e.currentTarget.select()} />
        </details>
      )}
    </section>
  );
}
