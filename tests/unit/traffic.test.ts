/** The pool's count of row data crossing the main thread (src/workers/traffic.ts): it must see a matrix wherever a message carries one. */
import { describe, expect, it } from 'vitest';
import { countingEndpoint, matrixBytes } from '../../src/workers/traffic';

const matrix = (rows: number, cols: number) => ({ data: new Float64Array(rows * cols), rows, cols });

describe('row data in messages', () => {
  it('finds matrices at any depth of a comlink message, and nothing else', () => {
    // Comlink's wire format: { type, path, argumentList: [{ type: 'RAW', value }] }.
    expect(matrixBytes({ type: 'APPLY', path: ['run'], argumentList: [{ type: 'RAW', value: { train: matrix(10, 3), seed: 1 } }] })).toBe(240);
    expect(matrixBytes([matrix(2, 2), { nested: [matrix(1, 4)] }])).toBe(64);
    // Scores, ids, neighbour lists and plain numbers are not row data.
    expect(matrixBytes({ scores: new Float64Array(1000), modelId: 'model-1', rows: 5, distances: new Float64Array(50), k: 5 })).toBe(0);
    expect(matrixBytes(null)).toBe(0);
    expect(matrixBytes(new Float64Array(10))).toBe(0);
  });

  it('counts both ways through a wrapped endpoint', () => {
    const listeners: ((ev: MessageEvent) => void)[] = [];
    const posted: unknown[] = [];
    const target = {
      postMessage: (m: unknown) => posted.push(m),
      addEventListener: (_: string, l: EventListenerOrEventListenerObject) => listeners.push(l as (ev: MessageEvent) => void),
      removeEventListener: (_: string, l: EventListenerOrEventListenerObject) => listeners.splice(listeners.indexOf(l as (ev: MessageEvent) => void), 1),
    };
    let bytes = 0;
    const ep = countingEndpoint(target, (b) => { bytes += b; });
    ep.postMessage({ value: matrix(4, 2) });
    expect(posted).toHaveLength(1);
    expect(bytes).toBe(64);
    const seen: unknown[] = [];
    const listener = (ev: Event) => seen.push((ev as MessageEvent).data);
    ep.addEventListener('message', listener);
    listeners[0]({ data: { value: matrix(1, 1) } } as MessageEvent);
    expect(seen).toHaveLength(1);
    expect(bytes).toBe(72);
    ep.removeEventListener('message', listener);
    expect(listeners).toHaveLength(0);
  });
});
