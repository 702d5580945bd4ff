// The arithmetic of Cognito's SRP (SRP-6a as AWS implements it), shared by the
// client side (cognito.signIn with USER_SRP_AUTH) and the dev IdP's server
// side, so both compute exactly the same thing from one copy. Node only
// (node:crypto), and called only from server actions and the dev IdP.
import type * as NodeCrypto from 'node:crypto';

// node:crypto through process.getBuiltinModule (Node >= 20.16), not an import
// statement: the runner, which the edge guard bundles, reaches this module
// (lazily, under a NEXT_RUNTIME check), and an edge bundle must not hold a
// Node built-in. Nothing here runs at import time.
let loaded: typeof NodeCrypto | undefined;
function nodeCrypto(): typeof NodeCrypto {
  loaded ??= process.getBuiltinModule('node:crypto');
  return loaded;
}

// RFC 5054 / RFC 3526 3072-bit group, the one Cognito's SRP uses (g = 2).
const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';

/** The SRP group modulus N. */
export const SRP_N = BigInt(`0x${N_HEX}`);
/** The SRP generator g. */
export const SRP_G = 2n;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

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
  if (value < 0n) throw new Error('paddedHex: SRP never pads a negative value');
  let hex = value.toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

/**
 * H: SHA-256 of the bytes a hex string spells, as lowercase hex.
 *
 * @example
 * ```ts
 * hashHex('00c8').length; // 64
 * ```
 */
export function hashHex(hex: string): string {
  return nodeCrypto().createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
}

/**
 * SHA-256 of a UTF-8 string, as hex.
 *
 * @example
 * ```ts
 * hashText('DevPool01alice@example.com:alice-password').length; // 64
 * ```
 */
export function hashText(text: string): string {
  return nodeCrypto().createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * base^exponent mod modulus (square and multiply; operands here are ≤ 3072
 * bits). A negative base is taken mod `modulus` first.
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

let groupBytes: { N: Buffer; g: Buffer } | undefined;
const bytesOf = (value: bigint) => Buffer.from(paddedHex(value), 'hex');

/**
 * base^exponent mod N, through OpenSSL: node:crypto's Diffie-Hellman over the
 * same group computes exactly this (`generateKeys` for g, `computeSecret`
 * otherwise), about 20× faster than {@link modPow} on 3072-bit values (~2 ms
 * instead of ~45 ms for a 1024-bit exponent). Values OpenSSL refuses as DH
 * inputs (0, 1, N − 1, a zero exponent) go through {@link modPow}.
 *
 * @example
 * ```ts
 * const A = srpPow(SRP_G, a);
 * ```
 */
export function srpPow(base: bigint, exponent: bigint): bigint {
  const b = ((base % SRP_N) + SRP_N) % SRP_N;
  if (exponent <= 0n || b <= 1n || b >= SRP_N - 1n) return modPow(b, exponent, SRP_N);
  groupBytes ??= { N: bytesOf(SRP_N), g: bytesOf(SRP_G) };
  try {
    const dh = nodeCrypto().createDiffieHellman(groupBytes.N, groupBytes.g);
    dh.setPrivateKey(bytesOf(exponent));
    const out = b === SRP_G ? dh.generateKeys() : dh.computeSecret(bytesOf(b));
    return BigInt(`0x${out.toString('hex') || '0'}`);
  } catch {
    return modPow(b, exponent, SRP_N);
  }
}

/** k = H(PAD(N) ‖ PAD(g)), Cognito's multiplier (a constant, so nothing hashes at import time; srpMath.property.test.ts recomputes it). */
export const SRP_K = 0x538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6n;

/**
 * A uniformly random integer of `bytes` bytes (an SRP private value a or b).
 *
 * @example
 * ```ts
 * const a = srpRandom(128);
 * ```
 */
export function srpRandom(bytes: number): bigint {
  return BigInt(`0x${nodeCrypto().randomBytes(bytes).toString('hex')}`);
}

/**
 * u = H(PAD(A) ‖ PAD(B)).
 *
 * @example
 * ```ts
 * const u = srpU(A, B);
 * ```
 */
export function srpU(A: bigint, B: bigint): bigint {
  return BigInt(`0x${hashHex(paddedHex(A) + paddedHex(B))}`);
}

/**
 * x = H(PAD(salt) ‖ H(poolName ‖ userId ‖ ':' ‖ password)), where poolName is
 * the part of the user pool id after `_` and userId is `USER_ID_FOR_SRP`.
 *
 * @example
 * ```ts
 * const x = srpX('DevPool01', 'alice@example.com', 'alice-password', salt);
 * ```
 */
export function srpX(poolName: string, userId: string, password: string, salt: bigint): bigint {
  return BigInt(`0x${hashHex(paddedHex(salt) + hashText(`${poolName}${userId}:${password}`))}`);
}

/**
 * SRP-6a's client-side checks on what the server sent: the client must abort
 * when B ≡ 0 (mod N) or u = 0, since either lets a fake server (or a
 * man in the middle) fix the shared secret without knowing the verifier.
 *
 * @example
 * ```ts
 * if (!srpServerValuesAreSafe(B, srpU(A, B))) throw new Error('forged SRP challenge');
 * ```
 */
export function srpServerValuesAreSafe(B: bigint, u: bigint): boolean {
  return B > 0n && B % SRP_N !== 0n && u !== 0n;
}

/**
 * The client's shared secret S = (B − k·g^x)^(a + u·x) mod N. Callers check
 * {@link srpServerValuesAreSafe} first.
 *
 * @example
 * ```ts
 * const S = srpClientSecret({ a, B, u, x });
 * ```
 */
export function srpClientSecret({ a, B, u, x }: { a: bigint; B: bigint; u: bigint; x: bigint }): bigint {
  return srpPow(B - SRP_K * srpPow(SRP_G, x), a + u * x);
}

/**
 * The server's shared secret S = (A · v^u)^b mod N (equal to the client's
 * when both used the same password, salt and pool).
 *
 * @example
 * ```ts
 * const S = srpServerSecret({ A, b, u, verifier });
 * ```
 */
export function srpServerSecret({ A, b, u, verifier }: { A: bigint; b: bigint; u: bigint; verifier: bigint }): bigint {
  return srpPow((A * srpPow(verifier, u)) % SRP_N, b);
}

/**
 * Cognito's password authentication key: HKDF-SHA256 with PAD(S) as the
 * input key material, PAD(u) as the salt and "Caldera Derived Key" as the
 * info, 16 bytes.
 *
 * @example
 * ```ts
 * const key = srpPasswordKey(S, u);
 * ```
 */
export function srpPasswordKey(S: bigint, u: bigint): Buffer {
  return Buffer.from(nodeCrypto().hkdfSync('sha256', Buffer.from(paddedHex(S), 'hex'), Buffer.from(paddedHex(u), 'hex'), 'Caldera Derived Key', 16));
}

/**
 * PASSWORD_CLAIM_SIGNATURE: HMAC-SHA256(key, poolName ‖ userId ‖
 * secretBlock bytes ‖ timestamp), 32 bytes (sent as base64).
 *
 * @example
 * ```ts
 * srpClaimSignature(key, 'DevPool01', userId, params.SECRET_BLOCK, timestamp).toString('base64');
 * ```
 */
export function srpClaimSignature(key: Buffer, poolName: string, userId: string, secretBlock: string, timestamp: string): Buffer {
  return nodeCrypto().createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(poolName, 'utf8'), Buffer.from(userId, 'utf8'), Buffer.from(secretBlock, 'base64'), Buffer.from(timestamp, 'utf8')]))
    .digest();
}

/**
 * Cognito's SRP TIMESTAMP, "EEE MMM d HH:mm:ss UTC yyyy" in UTC with the day
 * of the month not padded ("Wed Dec 2 14:05:09 UTC 2026"), as Amplify and
 * the AWS SDKs write it.
 *
 * @example
 * ```ts
 * formatSrpTimestamp(new Date(Date.UTC(2026, 11, 2, 14, 5, 9))); // 'Wed Dec 2 14:05:09 UTC 2026'
 * ```
 */
export function formatSrpTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}
