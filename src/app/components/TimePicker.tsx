/** The data panel's time axis (time-select and what was found in the column) and the windows upload. */
import type { RowIssue, TimeAxisSummary } from '../../core/data/time';
import { useApp, setTimeColumn, loadWindowsFile, clearWindows } from '../store';
import { fmtInt } from '../lib/format';
import { FileInput } from './FileInput';

const KIND_WORDS: Record<TimeAxisSummary['kind'], string> = {
  iso: 'dates and times (UTC where no zone is given)',
  'epoch-s': 'epoch seconds',
  'epoch-ms': 'epoch milliseconds',
  row: 'row order',
};

/** A time (ms since 1970 UTC) as `2014-07-01 00:00 UTC`, seconds when they are not zero. */
export function fmtTime(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const iso = new Date(ms).toISOString(); // 2014-07-01T00:00:00.000Z
  const secs = iso.slice(16, 19) === ':00' && iso.slice(19, 23) === '.000' ? '' : iso.slice(16, iso.endsWith('.000Z') ? 19 : 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${secs} UTC`;
}

function issue(what: string, r: RowIssue): string | null {
  return r.count > 0 ? `${fmtInt(r.count)} ${what} (first in row ${fmtInt(r.firstRow)})` : null;
}

/** One line: what the axis is, its span, and any unparseable, duplicate or out-of-order times; file order is kept. */
export function timeSummary(axis: TimeAxisSummary): string {
  if (axis.kind === 'row') return `Time: row order (rows 1–${fmtInt(axis.rows)}).`;
  const issues = [issue('unparseable', axis.unparseable), issue('duplicate', axis.duplicates), issue('out of order', axis.backwards)].filter(Boolean);
  const span = `${fmtTime(axis.first)} → ${fmtTime(axis.last)}`;
  return `Time: ${KIND_WORDS[axis.kind]}, ${span}. ${issues.length ? `${issues.join(', ')}; the rows stay in file order.` : 'Rows in file order.'}`;
}

export function TimePicker() {
  const dataset = useApp((s) => s.dataset);
  const timeColumn = useApp((s) => s.timeColumn);
  const timeAxis = useApp((s) => s.timeAxis);
  const windows = useApp((s) => s.windows);
  const windowsFile = useApp((s) => s.windowsFile);
  if (!dataset) return null;
  const bad = timeAxis && (timeAxis.unparseable.count || timeAxis.duplicates.count || timeAxis.backwards.count);
  return (
    <div className="time-picker">
      <label>
        Time{' '}
        <select data-testid="time-select" value={timeColumn ?? ''} onChange={(e) => void setTimeColumn(e.target.value || null)}>
          <option value="">(row order)</option>
          {dataset.columns.map((c) => <option key={c.name} value={c.name}>{c.name}</option>)}
        </select>
      </label>
      {timeAxis && <div className={`small ${bad ? 'warn' : 'muted'}`} data-testid="time-summary">{timeSummary(timeAxis)}</div>}
      <div className="windows-upload small">
        <FileInput className="small" accept=".json,.csv,.txt,application/json,text/csv" testId="windows-upload" label="Windows file…" onFile={(f) => void loadWindowsFile(f, f.name)} />
        {' '}
        <span className="muted" data-testid="windows-summary" data-count={windows?.length ?? 0}>
          {windows ? `${fmtInt(windows.length)} labelled window${windows.length === 1 ? '' : 's'} from ${windowsFile}` : 'No windows (NAB combined_windows.json, or a CSV of start,end)'}
        </span>
        {windows && <>{' '}<button type="button" className="link" data-testid="windows-clear" onClick={() => void clearWindows()}>clear</button></>}
      </div>
    </div>
  );
}
