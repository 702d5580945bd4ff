/**
 * Reverses {@link encodeCookieName} (and any other percent-encoding of UTF-8).
 * Returns `undefined` when the name is not a valid encoding (a `%` not
 * followed by two hex digits, or bytes that are not UTF-8), so a foreign
 * cookie name never throws.
 *
 * @example
 * ```ts
 * decodeCookieName('alice%40example.com'); // 'alice@example.com'
 * decodeCookieName('100%'); // undefined
 * ```
 */
export function decodeCookieName(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}
