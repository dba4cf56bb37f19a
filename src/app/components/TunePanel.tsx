import { useApp } from '../store';
import { applyBest, cancelTuning, gridText, runTuning, setTuneForm, useTune } from '../state/tune';
import { detectorMeta } from '../../core/detectors/specs';
import { TUNE_METRICS, type TrainOn, type TrialSummary, type TuneMetric } from '../../core/tune/trial';
import { fmt, fmtMs } from '../lib/format';

/**
 * Tune the chosen detector (issue 21): a grid (one `name=v1,v2,…` per line, from the detector's spec by
 * default) or a random sample of it, k stratified folds, a metric; trials run across the worker pool
 * with progress and cancel, into a live table (parameters → mean ± sd over the folds, time); "Use best"
 * sets the detector's parameters. Without labels it says there is nothing to optimise against and
 * ranks by the stability heuristic.
 */
export function TunePanel() {
  const detector = useApp((s) => s.detector);
  const hasData = useApp((s) => s.dataset !== null);
  const hasLabels = useApp((s) => s.labels !== null);
  const runBusy = useApp((s) => s.job.state === 'running');
  const grid = useTune((s) => s.grids[detector]) ?? gridText(detector);
  const metric = useTune((s) => s.metric);
  const cv = useTune((s) => s.cv);
  const holdout = useTune((s) => s.holdout);
  const trainOn = useTune((s) => s.trainOn);
  const random = useTune((s) => s.random);
  const job = useTune((s) => s.job);
  const plan = useTune((s) => s.plan);
  const best = useTune((s) => s.best);
  const busy = job.state === 'running';
  return (
    <section className="panel" data-testid="tune-panel">
      <h2>Tune {detectorMeta(detector).name}</h2>
      <label className="param" title="One parameter per line: name=v1,v2,… (values checked by the parameter's own rules)">
        <span>grid</span>
        <textarea data-testid="tune-grid" rows={3} value={grid} spellCheck={false} onChange={(e) => setTuneForm({ grid: { detector, text: e.target.value } })} />
      </label>
      <label className="param" title="Empty: every candidate of the grid; N: a seeded random sample of N of them">
        <span>random sample</span>
        <input type="text" inputMode="numeric" data-testid="tune-random" placeholder="whole grid" value={random} onChange={(e) => setTuneForm({ random: e.target.value })} />
      </label>
      <label className="param">
        <span>metric</span>
        <select data-testid="tune-metric" value={metric} disabled={!hasLabels} onChange={(e) => setTuneForm({ metric: e.target.value as TuneMetric })}>
          {TUNE_METRICS.map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
      </label>
      <label className="param" title="Stratified k-fold (StratifiedKFold, shuffled with the random_state), or one stratified hold-out split (with labels)">
        <span>split</span>
        <select data-testid="tune-split" value={holdout ?? 'kfold'} disabled={!hasLabels} onChange={(e) => setTuneForm({ holdout: e.target.value === 'kfold' ? null : Number(e.target.value) })}>
          <option value="kfold">k-fold</option>
          <option value="0.2">hold-out 20 %</option>
          <option value="0.25">hold-out 25 %</option>
          <option value="0.33">hold-out 33 %</option>
        </select>
      </label>
      {(holdout === null || !hasLabels) && (
        <label className="param">
          <span>folds</span>
          <input type="number" min={2} max={20} data-testid="tune-cv" value={cv} onChange={(e) => setTuneForm({ cv: Math.max(2, Math.round(Number(e.target.value)) || 2) })} />
        </label>
      )}
      <label className="param" title="Fit each fold's model on all its training rows, or only on those labelled normal">
        <span>fit on</span>
        <select data-testid="tune-train-on" value={trainOn} disabled={!hasLabels} onChange={(e) => setTuneForm({ trainOn: e.target.value as TrainOn })}>
          <option value="all">all training rows</option>
          <option value="normal">training rows labelled normal</option>
        </select>
      </label>
      {!hasLabels && (
        <p className="note small" data-testid="tune-heuristic">
          No label column: there is nothing to optimise against. Trials are ranked by the stability of the flagged set across folds and seeds — a heuristic, not a measure of being right.
        </p>
      )}
      <div className="run-row">
        <button type="button" className="primary" data-testid="tune-run" disabled={!hasData || busy || runBusy} onClick={() => void runTuning()}>Tune</button>
        <button type="button" data-testid="tune-cancel" disabled={!busy} onClick={cancelTuning}>Cancel</button>
        <span className={`job ${job.state}`} data-testid="tune-status" data-state={job.state} data-done={job.done} data-total={job.total}>
          {job.state === 'idle' ? '' : job.state === 'error' ? `error: ${job.message}` : `${job.done} / ${job.total} trials${job.state === 'cancelled' ? ' (cancelled)' : ''} · ${fmtMs(job.ms)}`}
        </span>
      </div>
      {busy && <div className="progress"><div className="bar" style={{ width: `${((100 * job.done) / Math.max(1, job.total)).toFixed(1)}%` }} /></div>}
      {plan && <p className="muted small" data-testid="tune-description">{plan.description}</p>}
      {plan && <TrialTable />}
      {best && plan && (
        <div className="run-row">
          <button type="button" data-testid="tune-use-best" disabled={busy} onClick={applyBest} title="Set the detector's parameters to the best trial's">Use best</button>
          <span className="small">{plan.axes.map((a) => `${a.name}=${String(best.params[a.name])}`).join(' ')}</span>
        </div>
      )}
    </section>
  );
}

function TrialTable() {
  const rows = useTune((s) => s.rows);
  const best = useTune((s) => s.best);
  const plan = useTune((s) => s.plan)!;
  const name = plan.labelFree ? 'stability' : plan.setup.criterion;
  const folds = plan.setup.folds.length;
  return (
    <table className="small tune-table" data-testid="tune-table">
      <thead>
        <tr>{plan.axes.map((a) => <th key={a.name}>{a.name}</th>)}<th>{name} ± sd</th><th>folds</th><th>time</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => <TrialRow key={r.candidate} r={r} best={r === best || r.candidate === best?.candidate} axes={plan.axes.map((a) => a.name)} folds={folds} />)}
      </tbody>
    </table>
  );
}

function TrialRow({ r, best, axes, folds }: { r: TrialSummary; best: boolean; axes: string[]; folds: number }) {
  return (
    <tr data-testid="tune-trial" data-candidate={r.candidate} data-mean={r.mean ?? ''} data-done={r.done} data-best={best ? 'true' : 'false'} className={best ? 'best' : undefined}>
      {axes.map((a) => <td key={a}>{String(r.params[a])}</td>)}
      <td>{r.mean === null ? '—' : `${fmt(r.mean, 3)} ± ${fmt(r.sd, 2)}`}</td>
      <td>{r.done}/{folds}</td>
      <td>{r.done ? fmtMs(r.ms) : ''}</td>
    </tr>
  );
}
