/**
 * Export and reproduce (issue 23): the scored CSV (test id export-scored) as the CLI's --out writes it,
 * formula guard included; the metrics JSON; the chart on show as PNG and SVG; "Copy as Python" run by
 * scikit-learn (where /usr/bin/python3 has it) gives the page's flagged count and metrics back.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Download, type Page } from '@playwright/test';
import { Lab, ROOT } from './helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-export-'));
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** 400 rows: two numeric columns (canonical numbers, as the reader gives them back), a text column with formula-like cells, a 0/1 label. */
function csvFile(): string {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const lines = ['x,y,note,label'];
  for (let i = 0; i < 400; i++) {
    const out = i % 25 === 0;
    const x = Number(((rnd() - 0.5) * (out ? 12 : 2)).toFixed(4));
    const y = Number(((rnd() - 0.5) * (out ? 12 : 2)).toFixed(4));
    const note = i % 50 === 3 ? '=HYPERLINK("x")' : i % 7 === 0 ? '@cmd' : `n${i % 3}`;
    lines.push(`${x},${y},${note.includes('"') ? `"${note.replace(/"/g, '""')}"` : note},${out ? 1 : 0}`);
  }
  const file = path.join(dir, 'export-demo.csv');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function download(page: Page, testId: string): Promise<{ d: Download; text: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const p = await d.path();
  const bytes = fs.readFileSync(p!);
  return { d, text: bytes.toString('utf8'), bytes };
}

test('scored data, metrics and charts download; the CSV is the CLI --out file', async ({ page }) => {
  const file = csvFile();
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(file);
  await lab.waitDone('export-demo.csv');
  await expect(lab.tid('export-scored')).toBeEnabled();
  const { d, text } = await download(page, 'export-scored');
  expect(d.suggestedFilename()).toBe('export-demo-iforest-scored.csv');
  // The CLI on the same file, detector and seed, with --out.
  const out = path.join(dir, 'cli-out.csv');
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'anomaly-lab.js'), 'score', file, ...(await lab.cliArgs()), '--out', out, '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 90_000 });
  const cli = fs.readFileSync(out, 'utf8').trim().split('\n');
  const mine = text.trim().split('\n');
  expect(mine[0]).toBe('x,y,note,label,score,is_anomaly,decision_function,score_samples');
  expect(mine[0]).toBe(cli[0]);
  expect(mine.length).toBe(401);
  let flagged = 0;
  for (let i = 1; i < mine.length; i++) {
    const a = mine[i].split(','), b = cli[i].split(',');
    expect(a.slice(0, 4), `row ${i}`).toEqual(b.slice(0, 4)); // input cells, guard included
    for (const j of [4, 6, 7]) expect(Math.abs(Number(a[j]) - Number(b[j])), `row ${i} col ${j}`).toBeLessThan(1e-9);
    expect(a[5], `row ${i} is_anomaly`).toBe(b[5]);
    flagged += Number(a[5]);
  }
  expect(mine[4].split(',')[2]).toBe(`"'=HYPERLINK(""x"")"`);
  expect(mine[1].split(',')[2]).toBe("'@cmd");
  expect(flagged).toBe(await lab.flagged());

  // Metrics JSON at the page's threshold.
  const m = await download(page, 'export-metrics');
  const json = JSON.parse(m.text);
  expect(json.detector).toBe('iforest');
  expect(json.rows).toBe(400);
  expect(json.flagged).toBe(await lab.flagged());
  expect(json.threshold).toBe(await lab.threshold());
  expect(json.metrics.f1).toBeCloseTo(await lab.metricValue('f1'), 12);
  expect(json.metrics.roc_auc).toBeCloseTo(await lab.metricValue('roc-auc'), 12);

  // The chart on show (the scatter plot): PNG and SVG.
  const png = await download(page, 'export-chart-png');
  expect(png.d.suggestedFilename()).toMatch(/\.png$/);
  expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(png.bytes.length).toBeGreaterThan(2000);
  const svg = await download(page, 'export-chart-svg');
  expect(svg.d.suggestedFilename()).toMatch(/\.svg$/);
  expect(svg.text.startsWith('<svg')).toBe(true);
  expect(svg.text).toContain('<circle'); // the points stay vectors
  // Another view: the score histogram.
  await lab.tid('tab-histogram').click();
  const hist = await download(page, 'export-chart-svg');
  expect(hist.d.suggestedFilename()).toMatch(/score-histogram\.svg$/);
  expect(hist.text.length).toBeGreaterThan(500);
});

const hasSklearn = fs.existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { timeout: 60_000 }).status === 0;

test('Copy as Python: scikit-learn runs the LOF script and gets the page\'s flagged count and metrics', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => undefined);
  const file = csvFile();
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(file);
  await lab.waitDone('export-demo.csv');
  await lab.tid('detector-select').selectOption('lof');
  await lab.tid('param-contamination').fill('0.05');
  await lab.runAndWait();
  await lab.tid('copy-python').click();
  const script = await lab.tid('python-script').inputValue();
  expect(script).toContain('LocalOutlierFactor(n_neighbors=20, contamination=0.05)');
  expect(script).toContain('COLUMNS = ["x", "y"]');
  expect(script).toContain('LABEL = "label"');
  test.skip(!hasSklearn, 'no /usr/bin/python3 with scikit-learn here');
  const py = path.join(dir, 'run.py');
  fs.writeFileSync(py, script);
  const r = spawnSync('/usr/bin/python3', [py], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  const res = JSON.parse(r.stdout);
  expect(res.flagged).toBe(await lab.flagged());
  expect(res.threshold).toBeCloseTo(await lab.threshold(), 9);
  expect(res.f1).toBeCloseTo(await lab.metricValue('f1'), 9);
  expect(res.roc_auc).toBeCloseTo(await lab.metricValue('roc-auc'), 9);
});
