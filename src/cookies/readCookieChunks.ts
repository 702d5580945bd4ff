import type { CookieStore } from './CookieStore.js';
import { findCookieChunks } from './findCookieChunks.js';

/**
 * The parts of a value written by `writeChunkedCookie`, without joining them:
 * `[value]` for the unchunked cookie `name`, else `[name.0, name.1, …]`
 * (contiguous from 0, none empty). `undefined` when absent, gapped, or when
 * the request carried one of the names twice (which copy is ours cannot be
 * known). Hot paths compare parts instead of building the joined string.
 * Never throws.
 *
 * @example
 * ```ts
 * const parts = readCookieChunks(store, '__Host-session'); // ['Fe26.2*…', '…~2']
 * ```
 */
export function readCookieChunks(store: CookieStore, name: string): string[] | undefined {
  if (store.isAmbiguous(name)) return undefined;
  const whole = store.get(name);
  if (whole !== undefined) return [whole];
  const chunks = findCookieChunks(store.getAll(), name);
  if (chunks.size === 0) return undefined;
  const parts: string[] = [];
  // n chunks are contiguous iff indexes 0..n-1 are all there.
  for (let index = 0; index < chunks.size; index++) {
    const part = chunks.get(index);
    if (part === undefined || part === '' || store.isAmbiguous(`${name}.${index}`)) return undefined;
    parts.push(part);
  }
  return parts;
}
