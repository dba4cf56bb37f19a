import { useApp, run } from '../store';
import { useApplyFailure } from '../state/stale';

/**
 * Why the result on screen no longer answers the page's settings (issue 23: honest state), or null.
 * After Cancel and after a failed run or model apply the previous result stays (nothing loaded is
 * lost) but is not what was asked for; after the missing-cell policy changed it was computed with
 * other filled values.
 */
export function staleReason(s: ReturnType<typeof useApp.getState>, applyFailure: string | null = null): { kind: string; text: string } | null {
  const r = s.result;
  if (!r || s.job.state === 'running') return null;
  if (s.job.state === 'idle' && s.job.message === 'cancelled') return { kind: 'cancelled', text: `the last run was cancelled: this is the previous result (${r.detector})` };
  if (s.job.state === 'error') return { kind: 'failed', text: `the last run failed (${s.job.message}): this is the previous result (${r.detector})` };
  // state/models.ts: a model that could not be applied (its message is in the banner).
  if (applyFailure) return { kind: 'apply-failed', text: `applying the model failed: this is the previous result (${r.detector})` };
  if (s.missingPolicy !== r.missing) return { kind: 'missing-policy', text: `missing cells are now filled with the ${s.missingPolicy}, this result used the ${r.missing}` };
  return null;
}

/** The stale mark over the result, with what changed and a one-click re-run. */
export function StaleNote() {
  // A string from the selector: the store hands back the same value until the reason changes.
  const applyFailure = useApplyFailure((s) => s.text);
  const key = useApp((s) => { const r = staleReason(s, applyFailure); return r ? `${r.kind}|${r.text}` : ''; });
  if (!key) return null;
  const bar = key.indexOf('|');
  const reason = { kind: key.slice(0, bar), text: key.slice(bar + 1) };
  return (
    <div className="stale-note warn small" role="status" data-testid="stale-note" data-reason={reason.kind}>
      <strong>Stale result</strong>: {reason.text}.{' '}
      <button type="button" className="link" data-testid="stale-rerun" onClick={() => void run()}>Re-run</button>
    </div>
  );
}
