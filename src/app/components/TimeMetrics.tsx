import { useApp } from '../store';
import { useNab } from '../state/nab';
import { fmt, fmtInt } from '../lib/format';
import { thresholdRelation } from '../../core/detectors/threshold';

/** A duration in ms as people read it: the two largest units (3 h 20 min, 45 s, 2 d 4 h). */
export function fmtDuration(ms: number): string {
  const a = Math.abs(ms);
  if (a < 1000) return `${fmt(ms, 3)} ms`;
  const units: [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000], ['s', 1000]];
  const k = units.findIndex(([, u]) => a >= u);
  const [big, bu] = units[k];
  let whole = Math.floor(a / bu);
  const next = units[k + 1];
  let rest = next ? Math.round((a - whole * bu) / next[1]) : 0;
  if (next && rest * next[1] >= bu) [whole, rest] = [whole + 1, 0]; // 59.6 min: 1 h, not 0 h 60 min
  const sign = ms < 0 ? '−' : '';
  if (k === units.length - 1) return `${sign}${fmt(a / 1000, 3)} s`;
  return rest > 0 && next ? `${sign}${whole} ${big} ${rest} ${next[0]}` : `${sign}${whole} ${big}`;
}

function Value({ id, name, value, text, help }: { id: string; name: string; value: number | null; text?: string; help: string }) {
  return (
    <div className="metric" title={help}>
      <span className="metric-name">{name}</span>
      <span className="metric-value" data-testid={`metric-${id}`} data-value={value === null ? '' : String(value)}>{text ?? (value === null ? '—' : fmt(value, 4))}</span>
    </div>
  );
}

/**
 * NAB's score (three profiles) and the event-wise metrics at the current threshold, when the series
 * has windows or point labels: read from the run's NabSweep in O(log n) per slider move.
 */
export function TimeMetrics() {
  const { sweep, scores, source, windows, error } = useNab();
  const result = useApp((s) => s.result);
  const threshold = useApp((s) => s.threshold);
  const kind = useApp((s) => s.timeAxis?.kind ?? 'row');
  const windowsFile = useApp((s) => s.windowsFile);
  if (error) return <p className="error small" data-testid="time-metrics-error">NAB and event metrics could not be computed: {error}</p>;
  // A newer run than the sweep's: its own sweep is on the way.
  if (!sweep || !result || scores !== result.scores) return null;
  // A model that saw the rows it scores after the probation (fitted on all rows) is not causal: NAB's score would flatter it.
  const causal = result.causal;
  const nab = causal ? sweep.nabAt(threshold) : null;
  const ev = sweep.eventAt(threshold);
  const rel = thresholdRelation(threshold);
  const mttd = ev.meanTimeToDetect;
  const mttdText = mttd === null ? '—' : kind === 'row' ? `${fmt(mttd, 4)} rows` : fmtDuration(mttd);
  const probation = sweep.tables.probation;
  return (
    <div className="time-metrics" data-testid="time-metrics" data-source={source ?? ''} data-causal={String(causal)}>
      <h3>Time series: windows</h3>
      <p className="muted small" data-testid="time-metrics-source">
        {source === 'windows'
          ? `${fmtInt(windows)} ${windows === 1 ? 'window' : 'windows'} from ${windowsFile ?? 'the windows file'}`
          : `no windows file: each run of consecutive positive labels is a window (${fmtInt(windows)})`}
        ; flagged: score {rel.op} {fmt(rel.value, 5)}
      </p>
      <div className="metrics-caption" title="NAB: the Numenta Anomaly Benchmark's score of this series (windows, probation, sigmoid weights), one per application profile">NAB score</div>
      <div className="metrics three" data-testid="nab-metrics">
        <Value id="nab-standard" name="standard" value={nab ? nab.standard.score : null} help="NAB's normalised score, standard profile (A_TP 1, A_FN 1, A_FP 0.11): 100 = every window detected at its start, 0 = nothing detected" />
        <Value id="nab-low-fp" name="low FP" value={nab ? nab.reward_low_FP_rate.score : null} help="NAB's reward_low_FP_rate profile (A_FP 0.22)" />
        <Value id="nab-low-fn" name="low FN" value={nab ? nab.reward_low_FN_rate.score : null} help="NAB's reward_low_FN_rate profile (A_FN 2)" />
      </div>
      <div className="metrics-caption" title="Merlion's revised point-adjusted definition">Event-wise: a window counts once</div>
      <div className="metrics three" data-testid="event-metrics">
        <Value id="event-precision" name="precision" value={ev.precision} help="Merlion's revised point-adjusted: detected windows / (detected windows + flagged rows outside windows)" />
        <Value id="event-recall" name="recall" value={ev.recall} help="Windows with at least one flagged row / windows" />
        <Value id="event-f1" name="F1" value={ev.f1} help="2·P·R / (P + R) of the event precision and recall" />
      </div>
      <div className="metrics">
        <Value id="event-mttd" name="Mean time to detect" value={mttd} text={mttdText} help={`Mean over detected windows of (first flagged row's time − window start), in ${kind === 'row' ? 'rows' : 'time'}`} />
      </div>
      {!causal && (
        <p className="warn small" data-testid="nab-not-causal">
          Not causal: fitted on {result.fittedOn}, so rows after NAB's probationary period were scored by a model that saw them. NAB's score is left out; fit on the probationary period to get it.
        </p>
      )}
      <p className="muted small" data-testid="event-counts" data-tp={ev.tp} data-fp={ev.fp} data-fn={ev.fn}>
        {fmtInt(ev.tp)} of {fmtInt(ev.tp + ev.fn)} windows detected, {fmtInt(ev.fp)} flagged {ev.fp === 1 ? 'row' : 'rows'} outside windows.
        {' '}NAB leaves the first {fmtInt(probation)} rows (its probationary period) unscored; the event metrics count every row.
      </p>
    </div>
  );
}
