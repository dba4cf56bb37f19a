import { useState } from 'react';
import { useApp, setThreshold, setContamination, setFlaggedCount, resetThreshold } from '../store';
import { fmt, fmtInt } from '../lib/format';
import { thresholdRelation } from '../../core/detectors/threshold';
import { LinkedNumber } from './LinkedNumber';
import { THRESHOLD_METHODS, THRESHOLD_METHOD_NAMES, type ThresholdMethod } from '../../core/detectors/thresholders';
import { setThresholdMethod, useThresholdMethod } from '../state/tune';

const STEPS = 1000;

export function ThresholdPanel() {
  const result = useApp((s) => s.result);
  const threshold = useApp((s) => s.threshold);
  const [own, setOwn] = useState<{ position: number; threshold: number } | null>(null);
  // A flagged count typed in that ties make unreachable: said, with the next count up offered.
  const [asked, setAsked] = useState<{ k: number; threshold: number } | null>(null);
  const method = useThresholdMethod();
  // A contamination % typed outside (0, 100]: refused with a message, the threshold unchanged.
  const [contError, setContError] = useState<string | null>(null);
  const labels = useApp((s) => s.labels);
  if (!result) {
    return (
      <section className="panel">
        <h2>Threshold</h2>
        <p className="muted small">Run a detector to set a threshold.</p>
      </section>
    );
  }
  const { sweep } = result;
  const flagged = sweep.flaggedAt(threshold);
  // The One-class SVM's libsvm rule sits just below 0: said as score ≥ 0.
  const rel = thresholdRelation(threshold);
  // The slider keeps its own position while it set the threshold: with fewer rows than
  // steps, neighbouring positions map to one threshold, and deriving the position back
  // from it would pin the knob (arrow keys would never get past a gap between scores).
  const position = own && own.threshold === threshold ? own.position : Math.round(sweep.rankOf(threshold) * STEPS);
  return (
    <section className="panel">
      <h2>Threshold</h2>
      <div className="threshold-value">
        score {rel.op} <strong data-testid="threshold-value" data-value={threshold}>{fmt(rel.value, 5)}</strong>
        <button type="button" className="link" onClick={resetThreshold} title="The detector's own threshold (contamination parameter)">reset to detector's</button>
      </div>
      <input
        type="range" min={0} max={STEPS} step={1} value={position} data-testid="threshold-slider" className="slider"
        aria-label="threshold (quantile of the scores)"
        onChange={(e) => {
          const p = Number(e.target.value);
          const t = sweep.quantile(p / STEPS);
          setOwn({ position: p, threshold: t });
          setThreshold(t);
        }}
      />
      <div className="slider-scale muted small"><span>{fmt(sweep.min)}</span><span>score quantile</span><span>{fmt(sweep.max)}</span></div>
      <div className="linked">
        <label>
          contamination %
          <LinkedNumber testId="contamination-input" min={0} max={100} step={0.1} value={Number(((100 * flagged) / sweep.n).toFixed(3))} invalid={contError !== null} onCommit={(v) => {
            if (!(v > 0 && v <= 100)) {
              setContError(`contamination % must be in (0, 100], got: ${v}`);
              return;
            }
            setContError(null);
            setContamination(v / 100);
          }} />
        </label>
        <label>
          flagged rows
          <LinkedNumber testId="flagged-count" min={0} max={sweep.n} step={1} value={flagged} onCommit={(v) => {
            setFlaggedCount(v);
            setAsked({ k: Math.max(0, Math.min(sweep.n, Math.round(v))), threshold: sweep.thresholdForCount(v) });
          }} />
        </label>
      </div>
      <label className="param" title="A threshold read from the scores alone, without labels (PyThresh's rules); moving the slider or typing a share sets it by hand again">
        <span>threshold by</span>
        <select data-testid="threshold-method" value={method ?? ''} onChange={(e) => setThresholdMethod((e.target.value || null) as ThresholdMethod | null)}>
          <option value="">{method ? "the detector's contamination" : 'slider / contamination'}</option>
          {THRESHOLD_METHODS.map((m) => <option key={m} value={m}>{THRESHOLD_METHOD_NAMES[m]}</option>)}
        </select>
      </label>
      {contError && <div className="input-error small" role="alert" data-testid="contamination-error">{contError}</div>}
      <div className="muted small">{fmtInt(flagged)} of {fmtInt(sweep.n)} rows flagged</div>
      {labels && labels.labels.length === sweep.n && threshold === result.modelThreshold && <OverFlagNote flagged={flagged} n={sweep.n} positives={labels.positives} />}
      {asked && asked.threshold === threshold && flagged !== asked.k && <TieNote k={asked.k} sweep={sweep} />}
    </section>
  );
}

/** Why a typed flagged count was not reached: rows tie at one score, and a threshold flags all of them or none. */
function TieNote({ k, sweep }: { k: number; sweep: { countsNear(k: number): { below: number; above: number | null; aboveThreshold: number | null; tiedScore: number | null } } }) {
  const c = sweep.countsNear(k);
  if (c.above === null || c.aboveThreshold === null || c.tiedScore === null) return null;
  const aboveThreshold = c.aboveThreshold;
  return (
    <div className="muted small tie-note" data-testid="flagged-tie-note" data-below={c.below} data-above={c.above}>
      {fmtInt(k)} rows cannot be flagged exactly: {fmtInt(c.above - c.below)} rows tie at score {fmt(c.tiedScore, 5)}, and a threshold flags all of them or none.{' '}
      <button type="button" className="link" data-testid="flag-tied" onClick={() => setThreshold(aboveThreshold)}>Flag {fmtInt(c.above)} instead</button>
    </div>
  );
}

/**
 * When the detector's own threshold flags far more rows than the labels mark (the One-class SVM's
 * nu 0.5 flags half of cardio, whose labelled rate is 9.6 %): said beside the flagged count, with
 * the labelled share one click away. "Far more": over twice the labelled share and 5 points above it.
 */
function OverFlagNote({ flagged, n, positives }: { flagged: number; n: number; positives: number }) {
  const share = flagged / n, rate = positives / n;
  if (!(positives > 0 && share > 2 * rate && share - rate > 0.05)) return null;
  return (
    <div className="warn small" role="note" data-testid="overflag-note" data-share={share} data-rate={rate}>
      The detector's own threshold flags {(100 * share).toFixed(1)} % of rows; the labels mark {(100 * rate).toFixed(1)} %.{' '}
      Its contamination (or nu) sets that share.{' '}
      <button type="button" className="link" data-testid="flag-labelled-share" onClick={() => setContamination(rate)}>Flag {(100 * rate).toFixed(1)} % instead</button>
    </div>
  );
}
