import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

const PREFIX = 'scrypt';
const KEY_LENGTH = 32;
const DEFAULT_COST = { N: 16384, r: 8, p: 1 } as const;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * Hashes a password the way the dev IdP stores it: scrypt with a random
 * per-password salt, as `scrypt$N$r$p$<salt b64url>$<key b64url>`.
 * The result is accepted as `passwordHash` in a users file.
 *
 * @example
 * ```ts
 * const passwordHash = await hashPassword('carol-password');
 * await idp.addUser({ username: 'carol@example.com', passwordHash });
 * ```
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, DEFAULT_COST);
  const { N, r, p } = DEFAULT_COST;
  return [PREFIX, N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  // Bounds keep a hand-edited users file from asking for absurd memory.
  const valid = (n: number | undefined, max: number): n is number =>
    typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= max;
  if (!valid(N, 2 ** 20) || (N & (N - 1)) !== 0 || !valid(r, 32) || !valid(p, 16)) return undefined;
  if (salt.length < 8 || key.length < 16) return undefined;
  return { N, r, p, salt, key };
}

/**
 * Whether `stored` is a hash in the format {@link hashPassword} produces.
 *
 * @example
 * ```ts
 * isPasswordHash(await hashPassword('x')); // true
 * ```
 */
export function isPasswordHash(stored: string): boolean {
  return parseHash(stored) !== undefined;
}

/**
 * Checks a password against a stored hash in constant time.
 *
 * @example
 * ```ts
 * await verifyPassword('alice-password', user.passwordHash); // true
 * ```
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const { N, r, p, salt, key } = parsed;
  const candidate = await scrypt(password, salt, key.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
  return timingSafeEqual(candidate, key);
}
