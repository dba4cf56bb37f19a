/**
 * Projections (issue 23): PCA axes by default past two feature columns, with the explained
 * variance in the labels (equal to scikit-learn's, tests/fixtures/pca.json); raw columns one
 * click away; UMAP seeded, with progress and cancel.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { Lab, ROOT } from './helpers';

const pca = JSON.parse(readFileSync(path.join(ROOT, 'tests/fixtures/pca.json'), 'utf8')) as { cases: { name: string; explained: number[] }[] };

test('cardio (21 columns): PCA by default with scikit-learn explained variance; columns one click away; UMAP with progress, cancel and a seeded result', async ({ page }) => {
  test.setTimeout(240_000);
  const lab = new Lab(page);
  await lab.open();
  await lab.tid('sample-cardio').click();
  await lab.waitDone('cardio.csv');
  const plot = lab.tid('scatter-plot');
  await expect(plot).toHaveAttribute('data-projection', 'pca');
  await expect(lab.tid('projection')).toHaveValue('pca');
  const ev = pca.cases.find((c) => c.name === 'cardio')!.explained;
  await expect(plot).toHaveAttribute('data-x-label', `PC1 (${(100 * ev[0]).toFixed(1)} % of variance)`);
  await expect(plot).toHaveAttribute('data-y-label', `PC2 (${(100 * ev[1]).toFixed(1)} % of variance)`);
  await expect(plot).toHaveAttribute('data-points', '1831');
  // The label is drawn on the axis too.
  await expect(plot.getByText(`PC1 (${(100 * ev[0]).toFixed(1)} % of variance)`)).toBeVisible();
  await expect(lab.tid('plot-x')).toHaveCount(0);

  // Raw columns: one click.
  await lab.tid('projection').selectOption('columns');
  await expect(plot).toHaveAttribute('data-projection', 'columns');
  await expect(lab.tid('plot-x')).toHaveValue('f0');
  await expect(plot).toHaveAttribute('data-x-label', 'f0');

  // UMAP: progress, cancel goes back to the previous axes.
  await lab.tid('projection').selectOption('umap');
  await expect(lab.tid('projection-progress')).toBeVisible();
  await expect.poll(async () => Number(await lab.tid('projection-progress').getAttribute('data-fraction')), { timeout: 60_000 }).toBeGreaterThan(0.1);
  await lab.tid('projection-cancel').click();
  await expect(lab.tid('projection-progress')).toHaveCount(0);
  await expect(plot).toHaveAttribute('data-projection', 'columns');

  // Run it through: the axes say UMAP, and the points move (seeded sameness is in tests/unit/plot-density.test.ts).
  const firstPoint = async () => plot.locator('circle.point[data-row="0"]').evaluate((c) => `${c.getAttribute('cx')},${c.getAttribute('cy')}`);
  await lab.tid('projection').selectOption('umap');
  await expect(plot).toHaveAttribute('data-projection', 'umap', { timeout: 180_000 });
  await expect(plot).toHaveAttribute('data-x-label', 'UMAP 1');
  const a = await firstPoint();
  await lab.tid('projection').selectOption('pca');
  await expect(plot).toHaveAttribute('data-projection', 'pca');
  expect(await firstPoint()).not.toBe(a);
});
