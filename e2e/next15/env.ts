// Where the next15-edge project's stack listens (playwright.config.ts starts
// it; the specs in this folder use it). Ports differ from the Next 16 suite's.
export const NEXT15_APP_PORT = Number(process.env.E2E_NEXT15_APP_PORT ?? 3120);
export const NEXT15_IDP_PORT = Number(process.env.E2E_NEXT15_IDP_PORT ?? 3320);
export const NEXT15_APP_URL = `http://localhost:${NEXT15_APP_PORT}`;
export const NEXT15_IDP_URL = `http://127.0.0.1:${NEXT15_IDP_PORT}`;
/** Access/ID token lifetime on this stack: short, so the refresh spec waits only seconds. */
export const NEXT15_TOKEN_TTL = 5;
/** Where scripts/start.mjs (APP_LOG) writes this stack's `next build` and `next start` output, for the no-warnings check. */
export const NEXT15_LOG = '.e2e/next15.log';
