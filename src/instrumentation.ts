// `next-server-auth/instrumentation`: start-up checks for Next's
// instrumentation.ts. Node.js only (it can stop the process); kept out of the
// main entry so middleware bundles never see it.
export { assertAuthReady } from './assertAuthReady.js';
export type { AssertAuthReadyOptions } from './assertAuthReady.js';
