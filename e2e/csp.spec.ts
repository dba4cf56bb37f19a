/**
 * The page's Content-Security-Policy (issue 14, section 6): the built page carries a strict policy
 * as a meta tag, and the app works under it with no violation reported — every detector, the wasm
 * and webgpu backends, the charts, IndexedDB (save a model, reload, apply it). Violations are
 * collected from the page's securitypolicyviolation events and from console messages; a blocked
 * inline script first proves that the policy is enforced and that the collector hears it.
 */
import { expect, test, type Page } from '@playwright/test';
import { Lab } from './helpers';

test.describe.configure({ timeout: 300_000 });

const DEMO = 'sklearn_iforest_demo.csv';

/** Record every CSP violation the page reports, from before its first script. */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`));
  });
  page.on('console', (m) => { if (/content security policy/i.test(m.text())) seen.push(`console: ${m.text()}`); });
  return seen;
}

async function violations(page: Page, console: string[]): Promise<string[]> {
  const events = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  return [...events, ...console];
}

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name, values]));
}

test('the built page carries a strict policy, enforced: an injected inline script is refused and reported', async ({ page }) => {
  const console = await watchViolations(page);
  const lab = new Lab(page);
  await lab.open();
  const meta = page.locator('meta[http-equiv="Content-Security-Policy"]');
  await expect(meta).toHaveCount(1);
  const d = directives((await meta.getAttribute('content')) ?? '');
  expect(d.get('default-src')).toEqual(["'self'"]);
  expect(d.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  expect(d.get('worker-src')).toEqual(["'self'", 'blob:']);
  // The live stream input (issue 19): the CLI's WebSocket on this machine only.
  expect(d.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:*', 'ws://localhost:*']);
  for (const [name, values] of d) {
    expect(values, name).not.toContain("'unsafe-inline'");
    expect(values, name).not.toContain("'unsafe-eval'");
    expect(values, name).not.toContain('*');
  }
  // The meta tag comes before every script, or it would not govern them.
  expect(await page.evaluate(() => {
    const m = document.querySelector('meta[http-equiv="Content-Security-Policy"]')!;
    return [...document.scripts].every((s) => m.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING);
  })).toBe(true);
  expect(await violations(page, console)).toEqual([]);

  // Enforced, and heard: an injected inline script and an inline style attribute are refused, and each is reported.
  // (page.evaluate itself runs through the DevTools protocol, which CSP exempts: so the probes are DOM insertions.)
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.head.append(s);
    const div = document.createElement('div');
    div.setAttribute('style', 'width: 123px');
    document.body.append(div);
    const width = div.style.width;
    div.remove();
    return { inline: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true, width };
  });
  expect(ran).toEqual({ inline: false, width: '' });
  // Each heard twice: as a securitypolicyviolation event, and as a console message.
  await expect.poll(async () => (await violations(page, console)).map((v) => v.split(' ')[0]).sort()).toEqual(['console:', 'console:', 'script-src-elem', 'style-src-attr']);
});

test('every detector, the charts and IndexedDB work under the policy on wasm, with no violation', async ({ page }) => {
  const console = await watchViolations(page);
  const lab = new Lab(page);
  await lab.open('?backend=wasm');
  await lab.tid(`sample-${DEMO.replace(/\.csv$/, '')}`).click();
  await lab.waitDone(DEMO, 120_000);
  await expect(lab.tid('backend-status')).toHaveAttribute('data-backend', 'wasm');
  const ids = await lab.tid('detector-select').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(ids.length).toBeGreaterThanOrEqual(6);
  for (const id of ids) {
    await lab.tid('detector-select').selectOption(id);
    if (id === 'autoencoder') await lab.tid('param-epoch_num').fill('2');
    const oneColumn = id === 'windowed_gaussian'; // scores one value column
    if (oneColumn) await lab.tid('feature-x1').uncheck();
    await lab.runAndWait(120_000);
    if (oneColumn) await lab.tid('feature-x1').check();
    expect((await lab.state()).detector, id).toBe(id);
    expect(((await lab.scores()) ?? []).length, id).toBe(120);
  }
  // The charts (recharts, inline style properties) and the scatter plot.
  for (const tab of ['histogram', 'roc', 'pr', 'training', 'scatter']) if (await lab.tid(`tab-${tab}`).count()) await lab.tid(`tab-${tab}`).click();
  await expect(lab.tid('scatter-plot')).toBeVisible();

  // IndexedDB: save the autoencoder's model in the browser (tfjs format), reload, apply it again.
  await lab.runDetector('autoencoder');
  const before = (await lab.scores())!;
  await lab.tid('save-model-browser').click();
  await expect(lab.tid('saved-model')).toHaveCount(1);
  expect(await violations(page, console)).toEqual([]);
  await page.reload();
  await page.waitForFunction(() => '__anomalyLab' in window);
  await lab.tid(`sample-${DEMO.replace(/\.csv$/, '')}`).click();
  await lab.waitDone(DEMO, 120_000);
  await expect(lab.tid('saved-model')).toHaveCount(1);
  await lab.tid('open-saved-model').click();
  await expect(lab.tid('applied-model')).toContainText('saved in this browser');
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'done');
  expect(await lab.scores()).toEqual(before);
  await lab.tid('delete-saved-model').click();
  await expect(lab.tid('saved-model')).toHaveCount(0);
  expect(await violations(page, console)).toEqual([]);
});

test('the webgpu backend works under the policy, with no violation', async ({ page }) => {
  const console = await watchViolations(page);
  const lab = new Lab(page);
  await lab.open('?backend=webgpu');
  await lab.tid(`sample-${DEMO.replace(/\.csv$/, '')}`).click();
  await lab.waitDone(DEMO, 240_000);
  await expect(lab.tid('backend-status')).toHaveAttribute('data-backend', 'webgpu');
  expect(await lab.tid('model-info').textContent()).toMatch(/webgpu/);
  await lab.runDetector('zscore');
  expect(await lab.tid('model-info').textContent()).toMatch(/webgpu/);
  expect(await violations(page, console)).toEqual([]);
});
