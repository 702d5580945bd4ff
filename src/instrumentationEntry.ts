// `next-server-auth/instrumentation`: start-up checks for Next's
// instrumentation.ts. Node.js only (it can stop the process); kept out of the
// main entry so middleware bundles never see it. Not named instrumentation.ts:
// Turbopack takes a src/instrumentation.ts under its root (this repository)
// for the instrumentation hook of every app built here (example-app, e2e apps).
export { assertAuthReady } from './assertAuthReady.js';
export type { AssertAuthReadyOptions } from './assertAuthReady.js';
