import { defineConfig } from 'vitest/config';

// Not part of `npm test` (it needs Debian's chromium): run with
//   npx vitest run --config scripts/chromium-cookie-names/vitest.config.ts
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['scripts/chromium-cookie-names/*.check.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
