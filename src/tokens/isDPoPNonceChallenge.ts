/**
 * True when a protected resource (userinfo, an API) answered "use my nonce"
 * (RFC 9449 §9): a 401 whose `WWW-Authenticate` has a DPoP challenge with
 * `error="use_dpop_nonce"`; the nonce itself is in its `DPoP-Nonce` header.
 *
 * @example
 * ```ts
 * if (isDPoPNonceChallenge(response)) { handle.cacheNonce(response, url); response = await again(); }
 * ```
 */
export function isDPoPNonceChallenge(response: Response): boolean {
  if (response.status !== 401) return false;
  const challenge = response.headers.get('www-authenticate') ?? '';
  return /(?:^|,)\s*dpop\b/i.test(challenge) && /\berror\s*=\s*"?use_dpop_nonce"?/i.test(challenge);
}
