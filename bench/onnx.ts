/**
 * `npm run bench -- onnx` (issue 24): what a user gives up or gains by scoring an exported model in
 * ONNX Runtime instead of here. 1M × 10 rows (bench/gen.ts' seeded matrix); the Isolation Forest
 * (fitted on them, scikit-learn's defaults) and the dense autoencoder (fitted on the first 20k rows,
 * 3 epochs: the timing is about scoring) are exported (float32 and float64 graphs) and scored by
 * onnxruntime-web 1.30 on wasm in Node (one thread, as our scorer's one), against our own scorer on
 * the same rows in the same run. Times are the median of 3 runs after a warm-up; session creation
 * is reported apart. Agreement: the largest relative difference and rows flagged differently.
 */
import * as ort from 'onnxruntime-web';
import { getDetector } from '../src/core/detectors/registry.js';
import { resolveParams } from '../src/core/detectors/params.js';
import type { FittedModel } from '../src/core/detectors/detector.js';
import type { Matrix } from '../src/core/data/matrix.js';
import { exportOnnx, type OnnxDtype } from '../src/core/onnx/index.js';
import { loadTf } from '../src/core/detectors/autoencoder/network.js';
import { generateMatrix } from './gen.js';
import { fmtMs, fmtRatio, median, table } from './util.js';

const ROWS = Number(process.env.ONNX_BENCH_ROWS ?? 1_000_000);
const COLS = 10;
const BATCH = 65_536;
const REPS = 3;

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

async function ortScores(session: ort.InferenceSession, X: Matrix, dtype: OnnxDtype): Promise<{ score: Float64Array; flagged: Uint8Array }> {
  const score = new Float64Array(X.rows);
  const flagged = new Uint8Array(X.rows);
  const input = dtype === 'float64' ? X.data : Float32Array.from(X.data);
  for (let s = 0; s < X.rows; s += BATCH) {
    const e = Math.min(X.rows, s + BATCH);
    const part = input.subarray(s * X.cols, e * X.cols);
    const r = await session.run({ X: dtype === 'float64' ? new ort.Tensor('float64', part as Float64Array, [e - s, X.cols]) : new ort.Tensor('float32', part as Float32Array, [e - s, X.cols]) });
    score.set(r.score.data as Float32Array | Float64Array, s);
    const f = r.is_anomaly.data as BigInt64Array;
    for (let i = 0; i < e - s; i++) flagged[s + i] = Number(f[i]);
    for (const t of Object.values(r)) t.dispose();
  }
  return { score, flagged };
}

interface Row { detector: string; graph: string; ours_ms: number; ort_ms: number; session_ms: number; bytes: number; ratio: number; max_rel_diff: number; flagged_differently: number }

export async function onnxBench(log: (s: string) => void): Promise<{ results: unknown; table: string }> {
  ort.env.wasm.numThreads = 1;
  const g = generateMatrix(ROWS, COLS);
  const X: Matrix = { data: g.data, rows: g.rows, cols: g.cols };
  const tf = await loadTf();
  const backend = tf.getBackend();
  const fit = async (id: string, M: Matrix, raw: Record<string, unknown>): Promise<FittedModel> => {
    const d = getDetector(id);
    return d.fit(M, resolveParams(d.params, raw as never, id), { seed: 42, backend });
  };
  const models: [string, FittedModel][] = [
    ['iforest', await fit('iforest', X, {})],
    ['autoencoder', await fit('autoencoder', { data: X.data.subarray(0, 20_000 * COLS), rows: 20_000, cols: COLS }, { epoch_num: 3 })],
  ];
  const rows: Row[] = [];
  for (const [id, model] of models) {
    let ours: Float64Array = new Float64Array(0);
    const oursMs = await timeIt(async () => { ours = await model.score(X, { backend: id === 'iforest' ? 'cpu' : backend }); });
    log(`onnx: ${id} ours ${fmtMs(oursMs)}`);
    for (const dtype of ['float32', 'float64'] as const) {
      const bytes = exportOnnx(model, { dtype });
      const t0 = performance.now();
      const session = await ort.InferenceSession.create(bytes);
      const sessionMs = performance.now() - t0;
      let r: { score: Float64Array; flagged: Uint8Array } = { score: new Float64Array(0), flagged: new Uint8Array(0) };
      const ortMs = await timeIt(async () => { r = await ortScores(session, X, dtype); });
      await session.release();
      let worst = 0;
      let differ = 0;
      for (let i = 0; i < X.rows; i++) {
        worst = Math.max(worst, Math.abs(r.score[i] - ours[i]) / Math.max(Math.abs(ours[i]), 1e-12));
        if ((ours[i] > model.threshold ? 1 : 0) !== r.flagged[i]) differ++;
      }
      rows.push({ detector: id, graph: dtype, ours_ms: oursMs, ort_ms: ortMs, session_ms: sessionMs, bytes: bytes.length, ratio: ortMs / oursMs, max_rel_diff: worst, flagged_differently: differ });
      log(`onnx: ${id} ${dtype} ORT ${fmtMs(ortMs)}`);
    }
  }
  const text = table(
    `onnx: scoring ${ROWS.toLocaleString('en-US')} × ${COLS} rows, ONNX Runtime (onnxruntime-web ${ort.env.versions.web ?? '1.30'}, wasm, 1 thread, ${BATCH.toLocaleString('en-US')}-row batches) vs ours (iforest: float64 typed arrays; autoencoder: tfjs ${backend}), median of ${REPS}`,
    ['detector', 'graph', 'ours', 'ONNX Runtime', 'ORT / ours', 'session create', 'graph size', 'max rel. diff', 'flagged differently'],
    rows.map((r) => [r.detector, r.graph, fmtMs(r.ours_ms), fmtMs(r.ort_ms), fmtRatio(r.ratio), fmtMs(r.session_ms), `${(r.bytes / 1024).toFixed(0)} KB`, r.max_rel_diff.toExponential(1), String(r.flagged_differently)]),
  );
  return { results: { rows: ROWS, cols: COLS, batch: BATCH, reps: REPS, backend, ort: ort.env.versions, cases: rows }, table: text };
}
