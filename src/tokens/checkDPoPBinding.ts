import { decodeJwt } from 'jose/jwt/decode';
import { AuthError } from '../errors/AuthError.js';

/**
 * Checks a token response made with a DPoP proof is bound to that proof's
 * key (RFC 9449 §5, §6): `token_type` must be `DPoP` (an IdP that ignored
 * the proof answers `Bearer`: a token anyone holding it can use, which the
 * app asked not to have), and a JWT access token's `cnf.jkt`, when present,
 * must be the key's thumbprint (a token bound to some other key is useless
 * to us, or someone else's).
 *
 * @throws AuthError `TokenInvalid` naming what does not hold.
 * @example
 * ```ts
 * checkDPoPBinding(result, key.jkt); // after processRefreshTokenResponse
 * ```
 */
export function checkDPoPBinding(result: { token_type: string; access_token: string }, jkt: string): void {
  if (result.token_type.toLowerCase() !== 'dpop') {
    throw new AuthError('TokenInvalid', `The IdP answered a DPoP token request with token_type ${JSON.stringify(result.token_type)}: the token is not bound to the session key`);
  }
  let cnf: unknown;
  try {
    cnf = decodeJwt(result.access_token).cnf;
  } catch {
    return; // opaque: the IdP's token_type is all we can know
  }
  if (cnf === undefined) return;
  const bound = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>).jkt : undefined;
  if (bound !== jkt) throw new AuthError('TokenInvalid', 'The access token is bound to another key (cnf.jkt is not the session key\'s thumbprint)');
}
