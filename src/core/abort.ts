/**
 * Cancelling long computations: the part of an AbortSignal core reads, the
 * error a cancelled job throws, and the check loops make between blocks. A
 * leaf: it imports nothing, so any module in src/core may use it.
 *
 * @example
 * for (let start = 0; start < rows; start += BLOCK) {
 *   throwIfAborted(options.signal); // AbortError('cancelled') once the signal fires
 *   …
 * }
 */

/** The part of an AbortSignal the detectors read (core has no DOM types). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

export class AbortError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'AbortError';
  }
}

export function throwIfAborted(signal?: AbortSignalLike): void {
  if (signal?.aborted) throw new AbortError();
}
