import type { DevIdpClient, DevIdpUserInput } from './types.js';

/**
 * The users the dev IdP starts with when none are given (the contract the
 * example app and e2e tests rely on). `users.json` next to this file holds
 * the same users as an example of the `--users` format; tsc does not copy
 * JSON to dist, so the runtime defaults live here.
 *
 * @example
 * ```ts
 * const idp = await startDevIdp({ users: [...DEFAULT_USERS, { username: 'carol@example.com', password: 'carol-password' }] });
 * ```
 */
export const DEFAULT_USERS: readonly DevIdpUserInput[] = Object.freeze([
  { username: 'alice@example.com', password: 'alice-password', name: 'Alice Example', groups: ['ADMINS'] },
  { username: 'bob@example.com', password: 'bob-password', name: 'Bob Example' },
]);

/**
 * The public client registered when none are given: the example app on
 * http://localhost:3000.
 *
 * @example
 * ```ts
 * await signInWithPassword({ issuer, clientId: DEFAULT_CLIENT.clientId, redirectUri: DEFAULT_CLIENT.redirectUris[0]!, username, password });
 * ```
 */
export const DEFAULT_CLIENT: Readonly<DevIdpClient> = Object.freeze({
  clientId: 'next-server-auth-example',
  redirectUris: ['http://localhost:3000/api/auth/sign-in-callback'],
  postLogoutRedirectUris: ['http://localhost:3000/api/auth/sign-out-callback'],
});

/** Default listening port of the dev IdP. */
export const DEFAULT_PORT = 3200;
