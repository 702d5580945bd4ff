import { calculateJwkThumbprint } from 'jose/jwk/thumbprint';
import { AuthError } from '../errors/AuthError.js';

/** An imported session key: the pair oauth4webapi signs proofs with, and its RFC 7638 thumbprint (`cnf.jkt`). */
export interface DPoPKey {
  keyPair: CryptoKeyPair;
  /** base64url SHA-256 JWK thumbprint of the public key: what a bound token's `cnf.jkt` must be. */
  jkt: string;
}

const B64U = /^[A-Za-z0-9_-]{43}$/;
// Imports are cheap but not free; a few hundred live sessions per process share them.
const cache = new Map<string, Promise<DPoPKey>>();
const MAX = 500;

/**
 * Imports `TokenSet.dpopKey` (see {@link generateDPoPKey}): the private key
 * non-extractable, the public one extractable (oauth4webapi puts it in the
 * proof's `jwk` header).
 *
 * @throws AuthError `TokenInvalid` when the value is not such a key.
 * @example
 * ```ts
 * const { keyPair, jkt } = await importDPoPKey(session.tokens.dpopKey!);
 * ```
 */
export function importDPoPKey(serialized: string): Promise<DPoPKey> {
  let pending = cache.get(serialized);
  if (pending === undefined) {
    pending = load(serialized);
    pending.catch(() => cache.delete(serialized));
    if (cache.size >= MAX) cache.delete(cache.keys().next().value!);
    cache.set(serialized, pending);
  }
  return pending;
}

async function load(serialized: string): Promise<DPoPKey> {
  const [alg, x, y, d, ...rest] = serialized.split('.');
  if (alg !== 'ES256' || rest.length > 0 || ![x, y, d].every((part) => part !== undefined && B64U.test(part))) {
    throw new AuthError('TokenInvalid', 'The session DPoP key is not a P-256 key');
  }
  const pub = { kty: 'EC', crv: 'P-256', x: x!, y: y! };
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
  try {
    const [privateKey, publicKey] = await Promise.all([
      crypto.subtle.importKey('jwk', { ...pub, d: d! }, algorithm, false, ['sign']),
      crypto.subtle.importKey('jwk', pub, algorithm, true, ['verify']),
    ]);
    return { keyPair: { privateKey, publicKey }, jkt: await calculateJwkThumbprint(pub) };
  } catch (cause) {
    throw new AuthError('TokenInvalid', 'The session DPoP key could not be imported', { cause });
  }
}
