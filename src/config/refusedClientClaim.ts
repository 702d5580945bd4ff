/**
 * Claims that never reach the browser, whatever the allowlist says: the
 * protocol's own (replay and binding aids such as `nonce`, `at_hash`, `sid`,
 * `jti`, `origin_jti`; audience and issuer; times) and Cognito's token
 * bookkeeping. `sub` is already `userId`.
 */
const PROTOCOL_CLAIMS = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'nonce',
  'at_hash',
  'c_hash',
  's_hash',
  'sid',
  'azp',
  'auth_time',
  'acr',
  'amr',
  'origin_jti',
  'event_id',
  'token_use',
  'client_id',
  'scope',
  'cnf',
  'events',
]);

/** Fields of `ClientUser` the library fills itself; a claim of that name would overwrite them. */
const OWN_FIELDS = new Set(['username', 'userId', 'groups']);

/**
 * Why `name` may not be a client-session claim, or `undefined` when it may.
 *
 * @example
 * ```ts
 * refusedClientClaim('email'); // undefined
 * refusedClientClaim('at_hash'); // 'is a protocol claim ...'
 * ```
 */
export function refusedClientClaim(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'must be a non-empty string';
  // Object-shaped names could reach the prototype of the user object.
  if (name === '__proto__' || name === 'constructor' || name === 'prototype') return 'is not a claim name';
  if (PROTOCOL_CLAIMS.has(name)) return 'is a protocol claim the browser must never see';
  if (/token/i.test(name)) return 'looks like it holds a token, which never reaches the browser';
  if (OWN_FIELDS.has(name)) return 'is always in the client user (set by the library, not copied from the ID token)';
  return undefined;
}
