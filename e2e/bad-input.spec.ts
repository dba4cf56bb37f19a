import { test, expect } from '@playwright/test';
import { Lab, fixture } from './helpers';

interface BadFile {
  what: string;
  name: string;
  content: Buffer;
  /** Phrases the message must contain (case-insensitive), besides the file name. */
  says: RegExp[];
}

const BAD: BadFile[] = [
  { what: 'an empty file', name: 'empty.csv', content: Buffer.alloc(0), says: [/empty/i] },
  { what: 'a header only', name: 'header_only.csv', content: Buffer.from('a,b,label\n'), says: [/header/i, /no data rows/i] },
  {
    what: 'a ragged row',
    name: 'ragged.csv',
    content: Buffer.from('a,b,label\n1,2,0\n3,4,0\n5,6\n7,8,1\n'),
    says: [/row 3\b/i, /2 fields/i, /expected 3/i],
  },
  {
    what: 'no numeric column',
    name: 'words.csv',
    content: Buffer.from('name,colour\nalice,red\nbob,blue\ncarol,green\n'),
    says: [/no numeric column/i, /name/, /colour/],
  },
  {
    what: 'a binary file',
    name: 'image.csv',
    content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x41, 0x2c, 0x42, 0x0a]),
    says: [/not a text CSV/i, /binary|NUL/i],
  },
];

test.describe('bad files leave the loaded dataset in place', () => {
  test('each bad file shows a clear error; the earlier dataset, plot and metrics stay', async ({ page }) => {
    const lab = new Lab(page);
    await lab.open();
    await lab.tid('sample-sklearn_iforest_demo').click();
    await lab.waitDone('sklearn_iforest_demo.csv');
    await expect(lab.tid('error-message')).toHaveCount(0);
    const scores = await lab.scores();
    const metrics = await lab.metrics();
    const cm = await lab.confusion();
    const flagged = await lab.flagged();

    for (const bad of BAD) {
      await test.step(bad.what, async () => {
        await lab.upload({ name: bad.name, mimeType: 'text/csv', buffer: bad.content });
        const banner = lab.tid('error-message');
        await expect(banner, `${bad.what}: an error is shown`).toBeVisible();
        await expect(banner).toContainText(bad.name);
        for (const phrase of bad.says) await expect(banner).toContainText(phrase);
        await expect(banner).toContainText('The data loaded before is still here');
        // No stack traces or internals in a user's message.
        await expect(banner).not.toContainText(/at \w+ \(|\.ts:\d+|undefined|\[object/);

        // The earlier dataset is still the one shown, with its plot and metrics.
        await expect(lab.tid('dataset-info')).toContainText('sklearn_iforest_demo.csv');
        await expect(lab.tid('dataset-info')).toContainText('120 rows');
        await expect(lab.tid('scatter-plot')).toHaveAttribute('data-points', '120');
        await expect(lab.allCircles()).toHaveCount(120);
        await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'done');
        expect(await lab.metrics()).toEqual(metrics);
        expect(await lab.confusion()).toEqual(cm);
        expect(await lab.flagged()).toBe(flagged);
        const state = await lab.state();
        expect(state.dataset?.name).toBe('sklearn_iforest_demo.csv');
        expect(state.error).toContain(bad.name);
        expect(await lab.scores()).toEqual(scores);
      });
    }

    // Dismissing the message; a good file afterwards replaces the data and clears nothing it shouldn't.
    await page.getByRole('button', { name: 'dismiss' }).click();
    await expect(lab.tid('error-message')).toHaveCount(0);
    await lab.upload(fixture('pima.csv'));
    await lab.waitDone('pima.csv');
    await expect(lab.tid('error-message')).toHaveCount(0);
    await expect(lab.tid('dataset-info')).toContainText('pima.csv');
  });

  test('a good file after a bad one clears the error', async ({ page }) => {
    const lab = new Lab(page);
    await lab.open();
    await lab.upload({ name: 'ragged.csv', mimeType: 'text/csv', buffer: BAD[2].content });
    await expect(lab.tid('error-message')).toContainText('ragged.csv');
    // Nothing was loaded before: no claim that earlier data is still here.
    await expect(lab.tid('error-message')).not.toContainText('still here');
    await expect(lab.tid('dataset-info')).toHaveCount(0);
    await lab.upload(fixture('missing.csv'));
    await lab.waitDone('missing.csv');
    await expect(lab.tid('error-message')).toHaveCount(0);
  });
});
