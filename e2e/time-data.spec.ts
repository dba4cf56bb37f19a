/**
 * The time axis and windows in the data panel (issue 16, data): a NAB sample loads with its time column
 * picked and its windows matched; the summary line reports the sample's real out-of-order and duplicate
 * times (machine_temperature goes back at row 10,150); time-select overrides the column (row order keeps
 * the windows' rows); a windows file that names a time not in the series is one clear error in the banner
 * and the series and its earlier windows stay; a CSV of start,end replaces them.
 */
import { expect, test } from '@playwright/test';
import { Lab } from './helpers';

test('NAB machine_temperature: time column picked, windows loaded, issues reported; a bad windows file keeps the series', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.tid('sample-machine_temperature_system_failure').click();
  await lab.waitDone('machine_temperature_system_failure.csv');
  await expect(lab.tid('time-select')).toHaveValue('timestamp');
  const summary = lab.tid('time-summary');
  await expect(summary).toContainText('2013-12-02 21:15 UTC → 2014-02-19 15:25 UTC');
  await expect(summary).toContainText('12 duplicate (first in row 10,150)');
  await expect(summary).toContainText('1 out of order (first in row 10,150)');
  await expect(summary).toContainText('the rows stay in file order');
  await expect(lab.tid('windows-summary')).toHaveAttribute('data-count', '4');
  await expect(lab.tid('windows-summary')).toContainText('4 labelled windows from nab_windows.json');
  // The time column is not a feature.
  await expect(lab.tid('feature-timestamp')).not.toBeChecked();
  expect((await lab.state()).features ?? ['value']).not.toContain('timestamp');

  // A windows file naming a time that is not in the series: one message naming the file and the window.
  await lab.tid('windows-upload').setInputFiles({
    name: 'bad_windows.json', mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ 'realKnownCause/machine_temperature_system_failure.csv': [['2013-12-10 06:25:00.000000', '2013-12-10 06:26:00.000000']] })),
  });
  const error = lab.tid('error-message');
  await expect(error).toContainText("bad_windows.json: realKnownCause/machine_temperature_system_failure.csv window 1 [2013-12-10 06:25:00.000000, 2013-12-10 06:26:00.000000]: time '2013-12-10 06:26:00.000000' is not in the series");
  // The series and its earlier windows stay.
  await expect(lab.tid('dataset-info')).toContainText('machine_temperature_system_failure.csv');
  await expect(lab.tid('dataset-info')).toContainText('22,695 rows');
  await expect(lab.tid('windows-summary')).toHaveAttribute('data-count', '4');
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'done');

  // A CSV of start,end replaces them (and clears the banner).
  await lab.tid('windows-upload').setInputFiles({
    name: 'one_window.csv', mimeType: 'text/csv',
    buffer: Buffer.from('start,end\n2014-02-07 14:55:00,2014-02-09 14:05:00\n'),
  });
  await expect(lab.tid('windows-summary')).toHaveAttribute('data-count', '1');
  await expect(lab.tid('windows-summary')).toContainText('1 labelled window from one_window.csv');
  await expect(error).toHaveCount(0);

  // Row order: the summary says so, and the window keeps its rows.
  await lab.tid('time-select').selectOption('');
  await expect(summary).toHaveText('Time: row order (rows 1–22,695).');
  await expect(lab.tid('windows-summary')).toHaveAttribute('data-count', '1');
  await lab.tid('time-select').selectOption('timestamp');
  await expect(summary).toContainText('12 duplicate');
  await expect(lab.tid('windows-summary')).toHaveAttribute('data-count', '1');
});

test('an uploaded series: epoch seconds in a column named ts, unparseable cells counted with their first row', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  const t0 = Date.UTC(2020, 0, 1) / 1000;
  const rows = Array.from({ length: 300 }, (_, i) => `${i === 41 ? 'soon' : t0 + i * 60},${(Math.sin(i / 9) * 5).toFixed(3)},${(i % 7) / 7}`);
  await lab.upload({ name: 'epoch.csv', mimeType: 'text/csv', buffer: Buffer.from(`ts,a,b\n${rows.join('\n')}\n`) });
  await lab.waitDone('epoch.csv');
  // 'ts' is a text column (one cell is not a number), every other cell epoch seconds: picked by its name.
  await expect(lab.tid('time-select')).toHaveValue('ts');
  await expect(lab.tid('time-summary')).toContainText('epoch seconds, 2020-01-01 00:00 UTC → 2020-01-01 04:59 UTC');
  await expect(lab.tid('time-summary')).toContainText('1 unparseable (first in row 42)');
  await expect(lab.tid('windows-summary')).toHaveAttribute('data-count', '0');
});
