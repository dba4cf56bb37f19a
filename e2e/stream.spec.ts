/**
 * Live streams in the page (issue 19): the NAB sample replayed at ×100 with alerts appearing; pause,
 * step and restart; a drift marker on art_daily_jumpsup with ADWIN; live input from
 * `anomaly-lab stream --serve` (a malformed line listed as an error, the stream going on). State is
 * read from the stream panel's data attributes.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { expect, test, type Locator } from '@playwright/test';
import { Lab, ROOT } from './helpers';

test.describe.configure({ timeout: 180_000 });

const points = async (status: Locator) => Number(await status.getAttribute('data-points'));

test('NAB sample at ×100: points arrive, alerts appear; pause holds, step adds one, restart goes back to 0', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.tid('sample-nyc_taxi').click();
  await lab.waitDone('nyc_taxi.csv');
  const status = lab.tid('stream-status');
  await expect(status).toHaveAttribute('data-points', '0');
  await lab.tid('stream-speed').selectOption('100');
  await lab.tid('stream-play').click();
  await expect(status).toHaveAttribute('data-state', 'playing');
  // half_space_trees with River's 0.99 moving quantile: alerts within the first few hundred points.
  await expect.poll(async () => lab.tid('alert-list').locator('[data-kind="alert"]').count(), { timeout: 60_000 }).toBeGreaterThan(0);
  const first = lab.tid('alert-list').locator('[data-kind="alert"]').first();
  await expect(first.locator('td').nth(3)).toHaveText('half_space_trees');
  // Figures against the sample's windows, each with its sparkline.
  await expect(lab.tid('stream-figures')).toBeVisible();
  await expect(lab.tid('figure-alerts')).toHaveAttribute('data-all', /^[1-9]/);
  // ×100 plays at 100 × real time: nyc_taxi is half-hourly, so the floor of 100 points a second rules.
  const a = await points(status);
  await page.waitForTimeout(1500);
  const b = await points(status);
  expect(b).toBeGreaterThan(a);
  expect(b).toBeLessThan(10_320);
  await lab.tid('stream-panel').scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('stream-replay-midway.png') });

  await lab.tid('stream-pause').click();
  await expect(status).toHaveAttribute('data-state', 'paused');
  const held = await points(status);
  await page.waitForTimeout(600);
  expect(await points(status)).toBe(held);
  await lab.tid('stream-step').click();
  await expect(status).toHaveAttribute('data-points', String(held + 1));
  await lab.tid('stream-step').click();
  await expect(status).toHaveAttribute('data-points', String(held + 2));

  // Clicking an alert stops following and shows its time.
  await lab.tid('stream-speed').selectOption('max');
  await lab.tid('stream-play').click();
  await expect(status).toHaveAttribute('data-state', 'ended', { timeout: 60_000 });
  await expect(status).toHaveAttribute('data-points', '10320');
  // At the end: a NAB score against the sample's 5 windows, and each figure's sparkline drawn over the stream.
  await expect(lab.tid('figure-nab')).toHaveAttribute('data-all', /^-?\d/);
  for (const id of ['point-f1', 'point-pr', 'event-f1', 'event-pr', 'nab', 'alerts', 'mttd']) {
    expect(Number(await lab.tid(`figure-${id}`).getByTestId('sparkline').getAttribute('data-samples')), id).toBeGreaterThan(10);
  }
  // The timeline follows the newest points; the wheel scrolls back in time, Follow returns.
  const tl = lab.tid('stream-timeline');
  await expect(tl).toHaveAttribute('data-follow', 'true');
  const end = Number(await tl.getAttribute('data-visible-end'));
  expect(end).toBe(Date.UTC(2015, 0, 31, 23, 30));
  const box = (await tl.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
  for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -300);
  await expect(tl).toHaveAttribute('data-follow', 'false');
  await expect.poll(async () => Number(await tl.getAttribute('data-visible-end'))).toBeLessThan(end);
  await lab.tid('stream-follow').click();
  await expect(tl).toHaveAttribute('data-follow', 'true');
  await expect.poll(async () => Number(await tl.getAttribute('data-visible-end'))).toBe(end);
  const alert = lab.tid('alert-list').locator('[data-kind="alert"]').first();
  const t = Number(await alert.getAttribute('data-time'));
  await alert.click();
  await expect(tl).toHaveAttribute('data-follow', 'false');
  await expect.poll(async () => Number(await tl.getAttribute('data-visible-start'))).toBeLessThanOrEqual(t);
  expect(Number(await tl.getAttribute('data-visible-end'))).toBeGreaterThanOrEqual(t);
  // Export: the same CSV writer as the scored data; one line per alert and error, plus the header.
  const [download] = await Promise.all([page.waitForEvent('download'), lab.tid('alert-export').click()]);
  const csv = fs.readFileSync((await download.path())!, 'utf8').trimEnd().split('\n');
  expect(csv[0]).toBe('kind,time,end,points,value,score,detector,message');
  expect(csv.length - 1).toBe(Number(await status.getAttribute('data-alerts')) + Number(await status.getAttribute('data-errors')));

  await lab.tid('stream-restart').click();
  await expect(status).toHaveAttribute('data-points', '0');
  await expect(lab.tid('alert-list').locator('[data-kind="alert"]')).toHaveCount(0);
});

const JUMPSUP = path.resolve(ROOT, '..', 'shared', 'datasets', 'nab', 'data', 'artificialWithAnomaly', 'art_daily_jumpsup.csv');

test('art_daily_jumpsup with ADWIN on the values: a drift marker on the timeline', async ({ page }) => {
  test.skip(!fs.existsSync(JUMPSUP), `${JUMPSUP} is not here (../shared absent)`);
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(JUMPSUP);
  await expect.poll(async () => (await lab.state()).dataset?.name).toBe('art_daily_jumpsup.csv');
  await lab.tid('stream-options').locator('summary').click();
  await lab.tid('stream-drift').selectOption('adwin');
  await lab.tid('stream-policy').selectOption('reset');
  await lab.tid('stream-speed').selectOption('max');
  await lab.tid('stream-play').click();
  const status = lab.tid('stream-status');
  await expect(status).toHaveAttribute('data-state', 'ended', { timeout: 60_000 });
  expect(Number(await status.getAttribute('data-drifts'))).toBeGreaterThan(0);
  // The timeline follows the end of the stream: the drifts in its last 2,000 points are marked.
  const markers = lab.tid('drift-marker');
  await expect.poll(async () => markers.count()).toBeGreaterThan(0);
  await expect(markers.first()).toHaveAttribute('data-detector', 'adwin');
  // The same drifts as the CLI's stream with the same options, each followed by a reset (a quieter marker).
  const out = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'anomaly-lab.js'), 'stream', '--detector', 'half_space_trees', '--drift', 'adwin', '--on-drift', 'reset'], { cwd: ROOT, input: fs.readFileSync(JUMPSUP), encoding: 'utf8', timeout: 120_000 });
  const cli = out.trim().split('\n').map((l) => JSON.parse(l) as { timestamp: string; drift: string | null; model: { reason: string } | null });
  const cliDrifts = cli.filter((o) => o.drift === 'adwin').map((o) => Date.parse(`${o.timestamp.replace(' ', 'T')}Z`));
  expect(Number(await status.getAttribute('data-drifts'))).toBe(cliDrifts.length);
  expect(Number(await status.getAttribute('data-models'))).toBe(cli.filter((o) => o.model?.reason === 'reset').length);
  for (const m of await markers.all()) expect(cliDrifts).toContain(Number(await m.getAttribute('data-time')));
  await expect(lab.tid('model-marker').first()).toHaveAttribute('data-reason', 'reset');
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

test('live input through --serve: points arrive, a malformed line is an error in the alert list, the stream goes on; off-machine addresses are refused', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  // Refused before anything connects.
  await lab.tid('stream-address').fill('ws://example.com:8765');
  await lab.tid('stream-connect').click();
  await expect(lab.tid('stream-error')).toContainText('this machine only');
  await expect(lab.tid('stream-loopback-note')).toContainText('never leaves this machine');

  const port = await freePort();
  const cli: ChildProcessWithoutNullStreams = spawn(process.execPath, [path.join(ROOT, 'bin', 'anomaly-lab.js'), 'stream', '--serve', String(port)], { cwd: ROOT });
  let stderr = '';
  cli.stderr.on('data', (d) => { stderr += String(d); });
  try {
    await expect.poll(() => stderr, { timeout: 30_000 }).toContain(`serving on ws://127.0.0.1:${port}`);
    await lab.tid('stream-address').fill(String(port));
    await lab.tid('stream-connect').click();
    await expect(lab.tid('stream-live')).toHaveAttribute('data-state', 'open');
    cli.stdin.write('timestamp,value\n');
    const t0 = Date.UTC(2024, 0, 1);
    const line = (i: number, v: number) => `${new Date(t0 + i * 60_000).toISOString()},${v}\n`;
    for (let i = 0; i < 300; i++) cli.stdin.write(line(i, 10 + Math.sin(i / 5)));
    const status = lab.tid('stream-status');
    await expect(status).toHaveAttribute('data-points', '300');
    await expect(status).toHaveAttribute('data-state', 'live');
    cli.stdin.write(`${new Date(t0 + 300 * 60_000).toISOString()},not-a-number\n`);
    for (let i = 301; i < 320; i++) cli.stdin.write(line(i, i === 310 ? 500 : 10 + Math.sin(i / 5)));
    await expect(status).toHaveAttribute('data-points', '319');
    const error = lab.tid('alert-list').locator('[data-kind="error"]');
    await expect(error).toHaveCount(1);
    await expect(error).toContainText("'value' is not a number");
    // The spike after the bad line is still scored and flagged.
    await expect.poll(async () => lab.tid('alert-list').locator('[data-kind="alert"]').count()).toBeGreaterThan(0);
    // The CLI ends: the page shows the dropped connection and retries.
    cli.stdin.end();
    await expect(lab.tid('stream-live')).toHaveAttribute('data-state', /retrying|connecting/);
    await expect(lab.tid('stream-live')).toContainText('retrying');
  } finally {
    cli.kill();
  }
});
