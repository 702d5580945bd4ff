/**
 * A new DPoP key for one session (RFC 9449): an ECDSA P-256 key pair
 * (ES256, WebCrypto: edge-safe), returned serialized as `TokenSet.dpopKey`
 * (`ES256.<x>.<y>.<d>`, the JWK's base64url members; ~140 bytes before
 * sealing). It is only ever stored sealed.
 *
 * @example
 * ```ts
 * const tokens = { ...await exchangeCode(), dpopKey: await generateDPoPKey() };
 * ```
 */
export async function generateDPoPKey(): Promise<string> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  return `ES256.${jwk.x}.${jwk.y}.${jwk.d}`;
}
