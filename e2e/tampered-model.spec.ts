/**
 * Tampered model files in the page (issue 14, section 2): a model opened from a file or from
 * IndexedDB is checked by its schema before any worker builds it. A bad one gives one clear line
 * in the error banner naming the file and the field; the earlier result stays (scores, plot, job
 * 'done'); the page never freezes or goes blank; and Run still works afterwards.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { Lab, ROOT, fixture } from './helpers';

const tmp = mkdtempSync(path.join(tmpdir(), 'anomaly-lab-tampered-'));
const DEMO = 'sklearn_iforest_demo.csv';

/** A small Isolation Forest saved by the CLI on the demo's feature columns. */
function savedForest(): Record<string, any> {
  const file = path.join(tmp, 'forest.json');
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'anomaly-lab.js'), 'score', fixture(DEMO), '--detector', 'iforest', '--param', 'n_estimators=5', '--save-model', file], { cwd: ROOT, timeout: 120_000 });
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The demo loaded and its default Isolation Forest run: the result a bad model must not disturb. */
async function withResult(lab: Lab): Promise<number[]> {
  await lab.open();
  await lab.tid(`sample-${DEMO.replace(/\.csv$/, '')}`).click();
  await lab.waitDone(DEMO);
  return (await lab.scores())!;
}

/** The page answers, shows the app, and still holds the result it had. */
async function expectKept(lab: Lab, scores: number[]): Promise<void> {
  await expect(lab.page.locator('header.topbar h1')).toHaveText('Anomaly Lab');
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'done');
  await expect(lab.tid('scatter-plot')).toHaveAttribute('data-points', String(scores.length));
  expect(await lab.scores()).toEqual(scores);
  expect((await lab.state()).dataset?.name).toBe(DEMO);
  await expect(lab.tid('panel-error')).toHaveCount(0);
}

test('tampered model files: one clear line naming the file and the field, the earlier result kept, the app still works', async ({ page }) => {
  const lab = new Lab(page);
  const scores = await withResult(lab);
  const m = savedForest();
  const f = m.state.forest;
  const t1 = f.offsets[1];
  const selfNode = f.left.findIndex((c: number, i: number) => i > t1 && c >= 0 && f.feature[i] >= 0);
  const cases: [string, unknown, RegExp][] = [
    ['left-1e9.json', { ...m, state: { ...m.state, forest: { ...f, left: f.left.map((c: number) => (c >= 0 ? 1e9 : c)) } } }, /^left-1e9\.json: state\.forest\.left\[0\] \(tree 0, node 0\) must be a child index in 1…\d+ .*got: 1000000000/],
    ['left-self.json', { ...m, state: { ...m.state, forest: { ...f, left: f.left.map((c: number, i: number) => (i === selfNode ? selfNode - t1 : c)) } } }, new RegExp(`^left-self\\.json: state\\.forest\\.left\\[${selfNode}\\] \\(tree 1, node ${selfNode - t1}\\) must be a child index`)],
    ['depth-40.json', { ...m, state: { ...m.state, maxDepth: 40 } }, /^depth-40\.json: state\.maxDepth must be ceil\(log2\(maxSamples 120\)\) = 7, got: 40/],
    ['zero-trees.json', { ...m, state: { ...m.state, forest: { offsets: [0], feature: [], threshold: [], left: [], value: [] } } }, /^zero-trees\.json: state\.forest\.offsets must hold at least 2 numbers/],
    ['value-short.json', { ...m, state: { ...m.state, forest: { ...f, value: f.value.slice(0, 3) } } }, /^value-short\.json: state\.forest\.value must hold \d+ numbers \(one per node\), got 3/],
    ['value-text.json', { ...m, state: { ...m.state, forest: { ...f, value: 'text' } } }, /^value-text\.json: state\.forest\.value must be an array of numbers, got: "text"/],
    ['offsets-0.json', { ...m, state: { ...m.state, forest: { ...f, offsets: [0] } } }, /^offsets-0\.json: state\.forest\.offsets must hold at least 2 numbers/],
    ['max-samples-0.json', { ...m, state: { ...m.state, maxSamples: 0 } }, /^max-samples-0\.json: state\.maxSamples must be in 1…/],
    ['feature-past.json', { ...m, state: { ...m.state, forest: { ...f, feature: f.feature.map((x: number) => (x >= 0 ? 2 : x)) } } }, /^feature-past\.json: state\.forest\.feature\[0\] must be in -1…1, got: 2/],
    ['params-null.json', { ...m, params: null }, /^params-null\.json: params must be an object, got: null/],
    ['columns-text.json', { ...m, columns: 'x0,x1' }, /^columns-text\.json: columns must be a list of 2 column names, got: "x0,x1"/],
    ['features-text.json', { ...m, features: '2' }, /^features-text\.json: features must be a finite integer, got: "2"/],
    ['threshold-null.json', { ...m, threshold: null }, /^threshold-null\.json: threshold must be a finite number, got: null/],
    ['with-label.json', { ...m, columns: ['x0', 'label'] }, /^with-label\.json could not be applied: the model's columns include the label column 'label'/],
    ['null.json', null, /^null\.json is not an Anomaly Lab model \(not a JSON object\), got: null/],
  ];
  for (const [name, model, message] of cases) {
    const file = path.join(tmp, name);
    writeFileSync(file, JSON.stringify(model));
    await lab.tid('model-input').setInputFiles(file);
    const banner = lab.tid('error-message');
    await expect(banner, name).toContainText(name);
    const text = (await banner.textContent())!.replace(/^Could not load the file\.\s*/, '').replace(/\s*The data loaded before is still here\.\s*dismiss$/, '');
    expect(text, name).toMatch(message);
    expect(text, name).not.toMatch(/is not a function|undefined|Cannot read propert|\n\s+at /);
    await expectKept(lab, scores);
    await banner.getByRole('button', { name: 'dismiss' }).click();
    await expect(banner).toHaveCount(0);
  }
  // Not JSON at all.
  await lab.tid('model-input').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "anomaly-lab-model", ') });
  await expect(lab.tid('error-message')).toContainText('notes.json is not a model file (not JSON)');
  await expectKept(lab, scores);
  // The page still works: the untouched model applies, and a run completes.
  const good = path.join(tmp, 'good.json');
  writeFileSync(good, JSON.stringify(m));
  await lab.tid('model-input').setInputFiles(good);
  await expect(lab.tid('applied-model')).toContainText('good.json');
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'done');
  await lab.runAndWait();
  expect((await lab.scores())!).toHaveLength(scores.length);
});

test('a tampered IndexedDB entry: an error naming the saved model and the field, not a freeze', async ({ page }) => {
  const lab = new Lab(page);
  const scores = await withResult(lab);
  await lab.tid('save-model-browser').click();
  await expect(lab.tid('saved-model')).toHaveCount(1);
  // Point every split's left child at its own node, in tfjs's IndexedDB store, as a tampering would.
  const key = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('tensorflowjs');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const store = db.transaction('models_store', 'readwrite').objectStore('models_store');
    const all = await new Promise<any[]>((resolve, reject) => {
      const r = store.getAll();
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const entry = all.find((e) => String(e.modelPath).startsWith('anomaly-lab/iforest/'));
    const forest = entry.modelArtifacts.modelTopology.state.forest;
    forest.left = forest.left.map((c: number, i: number) => (c >= 0 ? i : c));
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('models_store', 'readwrite');
      tx.objectStore('models_store').put(entry);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    return entry.modelPath as string;
  });
  for (let attempt = 0; attempt < 2; attempt++) {
    await lab.tid('open-saved-model').click();
    const banner = lab.tid('error-message');
    await expect(banner).toContainText(`saved model ${key}: state.forest.left[0] (tree 0, node 0) must be a child index in 1…`);
    await expectKept(lab, scores);
    await banner.getByRole('button', { name: 'dismiss' }).click();
  }
  await lab.runAndWait();
  await lab.tid('delete-saved-model').click();
  await expect(lab.tid('saved-model')).toHaveCount(0);
});

test('a panel that fails to draw shows one line and a retry in that panel; the rest of the page stays', async ({ page }) => {
  const lab = new Lab(page);
  const scores = await withResult(lab);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Break number formatting, as a bug in a panel would, then move the threshold so panels redraw.
  await page.evaluate(() => {
    const w = window as unknown as { __toFixed: typeof Number.prototype.toFixed };
    w.__toFixed = Number.prototype.toFixed;
    Number.prototype.toFixed = () => {
      throw new Error('toFixed is broken (test)');
    };
  });
  await lab.tid('threshold-slider').fill('300');
  const failed = lab.tid('panel-error');
  await expect(failed.first()).toBeVisible();
  await expect(failed.first()).toContainText('could not be drawn. toFixed is broken (test)');
  // Not a blank page: the header, the data panel and the loaded data are all still there.
  await expect(page.locator('header.topbar h1')).toHaveText('Anomaly Lab');
  await expect(lab.tid('csv-input')).toBeAttached();
  expect((await lab.state()).dataset?.name).toBe(DEMO);
  expect(await lab.scores()).toEqual(scores);
  // Fixed, each panel comes back on retry.
  await page.evaluate(() => {
    Number.prototype.toFixed = (window as unknown as { __toFixed: typeof Number.prototype.toFixed }).__toFixed;
  });
  while ((await failed.count()) > 0) await failed.first().getByRole('button', { name: 'retry' }).click();
  await expect(lab.tid('threshold-slider')).toBeVisible();
  await expect(lab.tid('flagged-count')).toBeVisible();
  await lab.runAndWait();
  expect(errors.filter((e) => !e.includes('toFixed is broken'))).toEqual([]);
});
