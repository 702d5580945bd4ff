/**
 * Largest token set a session cookie carries: the sealed JSON
 * (`{"v":1,"id":…,"at":…,"rt":…}`), in UTF-8 bytes. Cognito's three tokens are
 * ~3.9 KiB; 9 KiB sealed is ~12.5 KB of cookie, which keeps the whole Cookie
 * header under Node's default 16 KiB header limit.
 */
export const MAX_TOKEN_SET_BYTES = 9 * 1024;

// The fixed parts of `Fe26.2*<id>*<salt>*<iv>*<encrypted>*<expiration>*<hmacSalt>*<hmac>~2`:
// prefix, 7 separators, id (≤ 10 digits), two 64-hex salts, 22-char IV,
// expiration (≤ 16 digits, ms), 43-char HMAC, the `~2` version suffix.
const FIXED_LENGTH = 'Fe26.2'.length + 7 + 10 + 64 + 22 + 16 + 64 + 43 + 2;
// AES-256-CBC pads to the next whole block (always at least one byte of padding).
const MAX_ENCRYPTED_BYTES = (Math.floor(MAX_TOKEN_SET_BYTES / 16) + 1) * 16;

/** Longest sealed value the codec unseals: {@link MAX_TOKEN_SET_BYTES} sealed, base64url, plus the fixed fields. */
export const MAX_SEAL_LENGTH = FIXED_LENGTH + Math.ceil((MAX_ENCRYPTED_BYTES * 4) / 3);

// Exactly what iron-webcrypto's `seal` + iron-session's `~2` produce: nothing
// before, nothing after (iron-session splits on `~` and ignores the rest,
// so trailing data would otherwise unseal), lowercase hex salts, base64url
// IV/ciphertext/HMAC of their exact sizes, and a non-empty expiration
// (the codec always seals with a ttl).
const SEAL = /^Fe26\.2\*([0-9]{1,10})\*[0-9a-f]{64}\*[A-Za-z0-9_-]{22}\*([A-Za-z0-9_-]+)\*[1-9][0-9]{0,15}\*[0-9a-f]{64}\*([A-Za-z0-9_-]{43})~2$/;

/** The parts of a well-formed seal the caller needs. */
export interface IronSealFields {
  /** Which secret sealed it (a key of the secrets map). */
  passwordId: string;
  /** The seal's HMAC-SHA-256, base64url: unique per seal. */
  mac: string;
}

/**
 * Checks, without any crypto, that `value` has exactly the format of a seal
 * this library writes, with a password id it knows and a length it accepts.
 * Anything else (trailing data, a different version, an unknown secret id, an
 * oversized value) is `undefined` and is never unsealed.
 *
 * @example
 * ```ts
 * parseIronSeal(sealed, { 1: secret })?.mac; // 'k3J…' (43 chars)
 * parseIronSeal(`${sealed}~junk`, { 1: secret }); // undefined
 * ```
 */
export function parseIronSeal(value: string, secrets: Readonly<Record<string, string>>): IronSealFields | undefined {
  if (typeof value !== 'string' || value.length > MAX_SEAL_LENGTH) return undefined;
  const match = SEAL.exec(value);
  if (match === null) return undefined;
  const [, passwordId, encrypted, mac] = match as unknown as [string, string, string, string];
  if (!Object.hasOwn(secrets, passwordId)) return undefined;
  // base64url of whole AES blocks: never 1 mod 4, and a multiple of 16 bytes.
  const bytes = Math.floor((encrypted.length * 3) / 4);
  if (encrypted.length % 4 === 1 || bytes === 0 || bytes % 16 !== 0) return undefined;
  return { passwordId, mac };
}
