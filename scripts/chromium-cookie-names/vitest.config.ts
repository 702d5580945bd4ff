import { defineConfig } from 'vitest/config';

// Run by `npm test` after the e2e step (which installs Debian's chromium); alone:
//   npx vitest run --config scripts/chromium-cookie-names/vitest.config.ts
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['scripts/chromium-cookie-names/*.check.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
