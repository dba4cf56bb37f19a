import { useState } from 'react';
import { useApp } from '../store';
import { fmt, fmtInt } from '../lib/format';
import { TimeMetrics } from './TimeMetrics';

function Metric({ id, name, value, help }: { id: string; name: string; value: number | null; help: string }) {
  return (
    <div className="metric" title={help}>
      <span className="metric-name">{name}</span>
      <span className="metric-value" data-testid={`metric-${id}`} data-value={value === null ? '' : String(value)}>{value === null ? '—' : fmt(value, 4)}</span>
    </div>
  );
}

export function MetricsPanel() {
  const result = useApp((s) => s.result);
  const threshold = useApp((s) => s.threshold);
  const labels = useApp((s) => s.labels);
  const hasLabels = labels !== null;
  const windows = useApp((s) => s.windows);
  const [betaText, setBetaText] = useState('1');
  if (!result) return null;
  const betaValue = Number(betaText);
  const beta = betaText.trim() !== '' && Number.isFinite(betaValue) && betaValue >= 0 ? betaValue : 1;
  const m = result.sweep.metricsAt(threshold, beta);
  if (!m || !hasLabels) {
    return (
      <section className="panel">
        <h2>Metrics</h2>
        <p className="muted small">{windows ? 'Point metrics need a label column.' : 'Pick a label column (or, for a time series, load a windows file) to compare the flags with ground truth.'}</p>
        <TimeMetrics />
      </section>
    );
  }
  return (
    <section className="panel">
      <h2>Metrics</h2>
      <p className="muted small" data-testid="positive-label" data-value={labels.positive} data-positives={labels.positives}>
        positive label: {labels.positive} ({fmtInt(labels.positives)} {labels.positives === 1 ? 'anomaly' : 'anomalies'})
      </p>
      <div className="metrics">
        <Metric id="precision" name="Precision" value={m.precision} help="tp / (tp + fp); 0 when nothing is flagged" />
        <Metric id="recall" name="Recall" value={m.recall} help="tp / (tp + fn)" />
        <Metric id="f1" name="F1" value={m.f1} help="2·P·R / (P + R)" />
        <div className="metric" title="scikit-learn's fbeta_score: (1 + β²)·P·R / (β²·P + R); β > 1 weighs recall more">
          <span className="metric-name">
            F-β, β ={' '}
            <input
              type="number" min={0} step={0.5} value={betaText} aria-label="beta of the F-beta score" data-testid="beta-input"
              style={{ width: '3.5em' }} onChange={(e) => setBetaText(e.target.value)}
            />
          </span>
          <span className="metric-value" data-testid="metric-fbeta" data-value={String(m.fbeta)} data-beta={String(m.beta)}>{fmt(m.fbeta, 4)}</span>
        </div>
        <Metric id="mcc" name="MCC" value={m.matthews_corrcoef} help="Matthews correlation coefficient (scikit-learn's matthews_corrcoef); 0 when every row is in one class or one prediction" />
        <Metric id="balanced-accuracy" name="Balanced accuracy" value={m.balanced_accuracy} help="Mean recall over the classes present in the labels (scikit-learn's balanced_accuracy_score)" />
        <Metric id="roc-auc" name="ROC-AUC" value={m.roc_auc} help="Area under the ROC curve (ties count ½), threshold-free" />
        <Metric id="average-precision" name="Average precision" value={m.average_precision} help="scikit-learn's average_precision_score, threshold-free" />
        <Metric id="precision-at-n" name="Precision@n" value={m.precision_at_n} help="Precision among the n highest scores, n = number of labelled anomalies (PyOD)" />
      </div>
      <table className="confusion" data-testid="confusion-matrix">
        <thead>
          <tr><th /><th>flagged</th><th>not flagged</th></tr>
        </thead>
        <tbody>
          <tr><th>anomaly</th><td className="tp" data-testid="cm-tp">{fmtInt(m.tp)}</td><td className="fn" data-testid="cm-fn">{fmtInt(m.fn)}</td></tr>
          <tr><th>normal</th><td className="fp" data-testid="cm-fp">{fmtInt(m.fp)}</td><td className="tn" data-testid="cm-tn">{fmtInt(m.tn)}</td></tr>
        </tbody>
      </table>
      {m.warnings.length > 0 && (
        <ul className="muted small" data-testid="metrics-warnings">
          {m.warnings.map((w) => <li key={w}>{w}</li>)}
        </ul>
      )}
      <TimeMetrics />
    </section>
  );
}
