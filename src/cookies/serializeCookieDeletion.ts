import type { CookieDeleteOptions } from './CookieStore.js';
import { serializeCookie } from './serializeCookie.js';

// The epoch, for clients that ignore Max-Age.
const EPOCH = new Date(0);

/**
 * Serializes a `Set-Cookie` value that expires the cookie: empty value,
 * `Max-Age=0` and `Expires` in 1970. Pass the path/domain the cookie was set
 * with: a browser only removes the cookie whose name, path and domain match.
 *
 * Besides token names it accepts names a browser may hold outside the token
 * grammar (`@`, `(`, `)` written raw by older Amplify adapters; see
 * `isRawCookieName`), so such leftovers can be expired. `;`, `,`, `=`,
 * whitespace and control characters are always refused (`InvalidConfig`):
 * nothing can be injected into the header. The cookie store only lets
 * names through that its request carried.
 *
 * @example
 * ```ts
 * serializeCookieDeletion('session', { path: '/' });
 * // 'session=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT'
 * serializeCookieDeletion('a@b', { path: '/' });
 * // 'a@b=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT'
 * ```
 */
export function serializeCookieDeletion(name: string, options?: CookieDeleteOptions): string {
  return serializeCookie(name, '', { ...options, maxAge: 0, expires: EPOCH }, { rawName: true });
}
