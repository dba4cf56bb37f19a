import { useEffect, useState, type DragEvent } from 'react';
import { StrayTextNote } from './StrayTextNote';
import { useApp, loadFile, loadSample, setLabelColumn, setPositive, toggleFeature, setMissingPolicy } from '../store';
import { MISSING_POLICIES, type MissingPolicy } from '../../core/data/prepare';
import { fmt, fmtInt, fmtMs } from '../lib/format';
import { TimePicker } from './TimePicker';
import { FileInput } from './FileInput';

const NONE: never[] = [];

interface Sample {
  file: string;
  title: string;
  about: string;
  /** A windows file in public/samples that goes with it (NAB's combined format). */
  windows?: string;
}

function Samples() {
  const [samples, setSamples] = useState<Sample[]>([]);
  useEffect(() => {
    fetch(`${import.meta.env.BASE_URL}samples/samples.json`).then((r) => r.json()).then(setSamples).catch(() => setSamples([]));
  }, []);
  return (
    <div className="samples">
      <span className="muted">Samples:</span>
      {samples.map((s) => (
        <button key={s.file} type="button" className="sample" title={s.about} data-testid={`sample-${s.file.replace(/\.csv$/, '')}`} onClick={() => void loadSample(s.file, s.windows)}>
          {s.title}
        </button>
      ))}
    </div>
  );
}

function Upload() {
  const loading = useApp((s) => s.loading);
  const [over, setOver] = useState(false);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files[0];
    if (f) void loadFile(f, f.name);
  };
  return (
    <div className={`drop ${over ? 'over' : ''}`} onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={onDrop}>
      <FileInput className="primary file-button" accept=".csv,.tsv,.txt,text/csv" testId="csv-input" label="Choose a CSV" onFile={(f) => void loadFile(f, f.name)} />
      <span className="muted"> or drop it here</span>
      {loading && (
        <div className="progress" data-testid="parse-progress">
          <div className="bar" style={{ width: `${(100 * loading.fraction).toFixed(1)}%` }} />
          <span>Parsing {loading.name}: {fmtInt(loading.rows)} rows ({(100 * loading.fraction).toFixed(0)} %)</span>
        </div>
      )}
    </div>
  );
}

function LabelPicker() {
  const dataset = useApp((s) => s.dataset);
  const labelColumn = useApp((s) => s.labelColumn);
  const labels = useApp((s) => s.labels);
  const labelError = useApp((s) => s.labelError);
  const positive = useApp((s) => s.positive);
  if (!dataset) return null;
  const col = dataset.columns.find((c) => c.name === labelColumn);
  const values = (col?.distinct ?? []).map(String);
  return (
    <div className="label-picker">
      <label>
        Label column{' '}
        <select data-testid="label-select" value={labelColumn ?? ''} onChange={(e) => void setLabelColumn(e.target.value || null)}>
          <option value="">(none)</option>
          {dataset.columns.filter((c) => c.distinct && c.distinct.length <= 20).map((c) => (
            <option key={c.name} value={c.name}>{c.name}</option>
          ))}
        </select>
      </label>
      {labelColumn && values.length > 0 && (
        <label>
          {' '}anomaly ={' '}
          <select data-testid="positive-select" value={labels?.positive ?? positive ?? ''} onChange={(e) => void setPositive(e.target.value)}>
            {!labels && <option value="">choose…</option>}
            {values.map((v) => <option key={v} value={v}>{v}</option>)}
          </select>
        </label>
      )}
      {labels && <div className="muted small" data-testid="label-summary">{fmtInt(labels.positives)} anomalies of {fmtInt(dataset.rows)} rows ({((100 * labels.positives) / dataset.rows).toFixed(2)} %)</div>}
      {labelError && <div className="warn small" data-testid="label-error">{labelError}</div>}
    </div>
  );
}

function ColumnTable() {
  const dataset = useApp((s) => s.dataset);
  const features = useApp((s) => s.features);
  const labelColumn = useApp((s) => s.labelColumn);
  if (!dataset) return null;
  return (
    <div className="columns-wrap">
      <table className="columns" data-testid="column-table">
        <thead>
          <tr><th /><th>column</th><th>type</th><th title="missing cells">miss.</th><th>min</th><th>max</th></tr>
        </thead>
        <tbody>
          {dataset.columns.map((c) => {
            const usable = c.kind === 'numeric' && c.missing < dataset.rows && c.name !== labelColumn;
            return (
              <tr key={c.name} className={usable ? '' : 'disabled'} data-column={c.name}>
                <td>
                  <input type="checkbox" aria-label={`use ${c.name}`} data-testid={`feature-${c.name}`} disabled={!usable} checked={features.includes(c.name)} onChange={(e) => toggleFeature(c.name, e.target.checked)} />
                </td>
                <td className="name" title={c.name}>{c.name}{c.name === labelColumn ? ' (label)' : ''}</td>
                <td title={c.firstText ? `text: e.g. '${c.firstText.value}' in row ${c.firstText.row}` : undefined}>{c.kind === 'numeric' ? 'num' : 'text'}</td>
                <td className={c.missing ? 'warn' : 'muted'}>{fmtInt(c.missing)}</td>
                <td className="num">{fmt(c.min)}</td>
                <td className="num">{fmt(c.max)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function DataPanel() {
  const dataset = useApp((s) => s.dataset);
  const parseMs = useApp((s) => s.parseMs);
  const parseThreads = useApp((s) => s.parseThreads);
  const policy = useApp((s) => s.missingPolicy);
  const features = useApp((s) => s.features);
  const imputed = useApp((s) => s.result?.imputed) ?? NONE;
  const missingCells = dataset ? dataset.columns.filter((c) => features.includes(c.name)).reduce((a, c) => a + c.missing, 0) : 0;
  const textCols = dataset ? dataset.columns.filter((c) => c.kind === 'text') : [];
  return (
    <section className="panel">
      <h2>Data</h2>
      <Upload />
      <StrayTextNote />
      <Samples />
      {dataset && (
        <>
          <div className="dataset-info" data-testid="dataset-info">
            <strong>{dataset.name}</strong>: {fmtInt(dataset.rows)} rows × {dataset.columns.length} columns
            <span className="muted"> · delimiter “{dataset.delimiter === '\t' ? 'tab' : dataset.delimiter}” · parsed in {fmtMs(parseMs)}{parseThreads > 1 ? ` on ${parseThreads} threads` : ''}</span>
          </div>
          <LabelPicker />
          <TimePicker />
          <div className="missing-policy">
            <label>
              Missing cells{' '}
              <select data-testid="missing-policy" value={policy} onChange={(e) => setMissingPolicy(e.target.value as MissingPolicy)}>
                {MISSING_POLICIES.map((p) => <option key={p} value={p}>{p === 'zero' ? 'fill with 0' : `fill with column ${p}`}</option>)}
              </select>
            </label>
            <div className="muted small" data-testid="missing-summary">
              {missingCells === 0 ? 'No missing cells in the chosen columns.' : `${fmtInt(missingCells)} missing cells in the chosen columns are filled with the column ${policy === 'zero' ? 'value 0' : policy}.`}
              {imputed.length > 0 && ` Last run: ${imputed.map((i) => `${i.column}: ${i.cells} → ${fmt(i.value)}`).join('; ')}.`}
            </div>
            {textCols.length > 0 && <div className="muted small">Text columns (not features): {textCols.map((c) => c.name).join(', ')}</div>}
          </div>
          <ColumnTable />
        </>
      )}
    </section>
  );
}
