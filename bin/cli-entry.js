// Which code bin/anomaly-lab.js runs: the bundle scripts/build-cli.mjs made (dist-cli/), only while every
// source file it was built from still has the size and mtime it had then; otherwise src/cli/main.ts
// through tsx. So editing src/ never runs a stale bundle, it only starts slower until the next build.
import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** { kind: 'bundle' | 'source', url, why } for the checkout at `root` (its bundle in `dist`). */
export function cliEntry(root = ROOT, env = process.env, dist = `${root}/dist-cli`) {
  const source = (why) => ({ kind: 'source', url: pathToFileURL(`${root}/src/cli/main.ts`).href, why });
  if (env.ANOMALY_LAB_FROM_SOURCE && env.ANOMALY_LAB_FROM_SOURCE !== '0') return source('ANOMALY_LAB_FROM_SOURCE is set');
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(`${dist}/manifest.json`, 'utf8'));
  } catch {
    return source('no bundle (npm run build:cli)');
  }
  const inputs = Object.entries(manifest.inputs ?? {});
  if (!inputs.length || !/^[0-9a-f]+$/.test(manifest.build)) return source('unreadable manifest');
  for (const [file, [size, mtimeMs]] of inputs) {
    const s = fs.statSync(`${root}/${file}`, { throwIfNoEntry: false });
    if (!s) return source(`${file} is gone since the build`);
    if (s.size !== size || s.mtimeMs !== mtimeMs) return source(`${file} changed since the build`);
  }
  const main = `${dist}/${manifest.build}/main.mjs`;
  if (!fs.existsSync(main)) return source('bundle missing');
  return { kind: 'bundle', url: pathToFileURL(main).href, why: `built ${manifest.built}` };
}
