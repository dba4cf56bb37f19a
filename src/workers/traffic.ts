/**
 * What crosses the main thread on the way to and from the detector workers: every
 * message is looked through for row data — a matrix `{ data, rows, cols }` — and its
 * bytes are counted. The house rule is that this stays 0 (feature matrices go from
 * the data worker to the detector workers over their own ports); the e2e tests hold
 * the page to it.
 */
import type * as Comlink from 'comlink';

/** Bytes of every matrix-shaped value ({ data: typed array, rows, cols }) in a message. */
export function matrixBytes(value: unknown, depth = 0): number {
  if (depth > 12 || value === null || typeof value !== 'object') return 0;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return 0;
  const v = value as { data?: unknown; rows?: unknown; cols?: unknown };
  if (ArrayBuffer.isView(v.data) && typeof v.rows === 'number' && typeof v.cols === 'number') return (v.data as ArrayBufferView).byteLength;
  let sum = 0;
  if (Array.isArray(value)) for (const x of value) sum += matrixBytes(x, depth + 1);
  else for (const x of Object.values(value)) sum += matrixBytes(x, depth + 1);
  return sum;
}

/** A comlink endpoint over `target` that adds the row bytes of every message, both ways, to `count`. */
export function countingEndpoint(target: Comlink.Endpoint, count: (bytes: number) => void): Comlink.Endpoint {
  const wrapped = new Map<EventListenerOrEventListenerObject, EventListener>();
  return {
    postMessage(message: unknown, transfer?: Transferable[]) {
      const b = matrixBytes(message);
      if (b) count(b);
      target.postMessage(message, transfer);
    },
    addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: object) {
      const w: EventListener = (ev) => {
        if (type === 'message') {
          const b = matrixBytes((ev as MessageEvent).data);
          if (b) count(b);
        }
        if (typeof listener === 'function') listener(ev);
        else listener.handleEvent(ev);
      };
      wrapped.set(listener, w);
      target.addEventListener(type, w, options);
    },
    removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: object) {
      const w = wrapped.get(listener);
      if (!w) return;
      wrapped.delete(listener);
      target.removeEventListener(type, w, options);
    },
  };
}
