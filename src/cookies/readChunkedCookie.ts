import type { CookieStore } from './CookieStore.js';
import { findCookieChunks } from './findCookieChunks.js';

/**
 * Reads a value written by `writeChunkedCookie`: the cookie `name` when
 * present, otherwise the concatenation of `name.0`, `name.1`, … which must be
 * contiguous from 0. A missing `name.0`, a gap or an empty chunk gives
 * `undefined` (the caller's seal/signature check catches any other
 * truncation). A name the request carried twice gives `undefined`: which
 * copy is ours cannot be known. Never throws.
 *
 * @example
 * ```ts
 * const sealed = readChunkedCookie(store, '__Host-session');
 * if (sealed === undefined) return signedOut();
 * ```
 */
export function readChunkedCookie(store: CookieStore, name: string): string | undefined {
  if (store.isAmbiguous(name)) return undefined;
  const whole = store.get(name);
  if (whole !== undefined) return whole;
  const chunks = findCookieChunks(store.getAll(), name);
  if (chunks.size === 0) return undefined;
  for (const index of chunks.keys()) if (store.isAmbiguous(`${name}.${index}`)) return undefined;
  let value = '';
  // n chunks are contiguous iff indexes 0..n-1 are all there.
  for (let index = 0; index < chunks.size; index++) {
    const part = chunks.get(index);
    if (part === undefined || part === '') return undefined;
    value += part;
  }
  return value;
}
