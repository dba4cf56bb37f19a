import { defineConfig } from 'vitest/config';

// Unit tests of src/core only; the page's end-to-end tests are Playwright's (e2e/).
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
  },
});
