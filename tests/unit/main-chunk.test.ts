/**
 * The page's main thread loads no detector implementation: it knows detectors by
 * their metadata (src/core/detectors/specs.ts), and the solvers, trainers and
 * kernels live in the worker chunks. Builds the production bundle (vite build,
 * into a temporary folder), follows index.html's entry through every chunk it
 * imports, statically or lazily (worker chunks are started, not imported, and are
 * skipped), and looks for a distinctive string of each implementation.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { REPO_ROOT } from './helpers';

/** src/core's WebAssembly kNN kernel, committed as base64 (wherever the neighbour search keeps it). */
function wasmKernelBase64(): string {
  const find = (dir: string): string | null => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        const hit = find(p);
        if (hit) return hit;
      } else if (name === 'knn.wasm.ts') return p;
    }
    return null;
  };
  const file = find(join(REPO_ROOT, 'src/core'));
  if (!file) throw new Error('knn.wasm.ts not found under src/core');
  return /'([A-Za-z0-9+/=]{200,})'/.exec(readFileSync(file, 'utf8'))![1];
}

/** Strings that survive minification and occur only in one implementation's code (not in its metadata). */
const MARKERS: Record<string, () => string> = {
  'the SMO solver (src/core/compute/smo.ts, its progress message)': () => ', KKT gap ',
  "the autoencoder's trainer (its batch-size check)": () => 'batch_norm needs batch_size >= 2',
  'the WebAssembly kNN kernel (its base64)': () => wasmKernelBase64().slice(100, 164),
  "Isolation Forest's tree builder (its progress message)": () => 'growing trees',
};

let out = '';
let mainChunks: string[] = [];
let otherChunks: string[] = [];

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'anomaly-lab-main-chunk-'));
  await build({ root: REPO_ROOT, configFile: join(REPO_ROOT, 'vite.config.ts'), logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
  const assets = join(out, 'assets');
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  const entry = /<script type="module"[^>]*src="\/assets\/([^"]+\.js)"/.exec(html)![1];
  // Follow every chunk a main-thread chunk names ("./x.js" imports, "assets/x.js" preload lists), not workers.
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const code = readFileSync(join(assets, name), 'utf8');
    for (const m of code.matchAll(/["'`](?:\.\/|\/?assets\/)([\w.-]+\.js)["'`]/g)) if (!/\.worker-/.test(m[1])) queue.push(m[1]);
  }
  mainChunks = [...seen];
  otherChunks = readdirSync(assets).filter((f) => f.endsWith('.js') && !seen.has(f));
}, 300_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

describe("the production build's main-thread chunks", () => {
  it('start at index.html and leave the worker chunks out', () => {
    expect(mainChunks.some((f) => /^index-.*\.js$/.test(f))).toBe(true);
    expect(mainChunks.filter((f) => f.includes('.worker-'))).toEqual([]);
    expect(otherChunks.some((f) => f.startsWith('detector.worker-'))).toBe(true);
  });

  for (const [what, marker] of Object.entries(MARKERS)) {
    it(`hold no ${what}; a worker chunk does`, () => {
      const m = marker();
      const assets = join(out, 'assets');
      const inMain = mainChunks.filter((f) => readFileSync(join(assets, f), 'utf8').includes(m));
      expect(inMain, `${what} in the page's main-thread chunks`).toEqual([]);
      // The marker is real: the detector worker's bundle has it.
      expect(otherChunks.some((f) => readFileSync(join(assets, f), 'utf8').includes(m)), `${what} in a worker chunk`).toBe(true);
    });
  }
});
