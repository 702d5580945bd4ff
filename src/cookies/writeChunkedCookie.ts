import { AuthError } from '../errors/AuthError.js';
import { COOKIE_CHUNK_SIZE, MAX_SET_COOKIE_LENGTH } from './cookieLimits.js';
import type { CookieOptions, CookieStore } from './CookieStore.js';
import { findCookieChunks } from './findCookieChunks.js';
import { pickDeleteOptions } from './pickDeleteOptions.js';
import { serializeCookie } from './serializeCookie.js';
import { splitCookieValue } from './splitCookieValue.js';

// Attributes a host may add to what serializeCookie produces: Next's
// ResponseCookies adds `; Expires=<29-char date>` when maxAge is set.
const HOST_ATTRIBUTE_ALLOWANCE = 48;
// Below this a name/domain leaves no sensible room for data: a config error.
const MIN_CHUNK_SIZE = 256;

/**
 * Writes `value` as one cookie `name` when it fits, otherwise as chunks
 * `name.0`, `name.1`, …, each a Set-Cookie line under
 * {@link MAX_SET_COOKIE_LENGTH} bytes with at most {@link COOKIE_CHUNK_SIZE}
 * bytes of encoded value.
 *
 * Whatever the previous layout was, the store ends up holding only the new
 * one: it reads the existing layout from the store (request cookies plus
 * writes through it, never a remembered count) and expires `name` when the
 * value becomes chunked, the chunks past the new count when it shrinks, and
 * every chunk when it becomes a single cookie. Stale cookies are expired with
 * the same path/domain/secure as `options`.
 *
 * @throws AuthError `CookiesReadOnly` where the store cannot write (nothing is
 *   written then), `InvalidConfig` for an invalid name or options.
 * @throws URIError for a value with a lone surrogate (not well-formed UTF-16),
 *   which no cookie serializer can encode.
 * @example
 * ```ts
 * writeChunkedCookie(store, '__Host-session', sealed, { httpOnly: true, sameSite: 'lax', maxAge: 30 * 86400 });
 * ```
 */
export function writeChunkedCookie(store: CookieStore, name: string, value: string, options?: CookieOptions): void {
  // splitCookieValue asks once per code point on non-ASCII values: serialize once per name.
  const budgets = new Map<string, number>();
  const budget = (cookieName: string): number => {
    const known = budgets.get(cookieName);
    if (known !== undefined) return known;
    const size = Math.min(
      COOKIE_CHUNK_SIZE,
      MAX_SET_COOKIE_LENGTH - serializeCookie(cookieName, '', options).length - HOST_ATTRIBUTE_ALLOWANCE,
    );
    if (size < MIN_CHUNK_SIZE) {
      throw new AuthError('InvalidConfig', `Cookie ${JSON.stringify(name)}: name and attributes leave no room for a value`);
    }
    budgets.set(cookieName, size);
    return size;
  };

  const del = pickDeleteOptions(options);
  const hadWhole = store.get(name) !== undefined;
  const oldChunks = [...findCookieChunks(store.getAll(), name).keys()];

  if (encodeURIComponent(value).length <= budget(name)) {
    store.set(name, value, options);
    for (const index of oldChunks) store.delete(`${name}.${index}`, del);
    return;
  }

  const chunks = splitCookieValue(value, (index) => budget(`${name}.${index}`));
  chunks.forEach((chunk, index) => store.set(`${name}.${index}`, chunk, options));
  if (hadWhole) store.delete(name, del);
  for (const index of oldChunks) {
    if (index >= chunks.length) store.delete(`${name}.${index}`, del);
  }
}
