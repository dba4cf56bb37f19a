import { useApp } from '../store';
import { fmt, fmtInt } from '../lib/format';

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
  const hasLabels = useApp((s) => s.labels !== null);
  if (!result) return null;
  const m = result.sweep.metricsAt(threshold);
  if (!m || !hasLabels) {
    return (
      <section className="panel">
        <h2>Metrics</h2>
        <p className="muted small">Pick a label column to compare the flags with ground truth.</p>
      </section>
    );
  }
  return (
    <section className="panel">
      <h2>Metrics</h2>
      <div className="metrics">
        <Metric id="precision" name="Precision" value={m.precision} help="tp / (tp + fp); 0 when nothing is flagged" />
        <Metric id="recall" name="Recall" value={m.recall} help="tp / (tp + fn)" />
        <Metric id="f1" name="F1" value={m.f1} help="2·tp / (2·tp + fp + fn)" />
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
    </section>
  );
}
