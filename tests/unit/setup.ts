/**
 * Scores (src/core/detectors/detector.ts) is a Float64Array that also says how it was computed;
 * compared with toEqual, it equals any Float64Array holding the same numbers (vitest's own
 * equality would refuse the two classes).
 */
import { expect } from 'vitest';
import { Scores } from '../../src/core/detectors/detector';
import { installWatchdog } from './watchdog';

expect.addEqualityTesters([
  function scoresAsNumbers(a: unknown, b: unknown): boolean | undefined {
    if (!(a instanceof Scores || b instanceof Scores)) return undefined;
    if (!(a instanceof Float64Array && b instanceof Float64Array)) return false;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  },
]);

// A test stuck in a loop that never yields fails the run instead of hanging it (tests/unit/watchdog.ts).
installWatchdog();
