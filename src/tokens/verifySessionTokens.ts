import { JOSEError } from 'jose/errors';
import { AuthError, isAuthError } from '../errors/AuthError.js';
import type { Session } from '../session/Session.js';
import type { TokenVerifier } from './TokenVerifier.js';

// jose errors that are a verdict on the token itself. Anything else on the way
// (a JWKS that timed out, answered non-200 or was not JSON, a network error,
// failed discovery) means the keys could not be had: no verdict.
const VERDICTS = new Set([
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_EXPIRED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWS_INVALID',
  'ERR_JWT_INVALID',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);

function isVerdict(err: unknown): boolean {
  if (isAuthError(err, 'DiscoveryFailed') || isAuthError(err, 'IdpUnavailable')) return false;
  if (!isAuthError(err)) return false;
  const cause = (err as { cause?: unknown }).cause;
  if (cause === undefined) return true; // the verifier's own checks (token_use, azp, client_id, iat…)
  return cause instanceof JOSEError && VERDICTS.has(cause.code);
}

/**
 * Verifies the signatures of a session's ID and access tokens (with `iss`,
 * `aud`/`client_id`, `token_use`; `exp` is left to the refresh logic: an
 * expired but genuine session must stay refreshable).
 *
 * @throws AuthError `TokenInvalid` when a token is not the IdP's, or
 *   `IdpUnavailable` when its keys could not be fetched (no verdict: callers
 *   must not sign anyone out for it).
 * @example
 * ```ts
 * await verifySessionTokens(verifier, session); // throws TokenInvalid for a token signed with another key
 * ```
 */
export async function verifySessionTokens(verifier: TokenVerifier, session: Session): Promise<void> {
  const results = await Promise.allSettled([
    verifier.verifyIdToken(session.tokens.idToken, { ignoreExpiry: true }),
    verifier.verifyAccessToken(session.tokens.accessToken, { ignoreExpiry: true }),
  ]);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length === 0) return;
  // A verdict on either token decides; only "no verdict" on every failure is unavailability.
  const verdict = failures.find(isVerdict);
  if (verdict !== undefined) throw verdict instanceof AuthError ? verdict : new AuthError('TokenInvalid', 'Session token rejected', { cause: verdict });
  throw new AuthError('IdpUnavailable', 'The IdP signing keys could not be fetched', { cause: failures[0] });
}
