// Subpath import: jose's barrel pulls in JWE compression, which the edge runtime lacks.
import { decodeProtectedHeader } from 'jose/decode/protected_header';
import { AuthError } from '../errors/AuthError.js';
import type { TokenVerifier } from '../tokens/TokenVerifier.js';

/** The `events` member that makes a JWT a logout token (OIDC Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * How old (by `iat`) a logout token may be, seconds. IdPs send them at once
 * (oidc-provider: valid 120 s); the bound also bounds how long a `jti` must
 * be remembered.
 */
export const LOGOUT_TOKEN_MAX_AGE = 600;

/** What a verified logout token says: whose sessions to end. */
export interface LogoutTokenClaims {
  /** The user whose sessions end (with `sid`: only that IdP session's). */
  sub?: string;
  /** The IdP session that ended (the ID token's `sid`). */
  sid?: string;
  /** The token's unique id: one use only. */
  jti: string;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

function refuse(reason: string): AuthError {
  // Reasons are fixed strings: never token material.
  return new AuthError('TokenInvalid', `Logout token rejected: ${reason}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown, claim: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw refuse(`${claim} is not a non-empty string`);
  return value;
}

/**
 * Verifies a back-channel `logout_token` (OIDC Back-Channel Logout 1.0 §2.6)
 * with the runtime's verifier (cached JWKS, algorithm allowlist): signature,
 * `iss`, `aud` = this client, `iat` and `exp` required (skew tolerated, `iat`
 * at most {@link LOGOUT_TOKEN_MAX_AGE} s old and not in the future), `jti`
 * required, `events` holding the back-channel logout member with an object
 * value, `sub` and/or `sid`, no `nonce` (so an ID token is never taken for a
 * logout token), and a `typ` header, when present, of `logout+jwt`.
 * Unsecured (`alg: none`) and symmetric (`HS*`) tokens are refused before
 * any key is looked up. Replay (`jti`) is the caller's job.
 *
 * @throws AuthError `TokenInvalid` (a verdict), `IdpUnavailable` /
 * `DiscoveryFailed` (the IdP's keys could not be had).
 *
 * @example
 * ```ts
 * const { sub, sid, jti } = await verifyLogoutToken(runtime.verifier, form.get('logout_token')!);
 * await runtime.sessions.endSessions({ sub, sid });
 * ```
 */
export async function verifyLogoutToken(verifier: TokenVerifier, token: string): Promise<LogoutTokenClaims> {
  if (typeof token !== 'string' || token.length === 0) throw refuse('missing');
  let alg: unknown;
  let typ: unknown;
  try {
    ({ alg, typ } = decodeProtectedHeader(token));
  } catch {
    throw refuse('not a signed JWT');
  }
  if (token.split('.').length !== 3) throw refuse('not a signed JWT');
  // The allowlist holds asymmetric algorithms only; say why plainly, and skip the key lookup.
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none' || alg.toUpperCase().startsWith('HS')) throw refuse('unsigned or symmetric (alg)');
  if (typ !== undefined && (typeof typ !== 'string' || !/^(application\/)?logout\+jwt$/i.test(typ))) throw refuse('typ is not logout+jwt');

  const { payload } = await verifier.verifyJwt(token, { maxAgeSeconds: LOGOUT_TOKEN_MAX_AGE });

  if ('nonce' in payload) throw refuse('nonce present');
  const events = payload.events;
  if (!isObject(events) || !Object.hasOwn(events, BACKCHANNEL_LOGOUT_EVENT) || !isObject(events[BACKCHANNEL_LOGOUT_EVENT])) {
    throw refuse('events lacks the back-channel logout event');
  }
  const sub = optionalString(payload.sub, 'sub');
  const sid = optionalString(payload.sid, 'sid');
  if (sub === undefined && sid === undefined) throw refuse('neither sub nor sid');
  const jti = optionalString(payload.jti, 'jti');
  if (jti === undefined) throw refuse('jti missing');
  // verifyJwt required both; the types just do not say so.
  const { iat, exp } = payload as { iat: number; exp: number };
  return { ...(sub === undefined ? {} : { sub }), ...(sid === undefined ? {} : { sid }), jti, iat, exp };
}
