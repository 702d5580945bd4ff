import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import { calculateJwkThumbprint } from 'jose';

import type { DevIdpSigningAlg } from './types.js';

/** Every algorithm the dev IdP can sign ID and access tokens with. */
export const SIGNING_ALGS: readonly DevIdpSigningAlg[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** The IdP's private signing key as a JWK (with kid, alg, use). */
export interface SigningJwk {
  kty: 'RSA' | 'EC' | 'OKP';
  kid: string;
  alg: DevIdpSigningAlg;
  use: 'sig';
  /** Key material: `n e d p q dp dq qi` (RSA), `crv x y d` (EC), `crv x d` (OKP). */
  [parameter: string]: string;
}

const PUBLIC = { RSA: ['n', 'e'], EC: ['crv', 'x', 'y'], OKP: ['crv', 'x'] } as const;
const PRIVATE = { RSA: ['d', 'p', 'q', 'dp', 'dq', 'qi'], EC: ['d'], OKP: ['d'] } as const;

function generate(alg: DevIdpSigningAlg): KeyObject {
  if (alg.startsWith('RS') || alg.startsWith('PS')) return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  if (alg === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  if (alg === 'ES384') return generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
  if (alg === 'ES512') return generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey;
  if (alg === 'EdDSA') return generateKeyPairSync('ed25519').privateKey;
  throw new Error(`dev IdP: unsupported signing algorithm ${String(alg)}`);
}

/**
 * Generates a fresh signing key for `alg` (RSA 2048, P-256/384/521 or
 * Ed25519); kid = its RFC 7638 thumbprint.
 *
 * @example
 * ```ts
 * const jwk = await createSigningJwk('ES256');
 * ```
 */
export async function createSigningJwk(alg: DevIdpSigningAlg = 'RS256'): Promise<SigningJwk> {
  const jwk = generate(alg).export({ format: 'jwk' }) as Record<string, unknown>;
  const kty = jwk.kty as SigningJwk['kty'];
  const values: Record<string, string> = {};
  for (const name of [...PUBLIC[kty], ...PRIVATE[kty]]) {
    const value = jwk[name];
    if (typeof value !== 'string') throw new Error(`${kty} key export is missing "${name}"`);
    values[name] = value;
  }
  const kid = await calculateJwkThumbprint({ kty, ...Object.fromEntries(PUBLIC[kty].map((n) => [n, values[n]])) });
  return { ...values, kty, kid, alg, use: 'sig' };
}

/**
 * The public half of a signing JWK (what /.well-known/jwks.json serves).
 *
 * @example
 * ```ts
 * const publicJwk = publicJwkOf(jwk);
 * ```
 */
export function publicJwkOf(jwk: SigningJwk): Record<string, string> {
  const out: Record<string, string> = { kty: jwk.kty, kid: jwk.kid, alg: jwk.alg, use: jwk.use };
  for (const name of PUBLIC[jwk.kty]) out[name] = jwk[name]!;
  return out;
}
