#!/usr/bin/env node
/**
 * Bundles the CLI ahead of time (esbuild), so `anomaly-lab` starts without transpiling
 * TypeScript: src/cli/main.ts → dist-cli/<hash>/main.mjs, with its worker threads (the
 * detector and parse helper APIs of src/workers behind comlink's Node adapter: thread-main.ts
 * → thread.mjs, parse-thread-main.ts → parse-thread.mjs) beside it, where
 * `new URL('./thread.mjs', import.meta.url)` finds them. npm packages stay external
 * (resolved from node_modules as with tsx). Runs on `npm ci` / `npm install` (the
 * `prepare` script) and before the unit tests (`npm test`).
 *
 * dist-cli/manifest.json names the build and every source file it was made from, with
 * the size and mtime each had just before the build: bin/anomaly-lab.js runs the bundle
 * only while they all still match (else it runs src/ through tsx). A build goes to a new
 * directory named by its content and the manifest is replaced by a rename, so a CLI
 * already running (or starting) keeps a whole, consistent bundle.
 *
 *   node scripts/build-cli.mjs [--out DIR] [--src-root DIR]
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { out: { type: 'string' }, 'src-root': { type: 'string' } } });
const root = path.resolve(values['src-root'] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const out = path.resolve(values.out ?? path.join(root, 'dist-cli'));
const started = Date.now();

/** size and mtime of every file under dir, by path relative to root (taken before esbuild reads them). */
function statTree(dir, into = {}) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) statTree(p, into);
    else if (e.isFile()) {
      const s = fs.statSync(p);
      into[path.relative(root, p).split(path.sep).join('/')] = [s.size, s.mtimeMs];
    }
  }
  return into;
}
const before = statTree(path.join(root, 'src'));

const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts', thread: 'src/cli/thread-main.ts', 'parse-thread': 'src/cli/parse-thread-main.ts', 'stream-fit': 'src/cli/stream-fit-main.ts' },
  outdir: path.join(out, '_'), // same depth as the final dist-cli/<hash>, so the source maps' paths hold
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  metafile: true,
  write: false,
  logLevel: 'warning',
});

const inputs = {};
for (const file of Object.keys(result.metafile.inputs)) {
  const rel = path.relative(root, path.resolve(root, file)).split(path.sep).join('/');
  if (!before[rel]) throw new Error(`build-cli: ${rel} was bundled but is not under src/ (or appeared during the build)`);
  inputs[rel] = before[rel];
}

const hash = createHash('sha256');
const files = result.outputFiles.map((f) => ({ name: path.basename(f.path), contents: f.contents })).sort((a, b) => (a.name < b.name ? -1 : 1));
for (const f of files) hash.update(f.name).update('\0').update(f.contents).update('\0');
const id = hash.digest('hex').slice(0, 16);
const dir = path.join(out, id);

fs.mkdirSync(out, { recursive: true });
if (!fs.existsSync(path.join(dir, 'main.mjs'))) {
  const tmp = fs.mkdtempSync(path.join(out, '.tmp-'));
  fs.chmodSync(tmp, 0o755);
  for (const f of files) fs.writeFileSync(path.join(tmp, f.name), f.contents);
  try {
    fs.renameSync(tmp, dir);
  } catch (e) {
    // Another build of the same content won the race: same files, keep theirs.
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(path.join(dir, 'main.mjs'))) throw e;
  }
}
const manifestTmp = path.join(out, `.manifest-${process.pid}.json`);
fs.writeFileSync(manifestTmp, `${JSON.stringify({ build: id, built: new Date(started).toISOString(), inputs }, null, 1)}\n`);
fs.renameSync(manifestTmp, path.join(out, 'manifest.json'));

// Old builds: gone after an hour (a CLI started from one has long since loaded its threads).
for (const e of fs.readdirSync(out, { withFileTypes: true })) {
  if (!e.isDirectory() || e.name === id) continue;
  const p = path.join(out, e.name);
  if (Date.now() - fs.statSync(p).mtimeMs > 3600_000) fs.rmSync(p, { recursive: true, force: true });
}

const bytes = files.filter((f) => f.name.endsWith('.mjs')).reduce((s, f) => s + f.contents.length, 0);
process.stdout.write(`build-cli: ${path.relative(process.cwd(), dir) || '.'} (${Object.keys(inputs).length} sources, ${(bytes / 1024).toFixed(0)} KB, ${Date.now() - started} ms)\n`);
