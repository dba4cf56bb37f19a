/**
 * Issue 14, section 5: encodings. UTF-16 with a BOM is read (LE and BE, the byte reader and
 * papaparse's path); UTF-16 without one is said to be UTF-16; bytes that are not UTF-8 are an
 * EncodingError naming the row and column (never a silent U+FFFD), in the header, an unquoted
 * cell and a quoted one; Windows-1252 is read when asked for. CLI: --encoding latin1.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { EncodingError, parseCsvChunks, parseCsvString, type ReadOptions } from '../../src/core/data/csv';
import type { Dataset } from '../../src/core/data/dataset';
import { decodeText, encodingFromName, firstInvalidUtf8, papaStream, utf8Tail } from '../../src/core/data/encoding';
import { Random } from '../../src/core/random';
import { REPO_ROOT } from './helpers';

/** The bytes in chunks of `size` (an odd size cuts UTF-16 code units and UTF-8 sequences). */
async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

/** Read bytes as the CLI and the page do: papaparse gets text decoded by the reader (reread). */
function read(bytes: Uint8Array, size = 7, options: ReadOptions = {}, name = 'f.csv'): Promise<Dataset> {
  return parseCsvChunks(name, chunked(bytes, size), (config, text) => {
    if (!text) throw new Error('reread was given: papaparse must get the decoded text');
    Papa.parse(papaStream(text) as unknown as File, config as unknown as Papa.ParseLocalConfig<string[], File>);
  }, { reread: () => chunked(bytes, size), ...options });
}

const values = (ds: Dataset) => ds.columns.map((c) => (c.kind === 'numeric' ? Array.from(c.values) : c.levels));
const utf16 = (text: string, be: boolean) => {
  const out = new Uint8Array(2 + text.length * 2);
  out.set(be ? [0xfe, 0xff] : [0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + 2 * i + (be ? 1 : 0)] = c & 0xff;
    out[2 + 2 * i + (be ? 0 : 1)] = c >> 8;
  }
  return out;
};
const cp1252 = (text: string) => Uint8Array.from(text, (ch) => (ch === '€' ? 0x80 : ch.charCodeAt(0)));

const PLAIN = `x,v,température\n${Array.from({ length: 50 }, (_, i) => `${i * 0.5},${(i * 7) % 13},${i % 3}`).join('\n')}\n`;
const QUOTED = `x,"city",label\n${Array.from({ length: 50 }, (_, i) => `${i},"${i === 17 ? 'Zürich, CH' : 'Bern'}",${i % 9 === 0 ? 1 : 0}`).join('\n')}\n`;

describe('firstInvalidUtf8 and utf8Tail agree with TextDecoder', () => {
  it('on 3000 random byte strings: -1 exactly when a streaming fatal decode succeeds', () => {
    const rng = new Random(4);
    for (let t = 0; t < 3000; t++) {
      const n = 1 + rng.int(12);
      const b = Uint8Array.from({ length: n }, () => (rng.float() < 0.5 ? 0x80 + rng.int(0x80) : rng.int(0x100)));
      let ok = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(b, { stream: true });
      } catch {
        ok = false;
      }
      expect(firstInvalidUtf8(b) < 0, Array.from(b, (x) => x.toString(16)).join(' ')).toBe(ok);
      if (ok) {
        // What the tail holds back is exactly what a non-streaming decode would refuse.
        const body = b.subarray(0, b.length - utf8Tail(b));
        expect(() => new TextDecoder('utf-8', { fatal: true }).decode(body)).not.toThrow();
      }
    }
  });
  it('finds the byte: é in Latin-1 (0xE9) followed by ASCII', () => {
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xe9, 0x74, 0x65]))).toBe(1);
    expect(firstInvalidUtf8(new TextEncoder().encode('été ✓ 😀'))).toBe(-1);
  });
});

describe('UTF-16 with a byte-order mark is read', () => {
  it.each([false, true])('big-endian %s: the same Dataset as the UTF-8 text, through the byte reader (odd chunk sizes)', async (be) => {
    const want = parseCsvString(PLAIN, 'f.csv');
    for (const size of [1, 3, 64, 1 << 20]) {
      const ds = await read(utf16(PLAIN, be), size);
      expect(ds.columns.map((c) => c.name)).toEqual(['x', 'v', 'température']);
      expect(values(ds)).toEqual(values(want));
    }
  });
  it.each([false, true])('big-endian %s: a quoted file (papaparse path) too', async (be) => {
    const ds = await read(utf16(QUOTED, be), 5);
    expect(ds.rows).toBe(50);
    const city = ds.columns[1];
    expect(city.kind === 'text' && city.levels).toContain('Zürich, CH');
  });
  it('UTF-16 without a BOM is said to be UTF-16; other NUL bytes are still binary data', async () => {
    const noBom = utf16(PLAIN, false).subarray(2);
    await expect(read(noBom)).rejects.toThrow(/looks like UTF-16 \(little-endian\) text without a byte-order mark/);
    const binary = Uint8Array.from({ length: 400 }, (_, i) => (i % 7 === 3 ? 0 : 0x41 + (i % 26)));
    await expect(read(binary)).rejects.toThrow(/binary data \(a NUL byte/);
  });
});

describe('bytes that are not UTF-8 are refused with the row and column; Windows-1252 on request', () => {
  it('a Latin-1 header: the header and the column, never U+FFFD in a name', async () => {
    const err = await read(cp1252(PLAIN), 64).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EncodingError);
    expect((err as Error).message).toBe("f.csv: the header (line 1), column 3: byte 0xE9 is not UTF-8: the file may be Latin-1 / Windows-1252; read it as that");
  });
  it('a Latin-1 cell of an unquoted file: its row and column', async () => {
    const text = `x,city\n${Array.from({ length: 40 }, (_, i) => `${i},${i === 22 ? 'Zürich' : 'Bern'}`).join('\n')}\n`;
    for (const size of [5, 1 << 16]) {
      const err = (await read(cp1252(text), size).catch((e: unknown) => e)) as EncodingError;
      expect(err).toBeInstanceOf(EncodingError);
      expect(err.message).toMatch(/^f\.csv: row 23 \(line 24\), column 'city': byte 0xFC is not UTF-8/);
      expect([err.row, err.column]).toEqual([23, 'city']);
    }
  });
  it('a Latin-1 cell of a quoted file (papaparse path): its row and column, at any chunk size', async () => {
    for (const size of [3, 100, 1 << 16]) {
      const err = (await read(cp1252(QUOTED), size).catch((e: unknown) => e)) as EncodingError;
      expect(err).toBeInstanceOf(EncodingError);
      expect(err.message).toMatch(/^f\.csv: row 18 \(line 19\), column 'city': byte 0xFC is not UTF-8/);
    }
  });
  it('valid UTF-8 cut anywhere by the chunks is read, quoted or not', async () => {
    const bytes = new TextEncoder().encode(QUOTED.replace('Bern', 'Genève ✓ 😀'));
    for (const size of [1, 2, 3, 5]) expect((await read(bytes, size)).rows).toBe(50);
    expect((await read(new TextEncoder().encode(PLAIN), 1)).columns[2].name).toBe('température');
  });
  it('encoding windows-1252 reads the same bytes: é, ü and € (0x80) as themselves', async () => {
    const ds = await read(cp1252(PLAIN.replace('x,', '€ x,')), 7, { encoding: 'windows-1252' });
    expect(ds.columns.map((c) => c.name)).toEqual(['€ x', 'v', 'température']);
    const q = await read(cp1252(QUOTED), 7, { encoding: 'windows-1252' });
    expect(q.columns[1].kind === 'text' && q.columns[1].levels).toContain('Zürich, CH');
  });
  it('decodeText names the header column from the header line when the bad byte is in a later row', async () => {
    const bytes = cp1252('a;b;c\n1;2;3\n4;5;x\u00e9\n');
    const all = async () => { for await (const _ of decodeText(chunked(bytes, 4), 'utf-8', 'g.csv', ';')) { /* drain */ } };
    await expect(all()).rejects.toThrow("g.csv: row 2 (line 3), column 'c': byte 0xE9 is not UTF-8");
  });
  it('encodingFromName: latin1 and its aliases are Windows-1252; unknown names are null', () => {
    for (const n of ['latin1', 'Latin-1', 'ISO-8859-1', 'cp1252', 'windows-1252']) expect(encodingFromName(n)).toBe('windows-1252');
    expect(encodingFromName('UTF8')).toBe('utf-8');
    expect(encodingFromName('ebcdic')).toBeNull();
  });
});

describe('CLI: UTF-16 and --encoding latin1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anomaly-lab-encoding-'));
  const bin = resolve(REPO_ROOT, 'bin', 'anomaly-lab.js');
  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 110_000 });
  const file = (name: string, bytes: Uint8Array) => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };

  it('a UTF-16 LE file with a BOM scores like its UTF-8 copy', () => {
    const a = cli('score', file('u16.csv', utf16(PLAIN, false)), '--json');
    const b = cli('score', file('u8.csv', new TextEncoder().encode(PLAIN)), '--json');
    expect(a.status, a.stderr).toBe(0);
    const [ja, jb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(ja.columns).toEqual(['x', 'v', 'température']);
    expect([ja.rows, ja.threshold, ja.flagged, ja.model]).toEqual([jb.rows, jb.threshold, jb.flagged, jb.model]);
  }, 120_000);

  it('Latin-1 bytes: one line naming row and column with --encoding latin1, exit 2; with the flag the names are right', () => {
    const p = file('latin1.csv', cp1252(PLAIN));
    const r = cli('score', p, '--json');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("anomaly-lab: latin1.csv: the header (line 1), column 3: byte 0xE9 is not UTF-8: the file may be Latin-1 / Windows-1252; read it as that (--encoding latin1)\n");
    const ok = cli('score', p, '--encoding', 'latin1', '--json');
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).columns).toEqual(['x', 'v', 'température']);
    const bad = cli('score', p, '--encoding', 'ebcdic');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--encoding must be utf-8, latin1/);
  }, 120_000);
});
