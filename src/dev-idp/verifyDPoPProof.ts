import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';

/** Why a proof is refused: `use_dpop_nonce` asks the client to retry with the nonce sent beside it. */
export type DPoPProofFailure = 'invalid_dpop_proof' | 'use_dpop_nonce';

/** How far a proof's `iat` may be from now without a nonce, seconds (oidc-provider's window). */
const IAT_WINDOW = 300;
// jti → when it may be forgotten (ms). Bounded: the oldest go first.
const seen = new Map<string, number>();

function firstUse(jti: string, now: number): boolean {
  for (const [key, until] of seen) {
    if (until > now && seen.size < 10_000) break;
    seen.delete(key);
  }
  if (seen.has(jti)) return false;
  seen.set(jti, now + 2 * IAT_WINDOW * 1000);
  return true;
}

/**
 * Checks a DPoP proof presented with a bound access token at a protected
 * resource (RFC 9449 §4.3, §7): one `dpop+jwt` signed by the key in its
 * `jwk` header, that key's thumbprint equal to the token's `cnf.jkt`, `htm` and
 * `htu` (query and fragment ignored) naming this request, `ath` the token's
 * SHA-256, a fresh `iat` (or, when nonces are kept, a valid `nonce`), and a
 * `jti` not seen before.
 *
 * @returns `undefined` when the proof holds, else why not.
 * @example
 * ```ts
 * const failure = await verifyDPoPProof(ctx.get('dpop'), { method: 'GET', url, accessToken, jkt });
 * ```
 */
export async function verifyDPoPProof(
  proof: string | undefined,
  expected: { method: string; url: string; accessToken: string; jkt: string; nonces?: { check(nonce: string): boolean }; now?: number },
): Promise<DPoPProofFailure | undefined> {
  if (!proof || proof.includes(',')) return 'invalid_dpop_proof';
  const now = expected.now ?? Date.now();
  try {
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA', 'Ed25519'] });
    if (typeof payload.jti !== 'string' || payload.jti === '' || typeof payload.iat !== 'number') return 'invalid_dpop_proof';
    if (payload.htm !== expected.method) return 'invalid_dpop_proof';
    if (typeof payload.htu !== 'string' || !URL.canParse(payload.htu)) return 'invalid_dpop_proof';
    const htu = new URL(payload.htu);
    htu.search = '';
    htu.hash = '';
    const target = new URL(expected.url);
    target.search = '';
    target.hash = '';
    if (htu.href !== target.href) return 'invalid_dpop_proof';
    if (payload.ath !== createHash('sha256').update(expected.accessToken).digest('base64url')) return 'invalid_dpop_proof';
    if ((await calculateJwkThumbprint(protectedHeader.jwk!)) !== expected.jkt) return 'invalid_dpop_proof';
    if (expected.nonces !== undefined) {
      if (typeof payload.nonce !== 'string' || !expected.nonces.check(payload.nonce)) return 'use_dpop_nonce';
    } else if (Math.abs(now / 1000 - payload.iat) > IAT_WINDOW) {
      return 'invalid_dpop_proof';
    }
    if (!firstUse(payload.jti, now)) return 'invalid_dpop_proof';
    return undefined;
  } catch {
    return 'invalid_dpop_proof';
  }
}
