/**
 * The CLI side of the scikit-learn ports (tests/unit/sklearn-*.test.ts): run bin/anomaly-lab.js,
 * write rows to a CSV in a temporary folder, read the columns --out writes, and score a file
 * with one detector.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { parseCsvString } from '../../src/core/data/csv';
import { REPO_ROOT } from './helpers';

const BIN = resolve(REPO_ROOT, 'bin', 'anomaly-lab.js');

export interface Run { status: number | null; stdout: string; stderr: string }
export interface Scored { json: Record<string, any>; out: Record<string, Float64Array> }

export function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 110_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function cliAsync(...args: string[]): Promise<Run> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, timeout: 110_000 });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', rej);
    p.on('close', (status) => res({ status, stdout, stderr }));
  });
}

/** The numeric columns of a CSV written by --out. */
export function readOut(path: string): Record<string, Float64Array> {
  const ds = parseCsvString(readFileSync(path, 'utf8'), path);
  const out: Record<string, Float64Array> = {};
  for (const c of ds.columns) if (c.kind === 'numeric') out[c.name] = c.values;
  return out;
}

/** scikit-learn's predict (+1 inlier, −1 outlier) from our is_anomaly column. */
export const predict = (out: Record<string, Float64Array>) => Array.from(out.is_anomaly, (a) => (a === 1 ? -1 : 1));

/** Whether a message names the value the user gave: as typed, or as the number it reads as. */
export function namesValue(line: string, cli: string): boolean {
  if (line.includes(cli)) return true;
  const v = Number(cli);
  return cli.trim() !== '' && Number.isFinite(v) && line.includes(String(v));
}

/** One of scikit-learn's _parameter_constraints cases, as the fixture writes it. */
export interface ConstraintCase { param: string; cli: string; refused: boolean; error?: string; message?: string; warnings?: string[] }

/**
 * The title of the test that expects `--param param=value` refused: scikit-learn refuses it too, or it is
 * one of `deliberate` ('param=value', the README's deliberate differences) that scikit-learn accepts;
 * null where we accept it.
 */
export function refusalTitle(c: ConstraintCase, deliberate: ReadonlySet<string> = new Set()): string | null {
  if (c.refused) return `refuses ${c.param}=${c.cli} (scikit-learn: ${c.error}: ${c.message})`;
  if (deliberate.has(`${c.param}=${c.cli}`)) {
    return `refuses ${c.param}=${c.cli}: a deliberate difference (README; scikit-learn accepts it${c.warnings?.length ? `, warning: ${c.warnings[0]}` : ''})`;
  }
  return null;
}

/** A refused `--param param=value`: exit status 2 and one line on stderr naming the parameter and the value; returns that line. */
export function expectRefused(r: Run, param: string, value: string): string {
  expect(r.status, `exit status; stdout ${r.stdout.slice(0, 200)} stderr ${r.stderr}`).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, 'one line on stderr').toHaveLength(1);
  expect(lines[0]).toContain(param);
  expect(namesValue(lines[0], value), `names the value ${value}: ${lines[0]}`).toBe(true);
  return lines[0];
}

/** The helpers of one port: `detector` is the --detector id, `prefix` names its temporary folder. */
export function cliPort(detector: string, prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let files = 0;

  /** A fresh path in the temporary folder: `${name}${n}${ext}`. */
  const tmp = (name: string, ext: string) => join(dir, `${name}${files++}${ext}`);

  /** A CSV of the rows (columns x0, x1, …), with a `label` column when labels are given. */
  function csv(rows: ArrayLike<number>[], labels?: number[]): string {
    const d = rows[0].length;
    const head = [...Array.from({ length: d }, (_, j) => `x${j}`), ...(labels ? ['label'] : [])].join(',');
    const lines = Array.from(rows, (r, i) => [...Array.from(r, String), ...(labels ? [String(labels[i])] : [])].join(','));
    const path = tmp('f', '.csv');
    writeFileSync(path, `${head}\n${lines.join('\n')}\n`);
    return path;
  }

  /** `score FILE --detector <detector> --json --out …` plus args: the JSON and the scored columns; fails on a non-zero exit. */
  function score(file: string, ...args: string[]): Scored {
    const out = tmp('o', '.csv');
    const r = cli('score', file, '--detector', detector, '--json', '--out', out, ...args);
    expect(r.status, `exit status, stderr: ${r.stderr}`).toBe(0);
    return { json: JSON.parse(r.stdout), out: readOut(out) };
  }

  return { dir, tmp, cli, cliAsync, csv, readOut, score, predict };
}
