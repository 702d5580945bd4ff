// Where the `amplify` project's stack listens (playwright.config.ts starts it;
// e2e/amplify.spec.ts uses it): `npm start`'s stack on its own ports, with
// access tokens short enough that a spec can wait for one to expire.
// Ports differ from every other stack (and from the +10/+30 offsets of the
// private stacks of the chromium project's specs).
export const AMPLIFY_APP_PORT = Number(process.env.E2E_AMPLIFY_APP_PORT ?? 3250);
export const AMPLIFY_IDP_PORT = Number(process.env.E2E_AMPLIFY_IDP_PORT ?? 3540);
/** The example app's resource server on this stack (unused by the spec, but npm start runs one). */
export const AMPLIFY_RESOURCE_PORT = AMPLIFY_IDP_PORT + 5;
export const AMPLIFY_APP_URL = `http://localhost:${AMPLIFY_APP_PORT}`;
export const AMPLIFY_IDP_URL = `http://127.0.0.1:${AMPLIFY_IDP_PORT}`;
/**
 * Access/ID token lifetime on this stack, in seconds. Over Amplify's 5 s
 * expiry tolerance with room for a test's steps: the browser library treats
 * a token as expired 5 s early, the server refreshes it in its last quarter.
 */
export const AMPLIFY_TOKEN_TTL = 20;
