import { defineConfig } from 'vitest/config';

// Unit tests of src/core only; the page's end-to-end tests are Playwright's (e2e/).
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    // Scores compare as the numbers they hold (tests/unit/setup.ts).
    setupFiles: ['tests/unit/setup.ts'],
    // A default that fails a hung test, not a slow one on a busy machine (vitest's own is 5 s);
    // tests that spawn a process or a worker thread give their own (120 s).
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
