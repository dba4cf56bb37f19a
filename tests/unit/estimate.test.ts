/** Run-time estimates that decide auto-run on upload (issue 23). */
import { describe, expect, it } from 'vitest';
import { AUTO_RUN_SECONDS, estimateRunSeconds, estimateWords } from '../../src/core/detectors/estimate';

describe('estimateRunSeconds', () => {
  it('auto-runs small and fast jobs; the issue\'s slow cases wait for Run', () => {
    expect(estimateRunSeconds('iforest', {}, 150, 4)).toBeLessThan(AUTO_RUN_SECONDS); // iris
    expect(estimateRunSeconds('iforest', {}, 1_000_000, 10)).toBeLessThan(AUTO_RUN_SECONDS); // scoring is linear, fit is 256 rows a tree
    expect(estimateRunSeconds('zscore', {}, 1_000_000, 10)).toBeLessThan(AUTO_RUN_SECONDS);
    expect(estimateRunSeconds('lof', {}, 1831, 21)).toBeLessThan(AUTO_RUN_SECONDS); // cardio
    expect(estimateRunSeconds('ocsvm', {}, 1831, 21)).toBeLessThan(AUTO_RUN_SECONDS);
    expect(estimateRunSeconds('knn', {}, 49_097, 9)).toBeGreaterThan(AUTO_RUN_SECONDS); // shuttle: ~19 s measured
    expect(estimateRunSeconds('lof', {}, 200_000, 10)).toBeGreaterThan(AUTO_RUN_SECONDS); // ~37 s measured
    expect(estimateRunSeconds('autoencoder', {}, 49_097, 9)).toBeGreaterThan(30); // ~90 s measured
    expect(estimateRunSeconds('lstm_ae', {}, 100, 1)).toBe(Infinity);
  });

  it('grows with rows, columns, trees and epochs', () => {
    expect(estimateRunSeconds('lof', {}, 20_000, 10)).toBeGreaterThan(estimateRunSeconds('lof', {}, 10_000, 10));
    expect(estimateRunSeconds('lof', {}, 10_000, 20)).toBeGreaterThan(estimateRunSeconds('lof', {}, 10_000, 10));
    expect(estimateRunSeconds('iforest', { n_estimators: '1000' }, 1e5, 5)).toBeGreaterThan(estimateRunSeconds('iforest', { n_estimators: '100' }, 1e5, 5));
    expect(estimateRunSeconds('autoencoder', { epoch_num: '50' }, 1e4, 5)).toBeGreaterThan(estimateRunSeconds('autoencoder', { epoch_num: '10' }, 1e4, 5));
  });

  it('says the estimate in words', () => {
    expect(estimateWords(0.2)).toBe('about 1 s');
    expect(estimateWords(37)).toBe('about 37 s');
    expect(estimateWords(600)).toBe('about 10 min');
    expect(estimateWords(Infinity)).toBe('a while');
  });
});
