import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Playwright specs live in e2e/ and must never be collected here.
    include: ['src/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**', 'dist/**', 'example-app/**'],
    passWithNoTests: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
