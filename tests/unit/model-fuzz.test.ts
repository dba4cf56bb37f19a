/**
 * Tampered model files (issue 14, section 2). For every registered detector — the registry is
 * iterated, so a new detector is covered by being registered — fit a small model, save it, then
 * mutate the saved file field by field: drop, negate, grow ×1e9, retype (text, null, an array,
 * an object), NaN, shrink arrays, and for tree models point children at their own node, at 1e9
 * and at −5. Each mutant goes through the path the CLI takes (readModel's checkModelSchema with
 * the file's name, then fitAndScore → registry loadModel → the detector's load → score) and must
 * end in one of two ways: an error whose message is one line naming the file, or finite scores.
 * Every message is collected, and no user-facing message may read like a program error
 * ("is not a function", "undefined", "Cannot read properties", a stack trace).
 *
 * Two spawned CLI runs check the exit status (2) and the one line on stderr.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../src/core/data/matrix';
import type { ModelJSON } from '../../src/core/detectors/detector';
import { checkModelSchema } from '../../src/core/detectors/model-schema';
import { pow2neg } from '../../src/core/detectors/iforest';
import { resolveParams } from '../../src/core/detectors/params';
import { DETECTORS } from '../../src/core/detectors/registry';
import { fitAndScore } from '../../src/core/detectors/run';
import { Random } from '../../src/core/random';
import { REPO_ROOT } from './helpers';

const FILE = 'model.json';
/** Small fits: the mutants, not the detectors, are under test. */
const QUICK: Record<string, Record<string, unknown>> = {
  iforest: { n_estimators: 4, max_samples: 32 },
  autoencoder: { hidden_neuron_list: '3', epoch_num: 1 },
  lstm_ae: { window_size: 4, hidden_size: 3, epoch_num: 1 },
  gru_ae: { window_size: 4, hidden_size: 3, epoch_num: 1 },
  ocsvm: {},
};

function cloud(rows: number, cols: number, seed: number): Matrix {
  const rng = new Random(seed);
  return { data: Float64Array.from({ length: rows * cols }, () => rng.normal()), rows, cols };
}

/** Messages a user could see, collected from every run here, for the wording check at the end. */
const messages: string[] = [];

/** What a user must never read: a program's error, not theirs. */
const PROGRAM_ERROR = /is not a function|undefined|Cannot read propert|\n\s+at |is not iterable|Invalid typed array length|Maximum call stack/;

type Json = unknown;
type Path = (string | number)[];

function getAt(root: Json, path: Path): Json {
  let v = root;
  for (const k of path) v = (v as Record<string | number, Json>)[k];
  return v;
}

/** A deep copy with the value at `path` replaced (or deleted, for `DROP`). */
const DROP = Symbol('drop');
function withAt(root: Json, path: Path, value: Json | typeof DROP): Json {
  const copy = structuredClone(root) as Record<string | number, Json>;
  let v: Record<string | number, Json> = copy;
  for (const k of path.slice(0, -1)) v = v[k] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (value === DROP) {
    if (Array.isArray(v)) v.splice(last as number, 1);
    else delete v[last];
  } else v[last] = value;
  return copy;
}

/** Every field of a saved model, depth first: objects' keys, arrays as a whole, and a few elements of each array. */
function fields(v: Json, path: Path = []): Path[] {
  const out: Path[] = path.length ? [path] : [];
  if (Array.isArray(v)) {
    const picks = new Set([0, Math.floor(v.length / 2), v.length - 1].filter((i) => i >= 0 && i < v.length));
    for (const i of picks) out.push(...fields(v[i], [...path, i]));
  } else if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) out.push(...fields((v as Record<string, Json>)[k], [...path, k]));
  }
  return out;
}

const isNumbers = (v: Json): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number');

/** The mutations of one field's value. */
function mutations(v: Json): [string, Json | typeof DROP][] {
  const out: [string, Json | typeof DROP][] = [['drop', DROP], ['null', null], ['text', typeof v === 'string' ? `${v}x` : JSON.stringify(v) ?? 'x'], ['array', [v]], ['object', { value: v }], ['NaN', NaN]];
  if (typeof v === 'number') out.push(['negate', -v], ['×1e9', v * 1e9], ['1e300', 1e300], ['−1', -1], ['0', 0], ['0.5', v + 0.5]);
  if (typeof v === 'boolean') out.push(['flip', !v]);
  if (Array.isArray(v)) {
    out.push(['shrink', v.slice(0, Math.floor(v.length / 2))], ['empty', []], ['grow', [...v, ...v]]);
    if (isNumbers(v)) out.push(['negate', v.map((x) => -x)], ['×1e9', v.map((x) => x * 1e9)], ['NaN inside', v.map((x, i) => (i === v.length - 1 ? NaN : x))]);
  }
  if (typeof v === 'string') out.push(['empty', ''], ['base64 of NaN', 'AADAfw=='.repeat(Math.max(1, Math.floor(v.length / 8)))]);
  return out;
}

/** Tree models: children pointing at their own node, far away, or back (every internal node's `left`). */
function treeMutations(json: Json): [string, Json][] {
  const out: [string, Json][] = [];
  const visit = (v: Json, path: Path): void => {
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) return;
    for (const [k, x] of Object.entries(v)) {
      if (isNumbers(x) && /^(left|right|children)$/.test(k)) {
        const internal = x.map((c, i) => (c >= 0 ? i : -1)).filter((i) => i >= 0);
        out.push(
          [`${[...path, k].join('.')}: self`, withAt(json, [...path, k], x.map((c, i) => (c >= 0 ? i : c)))],
          [`${[...path, k].join('.')}: one self`, withAt(json, [...path, k], x.map((c, i) => (i === internal[internal.length >> 1] ? i : c)))],
          [`${[...path, k].join('.')}: 1e9`, withAt(json, [...path, k], x.map((c) => (c >= 0 ? 1e9 : c)))],
          [`${[...path, k].join('.')}: −5`, withAt(json, [...path, k], x.map((c) => (c >= 0 ? -5 : c)))],
          [`${[...path, k].join('.')}: back to the root`, withAt(json, [...path, k], x.map((c, i) => (c >= 0 && i > 0 ? 0 : c)))],
        );
      } else visit(x, [...path, k]);
    }
  };
  visit(json, []);
  return out;
}

/**
 * Load and score a mutant as the CLI does: its file check, then fitAndScore with the model.
 * Returns the error's message, or null when it scored (asserting the scores finite).
 */
async function loadAndScore(mutant: Json, X: Matrix, what: string): Promise<string | null> {
  try {
    const m = checkModelSchema(mutant, FILE);
    const { scores, model } = await fitAndScore({ detector: m.detector, train: X, model: m });
    expect(scores.length, what).toBe(X.rows);
    const bad = scores.findIndex((s) => !Number.isFinite(s));
    expect(bad, `${what}: score ${bad} is ${scores[bad]}`).toBe(-1);
    expect(Number.isFinite(model.threshold), `${what}: threshold`).toBe(true);
    return null;
  } catch (e) {
    const msg = (e as Error).message;
    if (/^expected /.test(msg) || (e as Error).name === 'AssertionError') throw e;
    messages.push(msg);
    return msg;
  }
}

describe.each(DETECTORS.map((d) => [d.id, d] as const))('a tampered %s model: a clear error or finite scores', (id, spec) => {
  const cols = (spec as { columns?: number }).columns ?? 2;
  const X = cloud(48, cols, 5);
  const names = ['a', 'b'].slice(0, cols);
  let saved: ModelJSON | null = null;
  const model = async (): Promise<ModelJSON> => {
    if (!saved) {
      const fitted = await spec.fit(X, resolveParams(spec.params, QUICK[id] ?? {}, id), { seed: 3 });
      saved = JSON.parse(JSON.stringify({ ...fitted.toJSON(), columns: names })) as ModelJSON;
    }
    return saved;
  };

  it('the saved model itself loads and scores', async () => {
    expect(await loadAndScore(await model(), X, 'unchanged')).toBeNull();
  });

  it('every field dropped, negated, grown ×1e9, retyped, NaN, shrunk', async () => {
    const json = await model();
    const paths = fields(json);
    expect(paths.length).toBeGreaterThan(8);
    let refused = 0;
    let scored = 0;
    for (const path of paths) {
      for (const [how, value] of mutations(getAt(json, path))) {
        const what = `${path.join('.')}: ${how}`;
        const msg = await loadAndScore(withAt(json, path, value), X, what);
        if (msg === null) scored++;
        else {
          refused++;
          expect(msg, what).not.toMatch(PROGRAM_ERROR);
          expect(msg.split('\n'), what).toHaveLength(1);
          // The file and, where one is at fault, the field (its top-level key) are named.
          expect(msg, what).toMatch(new RegExp(`^${FILE}(:| is| has)`));
          if (path[0] !== 'format' && path[0] !== 'version') expect(msg, what).toContain(String(path[0]));
        }
      }
    }
    // Both outcomes occur: most mutants are refused, some (a threshold moved) still score.
    expect(refused).toBeGreaterThan(paths.length);
    expect(scored).toBeGreaterThan(0);
  }, 120_000);

  it('tree children pointing at their own node, at 1e9, at −5 or back at the root are refused', async () => {
    const json = await model();
    const trees = treeMutations(json);
    for (const [what, mutant] of trees) {
      const msg = await loadAndScore(mutant, X, what);
      expect(msg, what).toMatch(/^model\.json: state\..*must be a child index/);
    }
    if (id === 'iforest') expect(trees.length).toBeGreaterThan(0);
  });
});

describe('tampered models: the defects of issue 14, each named', () => {
  const X = cloud(48, 2, 9);
  const fit = async (id: string, over: Record<string, unknown> = {}): Promise<Record<string, any>> => {
    const spec = DETECTORS.find((d) => d.id === id)!;
    const m = await spec.fit(X, resolveParams(spec.params, { ...(QUICK[id] ?? {}), ...over }, id), { seed: 3 });
    return JSON.parse(JSON.stringify({ ...m.toJSON(), columns: ['a', 'b'] }));
  };
  const refuse = async (mutant: unknown, message: string | RegExp) => {
    const msg = await loadAndScore(mutant, X, String(message));
    expect(msg).not.toBeNull();
    if (typeof message === 'string') expect(msg).toBe(message);
    else expect(msg).toMatch(message);
  };

  it('Isolation Forest: offsets [0], maxSamples 0, negative offsets, maxDepth 40, zero trees, a short or textual value array', async () => {
    const m = await fit('iforest');
    const f = m.state.forest;
    await refuse({ ...m, state: { ...m.state, forest: { ...f, offsets: [0] } } }, 'model.json: state.forest.offsets must hold at least 2 numbers (one tree), got: an array of 1');
    await refuse({ ...m, state: { ...m.state, maxSamples: 0 } }, 'model.json: state.maxSamples must be in 1…2147483647, got: 0');
    await refuse({ ...m, state: { ...m.state, forest: { ...f, offsets: f.offsets.map((o: number) => -o) } } }, /^model\.json: state\.forest\.offsets\[1\] must be in 0…\d+, got: -\d+$/);
    await refuse({ ...m, state: { ...m.state, maxDepth: 40 } }, 'model.json: state.maxDepth must be ceil(log2(maxSamples 32)) = 5, got: 40');
    await refuse({ ...m, state: { ...m.state, forest: { offsets: [0], feature: [], threshold: [], left: [], value: [] } } }, 'model.json: state.forest.offsets must hold at least 2 numbers (one tree), got: an array of 1');
    await refuse({ ...m, state: { ...m.state, forest: { ...f, value: f.value.slice(0, 5) } } }, `model.json: state.forest.value must hold ${f.value.length} numbers (one per node), got 5`);
    await refuse({ ...m, state: { ...m.state, forest: { ...f, value: 'text' } } }, 'model.json: state.forest.value must be an array of numbers, got: "text"');
  });

  it('Isolation Forest: a left child of 1e9 or −5, or at its own node, is named with its tree and node', async () => {
    const m = await fit('iforest');
    const f = m.state.forest;
    const left = (v: (c: number, i: number) => number) => ({ ...m, state: { ...m.state, forest: { ...f, left: f.left.map(v) } } });
    const size0 = f.offsets[1];
    await refuse(left((c) => (c >= 0 ? 1e9 : c)), `model.json: state.forest.left[0] (tree 0, node 0) must be a child index in 1…${size0 - 2} (greater than its node's, within tree 0), got: 1000000000`);
    await refuse(left((c) => (c >= 0 ? -5 : c)), /^model\.json: state\.forest\.left\[0\] \(tree 0, node 0\) must be a child index in 1…\d+ .*got: -5$/);
    // In the second tree, its first internal node below the root points at itself.
    const t1 = f.offsets[1];
    const node = f.left.findIndex((c: number, i: number) => i > t1 && c >= 0 && f.feature[i] >= 0);
    await refuse(left((c, i) => (i === node ? node - t1 : c)), new RegExp(`^model\\.json: state\\.forest\\.left\\[${node}\\] \\(tree 1, node ${node - t1}\\) must be a child index in ${node - t1 + 1}…`));
  });

  it("a feature index past the last column, k as text, a null threshold, params null, columns as text, features as text", async () => {
    const i = await fit('iforest');
    await refuse({ ...i, state: { ...i.state, forest: { ...i.state.forest, feature: i.state.forest.feature.map((x: number) => (x >= 0 ? 2 : x)) } } }, 'model.json: state.forest.feature[0] must be in -1…1, got: 2');
    const k = await fit('knn');
    await refuse({ ...k, state: { ...k.state, k: '5' } }, 'model.json: state.k must be a finite integer, got: "5"');
    const l = await fit('lof');
    await refuse({ ...l, state: { ...l.state, k: '5' } }, 'model.json: state.k must be a finite integer, got: "5"');
    const z = await fit('zscore');
    await refuse({ ...z, threshold: null }, 'model.json: threshold must be a finite number, got: null');
    await refuse({ ...z, params: null }, 'model.json: params must be an object, got: null');
    await refuse({ ...z, columns: 'a,b' }, 'model.json: columns must be a list of 2 column names, got: "a,b"');
    await refuse({ ...z, features: '2' }, 'model.json: features must be a finite integer, got: "2"');
    await refuse(null, 'model.json is not an Anomaly Lab model (not a JSON object), got: null');
  });

  it('autoencoder: NaN or huge weights, and a 1e300 scaler, are refused', async () => {
    const a = await fit('autoencoder');
    const nan = 'AADAfw=='; // one float32 NaN, little-endian
    const bytes = Buffer.from(a.state.weightData, 'base64');
    bytes.writeFloatLE(NaN, 0);
    await refuse({ ...a, state: { ...a.state, weightData: bytes.toString('base64') } }, 'model.json: state.weightData weight 0 of dense_0/kernel must be a finite float32, got: NaN');
    bytes.writeFloatLE(1e300, 4); // float32: Infinity
    bytes.writeFloatLE(0.5, 0);
    await refuse({ ...a, state: { ...a.state, weightData: bytes.toString('base64') } }, 'model.json: state.weightData weight 1 of dense_0/kernel must be a finite float32, got: Infinity');
    await refuse({ ...a, state: { ...a.state, weightData: nan } }, /^model\.json: state\.weightData must hold \d+ float32 weights/);
    await refuse({ ...a, state: { ...a.state, scaler: { ...a.state.scaler, mean: [0, 1e300] } } }, "model.json: state.scaler.mean[1] must be within ±float32's largest value, got: 1e+300");
    await refuse({ ...a, state: { ...a.state, scaler: { ...a.state.scaler, scale: [1, -1] } } }, "model.json: state.scaler.scale[1] must be > 0 and at most float32's largest value, got: -1");
  });

  it("Isolation Forest's pow2neg ends at once for any exponent: 2^-∞ = 0, 2^-1076 = 0, and 2^-1074 is still the smallest double", () => {
    expect(pow2neg(Infinity)).toBe(0);
    expect(pow2neg(1e300)).toBe(0);
    expect(pow2neg(1076)).toBe(0);
    expect(pow2neg(1074)).toBe(Number.MIN_VALUE);
    expect(pow2neg(3)).toBe(0.125);
  });

  it('the resolved params are what scores: a kNN method dropped from params scores with the default, not as "undefined"', async () => {
    const k = await fit('knn', { method: 'largest' });
    const { method: _, ...rest } = k.params;
    const checked = checkModelSchema({ ...k, params: rest }, FILE);
    expect(checked.params.method).toBe('largest');
    const numeric = checkModelSchema({ ...k, params: { ...k.params, n_neighbors: '5' } }, FILE);
    expect(numeric.params.n_neighbors).toBe(5);
  });
});

describe('the CLI on a tampered model: exit 2, one line naming the file and the field', () => {
  const BIN = resolve(REPO_ROOT, 'bin', 'anomaly-lab.js');
  const dir = mkdtempSync(join(tmpdir(), 'anomaly-lab-fuzz-'));
  const data = join(dir, 'data.csv');
  writeFileSync(data, `a,b\n${Array.from({ length: 30 }, (_, i) => `${Math.sin(i)},${Math.cos(i * 1.3)}`).join('\n')}\n`);
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 110_000 });

  it('a forest whose left children point at 1e9, and a file holding null', async () => {
    const model = join(dir, 'forest.json');
    const saved = cli('score', data, '--detector', 'iforest', '--param', 'n_estimators=3', '--save-model', model, '--json');
    expect(saved.status, saved.stderr).toBe(0);
    const m = JSON.parse((await import('node:fs')).readFileSync(model, 'utf8'));
    m.state.forest.left = m.state.forest.left.map((c: number) => (c >= 0 ? 1e9 : c));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(m));
    const r = cli('score', data, '--model', bad);
    messages.push(r.stderr.trim());
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^anomaly-lab: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: state\\.forest\\.left\\[0\\] \\(tree 0, node 0\\) must be a child index in 1…\\d+ \\(greater than its node's, within tree 0\\), got: 1000000000\\n$`));
    const nul = join(dir, 'null.json');
    writeFileSync(nul, 'null');
    const n = cli('score', data, '--model', nul);
    messages.push(n.stderr.trim());
    expect(n.status).toBe(2);
    expect(n.stderr).toBe(`anomaly-lab: ${nul} is not an Anomaly Lab model (not a JSON object), got: null\n`);
  }, 120_000);

  it("a model whose columns include the label column is refused, naming the model file", () => {
    const labelled = join(dir, 'labelled.csv');
    writeFileSync(labelled, `a,b,label\n${Array.from({ length: 30 }, (_, i) => `${Math.sin(i)},${Math.cos(i)},${i % 10 === 0 ? 1 : 0}`).join('\n')}\n`);
    const model = join(dir, 'with-label.json');
    const zs = { format: 'anomaly-lab-model', version: 1, detector: 'zscore', params: {}, threshold: 3, features: 2, columns: ['a', 'label'], state: { center: [0, 0], scale: [1, 1] } };
    writeFileSync(model, JSON.stringify(zs));
    const r = cli('score', labelled, '--model', model);
    messages.push(r.stderr.trim());
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`anomaly-lab: ${model}: the model's columns include the label column 'label'\n`);
  }, 120_000);

  it('--model with an empty name is refused, not taken as "no model" (which fitted z-score silently)', () => {
    const r = cli('score', data, '--model', '', '--json');
    messages.push(r.stderr.trim());
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('anomaly-lab: --model needs a model file name, got an empty one\n');
  }, 120_000);
});

describe('the messages', () => {
  it('none reads like a program error: no "is not a function", "undefined", "Cannot read properties" or stack trace', () => {
    // Every message collected above (fuzz, defects, CLI); vitest runs this file's tests in order.
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.filter((m) => PROGRAM_ERROR.test(m))).toEqual([]);
  });
});
