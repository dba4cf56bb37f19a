/**
 * A worker (page) or worker thread (CLI) that failed under a call: an uncaught error in it
 * ('error'), or gone altogether ('exit': closed itself, crashed, ran out of memory, lost its
 * GPU device). No imports, so the CLI's entry can test for it without loading the thread code.
 */
export class WorkerLost extends Error {
  constructor(
    message: string,
    /** 'error': it threw outside any call (it may still run, in an unknown state); 'exit': it is gone. */
    readonly kind: 'error' | 'exit',
    /** The tfjs backend it had chosen, when known. */
    readonly backend?: string,
  ) {
    super(message);
    this.name = 'WorkerLost';
  }
}

/** The backend a job that lost its worker is retried on (DESIGN: webgpu → webgl → wasm → cpu); null after cpu. */
export function nextBackend(backend: string | undefined): 'wasm' | 'cpu' | null {
  if (backend === 'webgpu' || backend === 'webgl') return 'wasm';
  if (backend === 'wasm') return 'cpu';
  return null;
}
