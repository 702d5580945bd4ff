/**
 * Reverses {@link encodeAmplifyCookieName}, the way js-cookie reads names
 * (`decodeURIComponent`). Returns `undefined` for a name that is not a valid
 * encoding; js-cookie skips such cookies too.
 *
 * @example
 * ```ts
 * decodeAmplifyCookieName('CognitoIdentityServiceProvider.abc123.alice%40example.com.idToken');
 * // 'CognitoIdentityServiceProvider.abc123.alice@example.com.idToken'
 * ```
 */
export function decodeAmplifyCookieName(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}
