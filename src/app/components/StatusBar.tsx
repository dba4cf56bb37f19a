import { useApp, setBackendPreference } from '../store';
import { BACKEND_PREFERENCES, type BackendPreference } from '../../core/compute/backend';
import { fmtMs } from '../lib/format';

export function StatusBar() {
  const backends = useApp((s) => s.backends);
  const pref = useApp((s) => s.backendPreference);
  const result = useApp((s) => s.result);
  const parseMs = useApp((s) => s.parseMs);
  const active = result?.backend ?? backends[0]?.backend ?? null;
  const notes = [...new Set(backends.flatMap((b) => b.notes))];
  return (
    <footer className="statusbar">
      <span data-testid="backend-status" data-backend={active ?? ''} title={notes.join('\n')}>
        backend: <strong>{active ?? 'starting…'}</strong>
        {backends.length > 0 && ` · ${backends.length} worker${backends.length > 1 ? 's' : ''}: ${backends.map((b) => b.backend + (b.adapter ? ` (${b.adapter})` : '')).join(', ')}`}
      </span>
      <label>
        force{' '}
        <select data-testid="backend-select" value={pref} onChange={(e) => setBackendPreference(e.target.value as BackendPreference)}>
          {BACKEND_PREFERENCES.map((b) => <option key={b} value={b}>{b}</option>)}
        </select>
      </label>
      {notes.length > 0 && <span className="muted">{notes.join(' · ')}</span>}
      <span className="spacer" />
      <span data-testid="timings">
        parse {fmtMs(parseMs)}
        {result && ` · features ${fmtMs(result.timings.features)} · fit ${fmtMs(result.timings.fit)} · score ${fmtMs(result.timings.score)} · total ${fmtMs(result.timings.total)}`}
      </span>
    </footer>
  );
}
