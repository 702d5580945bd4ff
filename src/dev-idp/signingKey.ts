import { generateKeyPairSync } from 'node:crypto';

import { calculateJwkThumbprint } from 'jose';

/** The IdP's private RS256 signing key as a JWK (with kid, alg, use). */
export interface SigningJwk {
  kty: 'RSA';
  kid: string;
  alg: 'RS256';
  use: 'sig';
  n: string;
  e: string;
  d: string;
  p: string;
  q: string;
  dp: string;
  dq: string;
  qi: string;
}

/**
 * Generates a fresh RSA 2048 signing key; kid = its RFC 7638 thumbprint.
 *
 * @example
 * ```ts
 * const jwk = await createSigningJwk();
 * ```
 */
export async function createSigningJwk(): Promise<SigningJwk> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  const parts = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;
  const values = Object.fromEntries(
    parts.map((name) => {
      const value = jwk[name];
      if (typeof value !== 'string') throw new Error(`RSA key export is missing "${name}"`);
      return [name, value];
    }),
  ) as Record<(typeof parts)[number], string>;
  const kid = await calculateJwkThumbprint({ kty: 'RSA', n: values.n, e: values.e });
  return { kty: 'RSA', kid, alg: 'RS256', use: 'sig', ...values };
}

/**
 * The public half of a signing JWK (what /.well-known/jwks.json serves).
 *
 * @example
 * ```ts
 * const publicJwk = publicJwkOf(jwk);
 * ```
 */
export function publicJwkOf(jwk: SigningJwk): { kty: 'RSA'; kid: string; alg: 'RS256'; use: 'sig'; n: string; e: string } {
  return { kty: jwk.kty, kid: jwk.kid, alg: jwk.alg, use: jwk.use, n: jwk.n, e: jwk.e };
}
