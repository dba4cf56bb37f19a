/**
 * A rough run time for a detector on rows × columns, before it runs (issue 23: auto-run on upload only
 * what finishes in a few seconds; otherwise the page shows Run with this estimate). Order-of-magnitude
 * cost models with constants from runs of this page on a 2-core machine (measured in issue 23: kNN on
 * shuttle 49k × 9 about 19 s; the autoencoder on shuttle about 90 s); an estimate, never a promise.
 */
import { detectorMeta } from './specs.js';

/** Runs estimated at or under this many seconds start on upload. */
export const AUTO_RUN_SECONDS = 3;

function num(params: Record<string, unknown>, name: string, fallback: number): number {
  const v = Number(params[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/**
 * Estimated seconds to fit and score `rows` × `cols` with `detector` and its form `params`
 * (strings or numbers; defaults where absent). Infinity for a sequence model (it always waits for Run).
 */
export function estimateRunSeconds(detector: string, params: Record<string, unknown>, rows: number, cols: number): number {
  const meta = detectorMeta(detector);
  if (meta.sequenceWindows) return Infinity;
  const n = Math.max(1, rows), d = Math.max(1, cols);
  const log = Math.log2(n + 1);
  const window = num(params, 'window_size', 0);
  const dw = window > 0 ? d * window : d; // windows multiply the features
  switch (detector) {
    case 'lof':
    case 'knn':
      // Neighbour search: a k-d tree's n log n, worse with dimensions (shuttle kNN 49k × 9: ~19 s).
      return 0.2 + 4e-6 * n * log * dw;
    case 'ocsvm':
      // Exact SMO up to 20,000 rows (kernel n² d), Nystroem + SGD beyond (n × components × epochs).
      return 0.3 + (n <= 20_000 && params.method !== 'nystroem' ? 3e-8 * n * n * dw : 3e-7 * n * dw);
    case 'iforest':
      // Fit on max_samples rows per tree; scoring walks every row down every tree (1M × 100 trees: ~3 s in the page's pool).
      return 0.3 + 2.5e-8 * num(params, 'n_estimators', 100) * n;
    case 'autoencoder':
      // Epochs over every row (shuttle 49k × 9, 10 epochs: ~90 s).
      return 0.5 + 2e-5 * num(params, 'epoch_num', 10) * n * dw;
    case 'ensemble':
      return 2 + 1e-5 * n * log * dw;
    default:
      // z-score, windowed Gaussian, half-space trees: one or two passes.
      return 0.1 + 2e-7 * n * dw;
  }
}

/** "about 40 s", "about 3 min": the estimate in words. */
export function estimateWords(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'a while';
  if (seconds < 90) return `about ${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `about ${Math.round(seconds / 60)} min`;
  return `about ${(seconds / 3600).toFixed(1)} h`;
}
