/**
 * The stream engine's options in the detector panel (issue 19): the detector (an online one, or any
 * batch detector over sliding windows that learns the first N points), the drift detector and what it
 * watches, the policy on drift, the update policy, protect, and the threshold (the model's own, River's
 * moving quantile, contamination or a fixed score). They apply at the next replay or restart.
 */
import { DETECTOR_METAS } from '../../core/detectors/specs';
import { ONLINE_SCORERS } from '../../core/stream/scorers';
import { DRIFT_IDS, type DriftId } from '../../core/stream/types';
import { DRIFT_POLICIES, type DriftPolicy } from '../../core/stream/engine';
import { setStreamSettings, useStream, type StreamSettings } from '../state/stream';

// Sequence models train in epochs on tfjs: the CLI streams them (anomaly-lab stream --detector lstm_ae).
const BATCH = DETECTOR_METAS.filter((d) => !(ONLINE_SCORERS as readonly string[]).includes(d.id) && !d.sequenceWindows && !d.online);

function num(text: string, fallback: number): number {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : fallback;
}

export function StreamOptions() {
  const s = useStream((st) => st.settings);
  const online = (ONLINE_SCORERS as readonly string[]).includes(s.detector);
  const t = s.threshold;
  const setThreshold = (kind: string) => {
    const next: StreamSettings['threshold'] = kind === 'quantile' ? { kind, q: 0.99 } : kind === 'contamination' ? { kind, c: 0.05 } : kind === 'fixed' ? { kind, t: 0.5 } : { kind: 'model' };
    setStreamSettings({ threshold: next });
  };
  return (
    <details className="advanced stream-options" data-testid="stream-options">
      <summary>stream options (replay and live input)</summary>
      <label className="param" title="Online detectors score from the first point and learn every point; any other detector learns the first N points, then scores over sliding windows">
        <span>stream detector</span>
        <select data-testid="stream-detector" value={s.detector} onChange={(e) => setStreamSettings({ detector: e.target.value, params: {} })}>
          <optgroup label="online">
            {ONLINE_SCORERS.map((id) => <option key={id} value={id}>{id}</option>)}
          </optgroup>
          <optgroup label="batch, over sliding windows">
            {BATCH.map((d) => <option key={d.id} value={d.id}>{d.id}</option>)}
          </optgroup>
        </select>
      </label>
      {!online && (
        <>
          <label className="param" title="Points per sliding window (0: each point alone)">
            <span>window</span>
            <input type="number" min={0} data-testid="stream-window" value={s.window} onChange={(e) => setStreamSettings({ window: Math.max(0, Math.floor(num(e.target.value, 10))) })} />
          </label>
          <label className="param" title="Points learnt before the first fit (they score 0 and are never flagged)">
            <span>learn first</span>
            <input type="number" min={1} data-testid="stream-train" value={s.train} onChange={(e) => setStreamSettings({ train: Math.max(1, Math.floor(num(e.target.value, 750))) })} />
          </label>
          <label className="param" title="Refit every N points on the latest ones (0: never); the old model scores until the new one is ready">
            <span>update every</span>
            <input type="number" min={0} data-testid="stream-update-every" value={s.updateEvery} onChange={(e) => setStreamSettings({ updateEvery: Math.max(0, Math.floor(num(e.target.value, 0))) })} />
          </label>
        </>
      )}
      <label className="param" title="A concept-drift detector (River's defaults)">
        <span>drift detector</span>
        <select data-testid="stream-drift" value={s.drift ?? ''} onChange={(e) => setStreamSettings({ drift: (e.target.value || null) as DriftId | null, policy: e.target.value ? s.policy : 'none' })}>
          <option value="">none</option>
          {DRIFT_IDS.map((id) => <option key={id} value={id}>{id}</option>)}
        </select>
      </label>
      <label className="param" title="value: one detector per value column (a drift when any fires); score: one on the anomaly score">
        <span>it watches</span>
        <select data-testid="stream-drift-on" value={s.driftOn} disabled={!s.drift} onChange={(e) => setStreamSettings({ driftOn: e.target.value as 'value' | 'score' })}>
          <option value="value">the values</option>
          <option value="score">the score</option>
        </select>
      </label>
      <label className="param" title="reset: forget the model; retrain: swap in a model of the points after the drift; select: keep both, score with the one with the lower recent score">
        <span>on drift</span>
        <select data-testid="stream-policy" value={s.policy} disabled={!s.drift} onChange={(e) => setStreamSettings({ policy: e.target.value as DriftPolicy })}>
          {DRIFT_POLICIES.map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
      </label>
      <label className="param" title="Leave flagged points out of learning (River's protect_anomaly_detector)">
        <span>protect</span>
        <input type="checkbox" data-testid="stream-protect" checked={s.protect} onChange={(e) => setStreamSettings({ protect: e.target.checked })} />
      </label>
      <label className="param" title="model: the detector's own (half_space_trees: the 0.99 moving quantile); quantile: flag a score at or above the running q-quantile (River's QuantileFilter)">
        <span>threshold</span>
        <span>
          <select data-testid="stream-threshold" value={t.kind} onChange={(e) => setThreshold(e.target.value)}>
            <option value="model">the model's</option>
            <option value="quantile">moving quantile</option>
            <option value="contamination">contamination</option>
            <option value="fixed">fixed score</option>
          </select>
          {t.kind === 'quantile' && <input type="number" step="0.001" min={0} max={1} data-testid="stream-quantile" style={{ width: 70 }} value={t.q} onChange={(e) => setStreamSettings({ threshold: { kind: 'quantile', q: num(e.target.value, 0.99) } })} />}
          {t.kind === 'contamination' && <input type="number" step="0.01" data-testid="stream-contamination" style={{ width: 70 }} value={t.c} onChange={(e) => setStreamSettings({ threshold: { kind: 'contamination', c: num(e.target.value, 0.05) } })} />}
          {t.kind === 'fixed' && <input type="number" step="0.01" data-testid="stream-fixed" style={{ width: 70 }} value={t.t} onChange={(e) => setStreamSettings({ threshold: { kind: 'fixed', t: num(e.target.value, 0.5) } })} />}
        </span>
      </label>
      <label className="param" title="Points the 'last N' figures read">
        <span>figures over last</span>
        <input type="number" min={10} data-testid="stream-last-n" value={s.lastN} onChange={(e) => setStreamSettings({ lastN: Math.max(10, Math.floor(num(e.target.value, 500))) })} />
      </label>
      <p className="muted small">Applied at the next play from the start or restart.</p>
    </details>
  );
}
