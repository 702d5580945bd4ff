import { percentEncode } from './percentEncode.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// RFC 6265 names are RFC 7230 tokens: ALPHA / DIGIT / !#$%&'*+-.^_`|~.
// `%` is the escape character, so it is always encoded; `+` is encoded too
// because form-style decoders (PHP, some proxies and frameworks) read it as
// a space.
const KEEP = new Set(`${ALPHANUMERIC}!#$&'*-.^_\`|~`);

/**
 * Turns any string into a valid, reversible cookie name: RFC 6265 token
 * characters are kept except `%` and `+`; everything else is percent-encoded
 * as UTF-8 (`@` → `%40`, space → `%20`, `+` → `%2B`, `é` → `%C3%A9`).
 * {@link decodeCookieName} reverses it.
 *
 * For cookies that Amplify's browser code also reads or writes, use
 * `encodeAmplifyCookieName` (which keeps `+`).
 *
 * @example
 * ```ts
 * encodeCookieName('alice@example.com'); // 'alice%40example.com'
 * ```
 */
export function encodeCookieName(raw: string): string {
  return percentEncode(raw, KEEP);
}
