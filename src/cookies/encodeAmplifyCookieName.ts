import { percentEncode } from './percentEncode.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// What Amplify's browser `CookieStorage` writes. It calls js-cookie's
// `Cookies.set(key, …)` (@aws-amplify/core depends on js-cookie ^3.0.7), and
// js-cookie 3.0.x (checked 3.0.5, 3.0.7, 3.0.8, dist/js.cookie.mjs `set`)
// encodes the name as
//   encodeURIComponent(name)
//   then un-escapes %23 %24 %26 %2B %5E %60 %7C  (# $ & + ^ ` |)
//   then escapes ( and ) as %28 %29.
// Net rule: keep ALPHA / DIGIT and  ! # $ & ' * + - . ^ _ ` | ~  (the RFC 6265
// token characters except `%`), percent-encode every other UTF-8 byte in
// uppercase hex. The server side of Amplify's Next.js adapter
// (`ensureEncodedForJSCookie`) applies the same rule without the ( ) step;
// it never meets parentheses in its keys.
//
// Example: `CognitoIdentityServiceProvider.<clientId>.alice@example.com.idToken`
//   → `CognitoIdentityServiceProvider.<clientId>.alice%40example.com.idToken`
// (only `@` changes; `<` `>` would too: they stand for the real client id).
const KEEP = new Set(`${ALPHANUMERIC}!#$&'*+-.^_\`|~`);

/**
 * Encodes a cookie name exactly as Amplify's browser cookie storage
 * (js-cookie 3) does, so the server reads and clears the same cookies the
 * browser wrote: token characters except `%` are kept, every other UTF-8 byte
 * is percent-encoded (`@` → `%40`, `(` → `%28`, space → `%20`).
 * {@link decodeAmplifyCookieName} reverses it.
 *
 * @example
 * ```ts
 * encodeAmplifyCookieName('CognitoIdentityServiceProvider.abc123.alice@example.com.idToken');
 * // 'CognitoIdentityServiceProvider.abc123.alice%40example.com.idToken'
 * ```
 */
export function encodeAmplifyCookieName(raw: string): string {
  return percentEncode(raw, KEEP);
}
