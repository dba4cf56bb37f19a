import { useEffect } from 'react';
import { useApp, loadFile, modelDownload, modelOnnxDownload, openModelFile, saveModelInBrowser, refreshSavedModels, openSavedModel, deleteSavedModel } from '../store';
import { FileInput } from './FileInput';

/** Save the fitted model, apply it to another CSV, or open a saved one. */
export function ModelActions() {
  const result = useApp((s) => s.result);
  const hasData = useApp((s) => s.dataset !== null);
  const applied = useApp((s) => s.appliedModel);
  const saved = useApp((s) => s.savedModels);
  useEffect(() => { void refreshSavedModels(); }, []);
  const download = async () => {
    const m = await modelDownload();
    if (!m) return;
    const url = URL.createObjectURL(new Blob([m.text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = m.name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const downloadOnnx = async () => {
    const m = await modelOnnxDownload('float32');
    if (!m) return;
    const url = URL.createObjectURL(new Blob([m.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = m.name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <div className="model-actions small">
      {applied && <div className="muted" data-testid="applied-model">Scores from a fitted model ({applied}), not refitted.</div>}
      <div className="actions">
        <button type="button" data-testid="download-model" disabled={!result} onClick={() => void download()} title="The fitted model as JSON (CLI: --model)">Save model</button>
        <button type="button" data-testid="export-onnx" disabled={!result} onClick={() => void downloadOnnx()} title="The fitted model as an ONNX graph (float32 input X in the model's column order; outputs score, is_anomaly, decision_function) for ONNX Runtime in Spark, Flink, Kafka Streams… (CLI: --save-onnx)">Export as ONNX</button>
        <button type="button" data-testid="save-model-browser" disabled={!result} onClick={() => void saveModelInBrowser()} title="Keep the fitted model in this browser (IndexedDB, tfjs format)">Save in browser</button>
        <FileInput
          label="Apply model to another CSV…" title="Load another CSV and score it with this model, without refitting"
          accept=".csv,.tsv,.txt,text/csv" testId="apply-model-input" disabled={!result}
          onFile={(f) => {
            const r = useApp.getState().result;
            if (r) void loadFile(f, f.name, { model: { modelId: r.modelId, meta: r.model }, source: `fitted on ${useApp.getState().dataset?.name ?? 'earlier data'}` });
          }}
        />
        <FileInput
          label="Open model…" title="Score the loaded data with a saved model file (JSON from 'Save model' or the CLI's --save-model)"
          accept=".json,application/json" testId="model-input" disabled={!hasData} onFile={(f) => void openModelFile(f)}
        />
      </div>
      {saved.length > 0 && (
        <div className="saved-models" data-testid="saved-models">
          <div className="muted">Saved in this browser:</div>
          <ul>
            {saved.map((m) => (
              <li key={m.key} data-testid="saved-model">
                <span title={`${m.key} · ${(m.bytes / 1024).toFixed(1)} KiB`}>{m.detector} · {m.name}</span>
                <button type="button" className="link" disabled={!hasData} data-testid="open-saved-model" onClick={() => void openSavedModel(m.key)}>apply</button>
                <button type="button" className="link" data-testid="delete-saved-model" onClick={() => void deleteSavedModel(m.key)}>delete</button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
