import { base64url } from './base64url.js';

/** Mints and checks the server-mode session cookie's value: `<key id>.<random id>.<HMAC>`. */
export interface SessionIdCookie {
  /** A new random 256-bit id and the cookie value carrying it, MAC'd under the highest secret. */
  mint(): Promise<{ id: string; value: string }>;
  /**
   * The id a cookie value carries, or `undefined` when the value is not
   * exactly one this app minted (wrong shape, unknown key id, bad MAC).
   * Costs one HMAC, never a store call: forged ids stop here.
   */
  verify(value: string): Promise<string | undefined>;
}

// `<key id>.<43 base64url chars>.<43 base64url chars>`: about 90 bytes.
const VALUE = /^(\d{1,9})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/;
const encoder = new TextEncoder();

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The session-id cookie of `session.codec: 'server'`. The id is random; the
 * HMAC-SHA-256 (key derived from the app secret with the given id, so secret
 * rotation keeps old cookies valid) lets garbage and forged ids be refused
 * without a store round trip. Nothing is encrypted: the id is meaningless
 * without the store, and an iron seal of 32 bytes would be ~270 bytes.
 *
 * @example
 * ```ts
 * const cookie = createSessionIdCookie({ 1: process.env.AUTH_SECRET! });
 * const { id, value } = await cookie.mint();
 * await cookie.verify(value); // id
 * ```
 */
export function createSessionIdCookie(secrets: Record<string, string>): SessionIdCookie {
  const sealingId = String(Math.max(...Object.keys(secrets).map(Number)));
  const keys = new Map<string, Promise<CryptoKey>>();

  function keyFor(kid: string): Promise<CryptoKey> | undefined {
    const secret = Object.hasOwn(secrets, kid) ? secrets[kid] : undefined;
    if (secret === undefined) return undefined;
    let key = keys.get(kid);
    if (key === undefined) {
      // A key of its own (not the secret itself, which also seals with iron): HMAC(secret, label).
      key = crypto.subtle
        .importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
        .then((master) => crypto.subtle.sign('HMAC', master, encoder.encode('next-server-auth session-id cookie v1')))
        .then((derived) => crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']));
      keys.set(kid, key);
    }
    return key;
  }

  const signed = (kid: string, id: string): Uint8Array<ArrayBuffer> => encoder.encode(`${kid}.${id}`);

  return {
    async mint() {
      const id = base64url(crypto.getRandomValues(new Uint8Array(32)));
      const key = await keyFor(sealingId)!;
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, signed(sealingId, id)));
      return { id, value: `${sealingId}.${id}.${base64url(mac)}` };
    },
    async verify(value) {
      const m = typeof value === 'string' ? VALUE.exec(value) : null;
      if (m === null) return undefined;
      const [, kid, id, mac] = m as unknown as [string, string, string, string];
      const key = keyFor(kid);
      if (key === undefined) return undefined;
      const macBytes = fromBase64url(mac);
      // One spelling per value: the last character's spare bits must be zero
      // (otherwise four values would carry one MAC, each its own cache entry).
      if (base64url(macBytes) !== mac) return undefined;
      // crypto.subtle.verify compares in constant time.
      const ok = await crypto.subtle.verify('HMAC', await key, macBytes, signed(kid, id));
      return ok ? id : undefined;
    },
  };
}
