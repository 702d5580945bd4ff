import { hkdfSync } from 'node:crypto';

const STEP = 60;

function nonceAt(secret: Buffer, step: number): string {
  const info = Buffer.alloc(8);
  info.writeBigUInt64BE(BigInt(step));
  return Buffer.from(hkdfSync('sha256', secret, info, 'DPoP', 32)).toString('base64url');
}

/**
 * DPoP nonces (RFC 9449 §8, §9) as oidc-provider 9 makes them from
 * `features.dPoP.nonceSecret` (HKDF-SHA-256 over 60-second steps, the next
 * step's value handed out, ±2 steps accepted), so the token endpoint and our
 * own userinfo route accept each other's nonces: one origin, one nonce.
 *
 * @example
 * ```ts
 * const nonces = dpopNonces(secret);
 * ctx.set('DPoP-Nonce', nonces.next());
 * nonces.check(proof.nonce); // true
 * ```
 */
export function dpopNonces(secret: Buffer, now: () => number = Date.now): { next(): string; check(nonce: string): boolean } {
  const step = () => Math.floor(now() / 1000 / STEP);
  return {
    next: () => nonceAt(secret, step() + 1),
    check: (nonce) => {
      const s = step();
      return [s - 2, s - 1, s, s + 1, s + 2].some((candidate) => nonceAt(secret, candidate) === nonce);
    },
  };
}
