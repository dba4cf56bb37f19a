/** A small hook for tests and benchmarks (read-only view of the state). */
import { get } from './store';
import { explainRow } from './explain';
import { setParam } from './run';

/** A small hook for tests and benchmarks (read-only view of the state). */
export function testHook() {
  return {
    state() {
      const s = get();
      return {
        dataset: s.dataset ? { name: s.dataset.name, rows: s.dataset.rows, cols: s.dataset.columns.length } : null,
        loading: s.loading,
        error: s.error,
        labelColumn: s.labelColumn,
        features: s.features,
        job: s.job.state,
        jobMessage: s.job.message,
        backend: s.result?.backend ?? s.backends[0]?.backend ?? null,
        workers: s.result?.workers ?? null,
        detector: s.result?.detector ?? null,
        compute: s.result?.info.compute ?? null,
        modelDetails: s.result?.info.details ?? null,
        /** Bytes of row data that crossed the main thread in the last run (0 by design). */
        rowBytes: s.result?.rowBytes ?? null,
        warnings: s.result?.info.warnings ?? null,
        appliedModel: s.appliedModel,
        backends: s.backends,
        threshold: s.threshold,
        flagged: s.result ? s.result.sweep.flaggedAt(s.threshold) : null,
        metrics: s.result ? s.result.sweep.metricsAt(s.threshold) : null,
        training: s.training?.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, valLoss: e.valLoss })) ?? null,
        explained: s.explained,
        timings: {
          parse_ms: s.parseMs,
          parse_threads: s.parseThreads,
          fit_ms: s.result?.timings.fit ?? null,
          score_ms: s.result?.timings.score ?? null,
          total_ms: s.result?.timings.total ?? null,
        },
      };
    },
    /** Explain a row as a click on its point does. */
    explain(row: number): Promise<void> {
      return explainRow(row);
    },
    /** Set a parameter of the form as a person would type it (benchmarks). */
    setParam(detector: string, name: string, value: string): void {
      setParam(detector, name, value);
    },
    scores(): number[] | null {
      const r = get().result;
      return r ? Array.from(r.scores) : null;
    },
  };
}
