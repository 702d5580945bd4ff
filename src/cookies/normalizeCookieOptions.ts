import { AuthError } from '../errors/AuthError.js';
import type { CookieOptions } from './CookieStore.js';
import { isRawCookieName } from './isRawCookieName.js';

// RFC 6265 cookie-name = RFC 7230 token (tchar+). Stricter than what the
// `cookie` package accepts, so a name that passes works in every browser,
// proxy and in Next's own cookie classes (which do not validate at all).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Validates a cookie name and returns the options every adapter writes with:
 * `path` defaults to `/`, and the `__Host-` / `__Secure-` prefix rules are
 * enforced (browsers silently drop a prefixed cookie that breaks them).
 *
 * `rawName: true` (deletions of names a request carried) also accepts names
 * outside the token grammar that are safe in a header ({@link isRawCookieName}).
 *
 * @internal
 * @example
 * ```ts
 * normalizeCookieOptions('__Host-session', { httpOnly: true });
 * // { httpOnly: true, path: '/', secure: true }
 * ```
 */
export function normalizeCookieOptions(name: string, options: CookieOptions = {}, { rawName = false }: { rawName?: boolean } = {}): CookieOptions {
  if (!TOKEN.test(name) && !(rawName && isRawCookieName(name))) {
    throw new AuthError(
      'InvalidConfig',
      `Invalid cookie name ${JSON.stringify(name)}: use RFC 6265 token characters (encode it with encodeCookieName)`,
    );
  }
  const out: CookieOptions = { ...options, path: options.path === undefined || options.path === '' ? '/' : options.path };
  if (out.maxAge !== undefined) {
    // Max-Age is an integer on the wire; callers often compute it from a token's `exp`.
    if (!Number.isFinite(out.maxAge)) throw new AuthError('InvalidConfig', `Cookie ${JSON.stringify(name)}: maxAge must be a finite number`);
    out.maxAge = Math.floor(out.maxAge);
  }
  if (out.expires !== undefined && Number.isNaN(out.expires.getTime())) {
    throw new AuthError('InvalidConfig', `Cookie ${JSON.stringify(name)}: expires is an invalid Date`);
  }

  // Prefixes are matched case-insensitively, as current browsers do.
  const lower = name.toLowerCase();
  if (lower.startsWith('__host-')) {
    if (options.secure === false) throw prefixError(name, 'requires Secure');
    if (options.domain !== undefined && options.domain !== '') throw prefixError(name, 'must not have a Domain');
    if (out.path !== '/') throw prefixError(name, 'requires Path=/');
    out.secure = true;
    delete out.domain;
  } else if (lower.startsWith('__secure-')) {
    if (options.secure === false) throw prefixError(name, 'requires Secure');
    out.secure = true;
  }
  return out;
}

function prefixError(name: string, rule: string): AuthError {
  return new AuthError('InvalidConfig', `Cookie ${JSON.stringify(name)} ${rule}; the options given contradict its prefix`);
}
