import { useMemo } from 'react';
import { useApp, trainingRowCount, setDetector, setParam, setSeed, setFitOn, run, cancelRun, paramError, type FitOn } from '../store';
import { DETECTOR_METAS, OCSVM_EXACT_MAX_ROWS as EXACT_MAX_ROWS, detectorMeta } from '../../core/detectors/specs';
import type { ParamSpec } from '../../core/detectors/params';
import { fmt, fmtInt } from '../lib/format';
import { ModelActions } from './ModelActions';
import { useTune } from '../state/tune';
import { StreamOptions } from './StreamOptions';

function ParamInput({ detector, spec }: { detector: string; spec: ParamSpec }) {
  const value = useApp((s) => s.params[detector]?.[spec.name]);
  const current = value ?? String(spec.pageDefault ?? spec.default);
  const id = `param-${spec.name}`;
  if (spec.type === 'bool') {
    return (
      <label className="param" title={spec.help}>
        <span>{spec.name}</span>
        <input type="checkbox" data-testid={id} checked={current === 'true'} onChange={(e) => setParam(detector, spec.name, String(e.target.checked))} />
      </label>
    );
  }
  if (spec.type === 'enum') {
    return (
      <label className="param" title={spec.help}>
        <span>{spec.name}</span>
        <select data-testid={id} value={current} onChange={(e) => setParam(detector, spec.name, e.target.value)}>
          {spec.options!.map((o) => <option key={o}>{o}</option>)}
        </select>
      </label>
    );
  }
  if (spec.type === 'json') {
    // The ensemble's members (and weights): JSON, typed as text and checked as the form changes.
    return (
      <label className="param" title={spec.help}>
        <span>{spec.name}</span>
        <textarea data-testid={id} rows={spec.name === 'members' ? 3 : 1} spellCheck={false} value={current} onChange={(e) => setParam(detector, spec.name, e.target.value)} />
      </label>
    );
  }
  return (
    <label className="param" title={spec.help}>
      <span>{spec.name}</span>
      <input type="text" inputMode="decimal" data-testid={id} value={current} onChange={(e) => setParam(detector, spec.name, e.target.value)} />
    </label>
  );
}

/** One-class SVM: say when the data is past the exact solver's cut-off and the approximate route will run. */
function ApproximateNote({ detector }: { detector: string }) {
  const fitOn = useApp((s) => s.fitOn);
  const fitFirstPercent = useApp((s) => s.fitFirstPercent);
  const labels = useApp((s) => s.labels);
  const dataset = useApp((s) => s.dataset);
  const probationRows = useApp((s) => s.probationRows);
  // The rows the fit will train on (fit on: all, labelled normal, first N %, probation).
  const rows = useMemo(() => trainingRowCount({ fitOn, fitFirstPercent, labels, dataset, probationRows }), [fitOn, fitFirstPercent, labels, dataset, probationRows]);
  const method = useApp((s) => s.params.ocsvm?.method ?? 'auto');
  if (detector !== 'ocsvm') return null;
  const approximate = method === 'nystroem' || (method === 'auto' && rows > EXACT_MAX_ROWS);
  return (
    <p className={`small ${approximate ? 'note' : 'muted'}`} data-testid="ocsvm-method-note">
      {approximate
        ? `${method === 'auto' ? `${rows.toLocaleString('en-US')} training rows is over ${EXACT_MAX_ROWS.toLocaleString('en-US')}: ` : ''}Nystroem + SGDOneClassSVM — scores are approximate (their own scale; ranking close to the exact SVM's).`
        : `Exact SMO training (libsvm's) up to ${EXACT_MAX_ROWS.toLocaleString('en-US')} rows; above, Nystroem + SGD (approximate), as exact training grows with rows².`}
    </p>
  );
}

export function DetectorPanel() {
  const detector = useApp((s) => s.detector);
  const seed = useApp((s) => s.seed);
  // Causality matters for a series (NAB's figures); on a table of independent rows the badge would only be noise.
  const timeColumn = useApp((s) => s.timeColumn);
  // The job's state only: the form below must not re-render on each progress tick (JobProgress does).
  const jobState = useApp((s) => s.job.state);
  // A tuning search holds the pool's workers (its cancel restarts them): no run meanwhile.
  const tuning = useTune((s) => s.job.state === 'running');
  const hasData = useApp((s) => s.dataset !== null);
  const result = useApp((s) => s.result);
  const params = useApp((s) => s.params);
  const spec = detectorMeta(detector);
  // Checked when the form changes, not on every progress tick of a run.
  const invalid = useMemo(() => paramError(detector, params), [detector, params]);
  return (
    <section className="panel">
      <h2>Detector</h2>
      <label className="param">
        <span>detector</span>
        <select data-testid="detector-select" value={detector} onChange={(e) => setDetector(e.target.value)}>
          {DETECTOR_METAS.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
        </select>
      </label>
      <p className="muted small" title={spec.notes.join('\n')}>{spec.summary}</p>
      {spec.params.filter((p) => !p.advanced).map((p) => <ParamInput key={`${detector}.${p.name}`} detector={detector} spec={p} />)}
      {spec.params.some((p) => p.advanced) && (
        <details className="advanced" data-testid="more-params">
          <summary>more parameters</summary>
          {spec.params.filter((p) => p.advanced).map((p) => <ParamInput key={`${detector}.${p.name}`} detector={detector} spec={p} />)}
        </details>
      )}
      <ApproximateNote detector={detector} />
      <FitOnPicker />
      <label className="param" title="Seed of the random generator: the same seed gives the same scores">
        <span>random_state</span>
        <input type="number" data-testid="seed-input" value={seed} onChange={(e) => setSeed(Number(e.target.value) || 0)} />
      </label>
      {invalid && <div className="warn small" data-testid="param-error">{invalid}</div>}
      <div className="run-row">
        <button type="button" className="primary" data-testid="run-button" disabled={!hasData || !!invalid || jobState === 'running' || tuning} title={tuning ? 'a tuning search is running' : undefined} onClick={() => void run()}>Run</button>
        <button type="button" data-testid="cancel-button" disabled={jobState !== 'running'} onClick={cancelRun}>Cancel</button>
        <JobStatus />
      </div>
      <JobProgress />
      {result && (
        <div className="model-info small" data-testid="model-info">
          <div>{!result.causal && timeColumn !== null && <span className="badge warn" data-testid="not-causal" title="Fitted on rows it then scores beyond NAB's probationary period: scores use the future, so NAB figures leave this run out. Fit on the probationary period for causal scores.">not causal</span>} {detectorMeta(result.detector).name} on {result.columns.length} columns, fitted on {result.fittedOn} · {result.info.compute} · threshold {fmt(result.modelThreshold)} ({thresholdRule(result.params)})</div>
          <WarmupNote details={result.info.details} />
          {result.info.warnings.map((w) => <div key={w} className="warn" data-testid="model-warning">{w}</div>)}
        </div>
      )}
      <ModelActions />
      <StreamOptions />
    </section>
  );
}

/** Where the model's own threshold comes from: the recurrent autoencoders' 'max_train' rule, or contamination. */
function thresholdRule(params: Record<string, unknown>): string {
  if (params.threshold === 'max_train') return 'max_train: the largest training-window error';
  // The recurrent autoencoders' quantile is of the fit part's windows: unseen rows may be flagged far more often.
  if (params.threshold === 'contamination') return `contamination ${String(params.contamination)} of the fit part's windows`;
  return String(params.contamination) === 'auto' ? "contamination 'auto'" : `contamination ${String(params.contamination)}`;
}

/** A sequence model's first window_size − 1 rows have no full window yet: they score 0 and are not flagged. */
function WarmupNote({ details }: { details: Record<string, unknown> }) {
  const rows = Number(details.warmup_rows ?? 0);
  if (!(rows > 0)) return null;
  return <div className="muted" data-testid="warmup-note" data-rows={rows}>Rows 1–{fmtInt(rows)} are warming up (no full window yet): score 0, not flagged.</div>;
}

/** The job's state in words (with its progress while it runs). */
function JobStatus() {
  const job = useApp((s) => s.job);
  return (
    <span className={`job ${job.state}`} data-testid="job-status" data-state={job.state}>
      {job.state === 'running' ? `${job.message || 'running'} ${(100 * job.fraction).toFixed(0)} %` : job.state === 'error' ? `error: ${job.message}` : job.state === 'done' ? 'done' : job.message || 'idle'}
    </span>
  );
}

/** What happened on the way (a retry on another backend), and the progress bar while the job runs. */
function JobProgress() {
  const note = useApp((s) => s.job.note);
  const running = useApp((s) => s.job.state === 'running');
  const fraction = useApp((s) => s.job.fraction);
  return (
    <>
      {note && <div className="note small" role="status" data-testid="job-note">{note}</div>}
      {running && <div className="progress"><div className="bar" style={{ width: `${(100 * fraction).toFixed(1)}%` }} /></div>}
    </>
  );
}

/** Which rows to fit on: all, the rows labelled normal, the first N % (semi-supervised checks) or NAB's probationary period (causal; the default with a time column); every row is scored. */
function FitOnPicker() {
  const fitOn = useApp((s) => s.fitOn);
  const percent = useApp((s) => s.fitFirstPercent);
  const hasLabels = useApp((s) => s.labels !== null);
  return (
    <label className="param" title="Fit the detector on a subset and score every row with it (novelty-style for LOF)">
      <span>fit on</span>
      <span className="fit-on">
        <select data-testid="fit-on" value={fitOn} onChange={(e) => setFitOn(e.target.value as FitOn)}>
          <option value="all">all rows</option>
          <option value="normal" disabled={!hasLabels}>rows labelled normal</option>
          <option value="first">the first N %</option>
          <option value="probation">probationary period (NAB: first 15 %, at most 750 rows)</option>
        </select>
        {fitOn === 'first' && <input type="number" min={1} max={100} data-testid="fit-first-percent" value={percent} onChange={(e) => setFitOn('first', Number(e.target.value))} />}
      </span>
    </label>
  );
}
