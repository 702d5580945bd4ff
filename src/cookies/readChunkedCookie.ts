import type { CookieStore } from './CookieStore.js';
import { readCookieChunks } from './readCookieChunks.js';

/**
 * Reads a value written by `writeChunkedCookie`: the cookie `name` when
 * present, otherwise the concatenation of `name.0`, `name.1`, … which must be
 * contiguous from 0. A missing `name.0`, a gap, an empty chunk or a name the
 * request carried twice gives `undefined` (the caller's seal/signature check
 * catches any other truncation). Never throws.
 *
 * @example
 * ```ts
 * const sealed = readChunkedCookie(store, '__Host-session');
 * if (sealed === undefined) return signedOut();
 * ```
 */
export function readChunkedCookie(store: CookieStore, name: string): string | undefined {
  return readCookieChunks(store, name)?.join('');
}
