// Subpath imports: jose's barrel pulls in JWE compression (CompressionStream), which
// the edge runtime lacks; Next then warns on every edge build that reaches this file.
import { calculateJwkThumbprint } from 'jose/jwk/thumbprint';
import { exportJWK } from 'jose/key/export';
import { importJWK, importPKCS8 } from 'jose/key/import';
import type { JWK } from 'jose';
import { invalidConfig } from './invalidConfig.js';
import type { ClientKey } from './parseClientKey.js';

/** A client key ready to sign, and its public half for the JWKS route. */
export interface LoadedClientKey {
  /** Non-extractable private key. */
  key: CryptoKey;
  /** The configured `kid`, else the RFC 7638 thumbprint of the public key. */
  kid: string;
  /** The JWS `alg` of client assertions (and of the published key). */
  alg: ClientKey['alg'];
  /** Public members only (`kty`, `n`/`e`, `crv`/`x`/`y`) plus `kid`, `alg`, `use: 'sig'`. */
  publicJwk: JWK;
}

/** Public members per key type: an allowlist, so no private member can ever be published. */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
};

/**
 * The public JWK of a (private or public) JWK: only the members listed for
 * its `kty` (never `d`, `p`, `q`, `dp`, `dq`, `qi`, `oth` or `k`).
 *
 * @example
 * ```ts
 * publicJwkOf({ kty: 'EC', crv: 'P-256', x, y, d }); // { kty: 'EC', crv: 'P-256', x, y }
 * ```
 */
export function publicJwkOf(jwk: Readonly<Record<string, unknown>>): JWK {
  const members = PUBLIC_MEMBERS[String(jwk.kty)] ?? [];
  const out: Record<string, unknown> = {};
  for (const name of members) if (typeof jwk[name] === 'string') out[name] = jwk[name];
  return out as JWK;
}

const loaded = new WeakMap<ClientKey, Promise<LoadedClientKey>>();

/**
 * Imports `oidc.clientPrivateKey` with WebCrypto (through jose: works on
 * Node and the edge runtime), once per parsed key. Rejects with
 * `InvalidConfig` naming the field when the key material does not import
 * (the message never carries key material) or an RSA key is shorter than
 * 2048 bits.
 *
 * @example
 * ```ts
 * const { key, kid, alg } = await loadClientKey(config.clientKey!);
 * ```
 */
export function loadClientKey(clientKey: ClientKey): Promise<LoadedClientKey> {
  let pending = loaded.get(clientKey);
  if (pending === undefined) {
    pending = importClientKey(clientKey);
    // The outcome is fixed by the config: remember failures too (each use rejects the same way).
    pending.catch(() => undefined);
    loaded.set(clientKey, pending);
  }
  return pending;
}

async function importClientKey(clientKey: ClientKey): Promise<LoadedClientKey> {
  const { alg } = clientKey;
  let privateJwk: Record<string, unknown>;
  try {
    if (clientKey.pem !== undefined) {
      // Extractable once, to derive the public JWK; the signing key below is not.
      privateJwk = (await exportJWK(await importPKCS8(clientKey.pem, alg, { extractable: true }))) as Record<string, unknown>;
    } else {
      privateJwk = { ...clientKey.jwk };
    }
    // jose keys EdDSA on the JWK's crv; drop a conflicting alg/ext/key_ops the import would trip over.
    const { alg: _a, ext: _e, key_ops: _k, use: _u, kid: _i, ...material } = privateJwk;
    const key = await importJWK(material as JWK, alg, { extractable: false });
    if ((key as { type?: unknown }).type !== 'private') throw new TypeError('not a private key');
    const { modulusLength } = (key as CryptoKey).algorithm as { modulusLength?: number };
    if (modulusLength !== undefined && modulusLength < 2048) {
      throw invalidConfig('oidc.clientPrivateKey', `is an RSA key of ${modulusLength} bits; at least 2048 are required`);
    }
    const publicJwk = publicJwkOf(privateJwk);
    const kid = typeof clientKey.jwk?.kid === 'string' ? clientKey.jwk.kid : await calculateJwkThumbprint(publicJwk, 'sha256');
    return { key: key as CryptoKey, kid, alg, publicJwk: { ...publicJwk, kid, alg, use: 'sig' } };
  } catch (err) {
    if (err instanceof Error && err.name === 'AuthError') throw err;
    // jose/WebCrypto messages name the problem, never the key bytes; keep only the error's name to be sure.
    const why = err instanceof Error ? err.name : 'import failed';
    throw invalidConfig('oidc.clientPrivateKey', `could not be imported as a ${alg} private key (${why}); check that the key material is complete`);
  }
}
