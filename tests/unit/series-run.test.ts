import { describe, expect, it } from 'vitest';
import { mapsScores, runSeries, scoresInUnitRange } from '../../src/core/detectors/series-run.js';
import { fitModel } from '../../src/core/detectors/run.js';
import { probationRows } from '../../src/core/metrics/nab.js';
import { runningEcdf } from '../../src/core/stream/running-ecdf.js';
import { Random } from '../../src/core/random.js';

const rng = new Random(12);
const values = Float64Array.from({ length: 2000 }, (_, i) => (i === 1500 ? 25 : 5 + rng.normal()));

describe('runSeries: one detector over one series, as NAB runs it', () => {
  it('online (windowed_gaussian): fitted on every row, its causal scores used as they are (in [0, 1])', async () => {
    const r = await runSeries('windowed_gaussian', { window_size: 300, step_size: 10 }, values);
    expect(r).toMatchObject({ fit: 'online', fitRows: 2000, mapped: false });
    const model = await fitModel('windowed_gaussian', { window_size: 300, step_size: 10 }, { data: values, rows: 2000, cols: 1 });
    expect(Array.from(r.scores)).toEqual(Array.from(model.trainingScores!));
    expect(r.scores).toBe(r.raw);
  });

  it('others (zscore): fitted on the probationary period only, every row scored, unbounded scores mapped by the running ECDF', async () => {
    const r = await runSeries('zscore', {}, values);
    expect(r).toMatchObject({ fit: 'probation', fitRows: probationRows(2000), mapped: true });
    expect(r.fitRows).toBe(300);
    const model = await fitModel('zscore', {}, { data: values.slice(0, 300), rows: 300, cols: 1 });
    const raw = await model.score({ data: values, rows: 2000, cols: 1 });
    expect(Array.from(r.raw)).toEqual(Array.from(raw));
    expect(Array.from(r.scores)).toEqual(Array.from(runningEcdf(raw)));
    // The spike is a new maximum: its mapped score is 1.
    expect(r.scores[1500]).toBe(1);
    expect(scoresInUnitRange('zscore')).toBe(false);
    expect(scoresInUnitRange('iforest')).toBe(true);
  });

  it('iforest: its scores lie in [0, 1] but come from a model fitted per series, so they are mapped by the running ECDF too', async () => {
    const r = await runSeries('iforest', {}, values, { seed: 3 });
    expect(r).toMatchObject({ fit: 'probation', fitRows: 300, mapped: true });
    const model = await fitModel('iforest', {}, { data: values.slice(0, 300), rows: 300, cols: 1 }, { seed: 3 });
    const raw = await model.score({ data: values, rows: 2000, cols: 1 });
    expect(Array.from(r.raw)).toEqual(Array.from(raw));
    expect(Array.from(r.scores)).toEqual(Array.from(runningEcdf(raw)));
    expect(r.scores).not.toBe(r.raw);
    expect(scoresInUnitRange('iforest')).toBe(true);
    expect(mapsScores('iforest')).toBe(true);
    expect(mapsScores('zscore')).toBe(true);
    expect(mapsScores('windowed_gaussian')).toBe(false);
  });

  it('a windowed iforest (window_size 5, differences 1) is mapped the same way', async () => {
    const params = { window_size: 5, differences: 1 };
    const r = await runSeries('iforest', params, values, { seed: 3 });
    const model = await fitModel('iforest', params, { data: values.slice(0, 300), rows: 300, cols: 1 }, { seed: 3 });
    const raw = await model.score({ data: values, rows: 2000, cols: 1 });
    expect(r.mapped).toBe(true);
    expect(Array.from(r.scores)).toEqual(Array.from(runningEcdf(raw)));
  });

  it('a series too short for the probation fit names the series and the rows', async () => {
    await expect(runSeries('lof', {}, values.slice(0, 10), { name: 'cat/short.csv' })).rejects.toThrow(/^cat\/short\.csv: 10 rows, fitted on the probationary period's 1: /);
  });
});
