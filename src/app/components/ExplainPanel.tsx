import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { explainRow, useApp } from '../store';
import { fmt, fmtInt } from '../lib/format';
import { detectorMeta } from '../../core/detectors/specs';

/** The clicked row: its score, values, and — for the autoencoder — which features its reconstruction error comes from. */
export function ExplainPanel() {
  const ex = useApp((s) => s.explained);
  const threshold = useApp((s) => s.threshold);
  const result = useApp((s) => s.result);
  if (!ex) return null;
  // A sequence model (lstm_ae, gru_ae) scores the window ending at the row: its per-column errors are shares summing to the score.
  const sequence = result ? detectorMeta(result.model.detector).sequenceWindows === true : false;
  const windowRows = Number(result?.params.window_size ?? 0);
  const warming = Number(result?.info.details.warmup_rows ?? 0) > ex.row;
  const total = ex.errors ? ex.errors.reduce((a, b) => a + b, 0) : 0;
  const bars = ex.errors
    ? ex.columns.map((c, j) => ({ column: c, error: ex.errors![j], share: total > 0 ? ex.errors![j] / total : 0 })).sort((a, b) => b.error - a.error).slice(0, 12)
    : null;
  return (
    <section className="panel explain" data-testid="explain-panel" data-row={ex.row}>
      <div className="explain-head">
        <h2>Row {fmtInt(ex.row + 1)}</h2>
        <button type="button" className="link" data-testid="explain-close" onClick={() => void explainRow(null)}>close</button>
      </div>
      <div className="small">
        score <strong data-testid="explain-score">{fmt(ex.score, 5)}</strong> {ex.score > threshold ? '· flagged' : '· not flagged'}
      </div>
      {warming && <div className="note small" data-testid="explain-warmup">Warming up: no full window of {fmtInt(windowRows)} rows ends here yet, so the row scores 0.</div>}
      {bars ? (
        <>
          <div className="muted small" data-testid="explain-what">
            {sequence
              ? `Each channel's share of the reconstruction error of the window of ${fmtInt(windowRows)} rows ending here (standardised units); the shares sum to the score.`
              : 'Squared reconstruction error per feature (standardised units); the score is their mean.'}
          </div>
          <div className="explain-chart" data-testid="explain-errors" data-features={bars.length}>
            <ResponsiveContainer width="100%" height={Math.max(80, 22 * bars.length + 30)}>
              <BarChart accessibilityLayer={false} data={bars} layout="vertical" margin={{ top: 4, right: 12, bottom: 4, left: 4 }}>
                <CartesianGrid stroke="#e5e8ee" horizontal={false} />
                <XAxis type="number" tickFormatter={(v: number) => fmt(v, 2)} />
                <YAxis type="category" dataKey="column" width={90} tick={{ fontSize: 11 }} />
                <Tooltip isAnimationActive={false} formatter={(v, _n, p) => `${fmt(Number(v), 4)} (${(100 * (p?.payload?.share ?? 0)).toFixed(1)} % of the error)`} />
                <Bar dataKey="error" fill="#c8473a" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </>
      ) : ex.error ? (
        <div className="warn small">{ex.error}</div>
      ) : null}
      <table className="explain-values small" data-testid="explain-values">
        <tbody>
          {ex.columns.map((c, j) => (
            <tr key={c}><td>{c}</td><td className="num">{fmt(ex.values[j], 5)}</td>{ex.errors && <td className="num muted">{fmt(ex.errors[j], 3)}</td>}</tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
