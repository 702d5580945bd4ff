import { serialize } from 'cookie';
import { AuthError } from '../errors/AuthError.js';
import type { CookieOptions } from './CookieStore.js';
import { normalizeCookieOptions } from './normalizeCookieOptions.js';

/**
 * Serializes one `Set-Cookie` header value with the `cookie` package.
 *
 * The value is encoded with `encodeURIComponent` (the `cookie` package's
 * default, which its `parse` reverses), so any well-formed string round-trips.
 * `Path` defaults to `/`; `maxAge` is rounded down to whole seconds. Names
 * starting with `__Host-` always get `Secure`, `Path=/` and no `Domain`;
 * `__Secure-` names always get `Secure`.
 *
 * `rawName: true` is for expiring a name a request carried that is outside
 * the token grammar (see `isRawCookieName`); never for writing a value.
 *
 * @throws AuthError `InvalidConfig` for a name that is not an RFC 6265 token,
 *   an invalid domain/path/expiry, or options that contradict the name's
 *   prefix (`secure: false`, a domain or a path other than `/` on `__Host-`).
 *
 * @example
 * ```ts
 * serializeCookie('__Host-session', 'v;1', { httpOnly: true, sameSite: 'lax' });
 * // '__Host-session=v%3B1; Path=/; HttpOnly; Secure; SameSite=Lax'
 * ```
 */
export function serializeCookie(name: string, value: string, options?: CookieOptions, { rawName = false }: { rawName?: boolean } = {}): string {
  const o = normalizeCookieOptions(name, options, { rawName });
  try {
    return serialize(name, value, {
      httpOnly: o.httpOnly,
      secure: o.secure,
      sameSite: o.sameSite,
      path: o.path,
      domain: o.domain,
      maxAge: o.maxAge,
      expires: o.expires,
    });
  } catch (err) {
    // The `cookie` package throws TypeError for a bad domain or path: those come from config.
    if (err instanceof TypeError) {
      throw new AuthError('InvalidConfig', `Cookie ${JSON.stringify(name)}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
