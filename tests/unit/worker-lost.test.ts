/** The backend a job that lost its worker is retried on (DESIGN: webgpu → webgl → wasm → cpu), and the error's fields. */
import { describe, expect, it } from 'vitest';
import { WorkerLost, nextBackend } from '../../src/workers/worker-lost';

describe('nextBackend', () => {
  it('steps down the order once per loss, and has nothing after cpu', () => {
    expect(nextBackend('webgpu')).toBe('wasm');
    expect(nextBackend('webgl')).toBe('wasm');
    expect(nextBackend('wasm')).toBe('cpu');
    expect(nextBackend('cpu')).toBeNull();
    expect(nextBackend(undefined)).toBeNull(); // died before it chose one: no retry
  });

  it('WorkerLost is an Error carrying its kind and backend', () => {
    const e = new WorkerLost('the detector worker stopped on wasm: it closed or crashed', 'exit', 'wasm');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('WorkerLost');
    expect([e.kind, e.backend]).toEqual(['exit', 'wasm']);
  });
});
