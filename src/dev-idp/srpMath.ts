import { createHash } from 'node:crypto';

// RFC 5054 / RFC 3526 3072-bit group, the one Cognito's SRP uses (g = 2).
const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';

/** The SRP group modulus N. */
export const SRP_N = BigInt(`0x${N_HEX}`);
/** The SRP generator g. */
export const SRP_G = 2n;

/**
 * Cognito's hex encoding of a non-negative integer: even length, with a
 * leading `00` when the top bit is set (Java's `BigInteger.toByteArray`).
 *
 * @example
 * ```ts
 * paddedHex(200n); // '00c8'
 * ```
 */
export function paddedHex(value: bigint): string {
  if (value < 0n) throw new Error('paddedHex: negative values are never used by the dev IdP');
  let hex = value.toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

/** SHA-256 of the bytes a hex string spells, as lowercase hex. */
export function hashHex(hex: string): string {
  return createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
}

/** SHA-256 of a UTF-8 string, as hex. */
export function hashText(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * base^exponent mod modulus (square and multiply; operands here are ≤ 3072 bits).
 *
 * @example
 * ```ts
 * modPow(2n, 10n, 1000n); // 24n
 * ```
 */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** k = H(PAD(N) ‖ PAD(g)), Cognito's multiplier. */
export const SRP_K = BigInt(`0x${hashHex(paddedHex(SRP_N) + paddedHex(SRP_G))}`);

/** u = H(PAD(A) ‖ PAD(B)). */
export function srpU(A: bigint, B: bigint): bigint {
  return BigInt(`0x${hashHex(paddedHex(A) + paddedHex(B))}`);
}

/** x = H(PAD(salt) ‖ H(poolName ‖ username ‖ ':' ‖ password)). */
export function srpX(poolName: string, username: string, password: string, salt: bigint): bigint {
  return BigInt(`0x${hashHex(paddedHex(salt) + hashText(`${poolName}${username}:${password}`))}`);
}
