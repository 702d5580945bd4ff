// Visible ASCII except the three characters that end a name or a pair in a
// Cookie / Set-Cookie header (`;` `=`) or split folded headers (`,`).
// Whitespace, control characters and non-ASCII are excluded by the range.
const RAW_NAME = /^[\x21-\x2B\x2D-\x3A\x3C\x3E-\x7E]+$/;

/**
 * True for a cookie name that is outside the RFC 6265 token grammar but
 * still safe to echo in a `Set-Cookie` header to expire it: visible ASCII
 * without `;`, `,` or `=` (no whitespace, CR/LF or other control
 * characters). Browsers store such names (older Amplify adapters wrote `@`,
 * `(`, `)` raw), and a same-name `Max-Age=0` removes them.
 *
 * Only names a request carried are ever expired this way; nothing writes a
 * cookie under such a name.
 *
 * @internal
 * @example
 * ```ts
 * isRawCookieName('CognitoIdentityServiceProvider.abc.alice@example.com.idToken'); // true
 * isRawCookieName('a;b'); // false
 * ```
 */
export function isRawCookieName(name: string): boolean {
  return RAW_NAME.test(name);
}
