import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // The package's own "imports" (package.json) point at dist/, which a fresh
    // clone has not built: tests load the sources, as tsconfig `paths` does.
    alias: [
      { find: /^#aws\/cognito-identity$/, replacement: source('./src/aws/cognitoIdentity.ts') },
      { find: /^#aws\/cognito-identity-provider$/, replacement: source('./src/aws/cognitoIdentityProvider.ts') },
    ],
  },
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
