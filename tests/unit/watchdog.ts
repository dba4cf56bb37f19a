/**
 * A guard for tests that could hang in synchronous code. vitest's per-test timeout is a timer on the
 * test's own thread, so a loop that never yields (the NaN spins and tampered trees of issue 14)
 * would block it and hang the run until CI's limit. This watchdog lives on a worker thread of its
 * own: each test tells it when it starts and ends, and when one runs past LIMIT_MS it writes the
 * test's name to stderr (fd 2 directly: the main thread's streams are blocked) and kills the test
 * process, which vitest reports as a failed file.
 */
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach } from 'vitest';

/** A test's own timeout plus this margin (or this alone, where the test has none): only a test that can never end trips it. */
const MARGIN_MS = Number(process.env.ANOMALY_LAB_TEST_WATCHDOG_MS ?? 60_000);

const source = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
let test = null, since = 0;
parentPort.on('message', (m) => { test = m; since = Date.now(); });
setInterval(() => {
  if (test !== null && Date.now() - since > test.limit) {
    fs.writeSync(2, '\\nwatchdog: the test "' + test.name + '" ran past ' + test.limit + ' ms without yielding; killing the test process\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}, 1000).unref();
`;

let worker: Worker | null = null;

export function installWatchdog(): void {
  if (worker) return;
  worker = new Worker(source, { eval: true });
  worker.unref();
  beforeEach((ctx) => {
    const own = (ctx.task as { timeout?: number }).timeout ?? 0;
    worker?.postMessage({ name: ctx.task.name, limit: own + MARGIN_MS });
  });
  afterEach(() => { worker?.postMessage(null); });
}
