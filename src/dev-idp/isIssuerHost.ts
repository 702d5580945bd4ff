/**
 * Whether a request's `Host` header names the issuer itself. A page on
 * `evil.example` whose DNS answer is switched to 127.0.0.1 (DNS rebinding)
 * reaches the loopback IdP with the victim's browser, but its requests still
 * carry `Host: evil.example`: refusing every other host stops it. Only the
 * issuer's exact host and port count (case-insensitive; `:80` may be spelled
 * out or left off); other loopback spellings are refused too, since the IdP's
 * pages and cookies only work under the issuer's own origin anyway.
 *
 * @example
 * ```ts
 * isIssuerHost('127.0.0.1:3200', 'http://127.0.0.1:3200'); // true
 * isIssuerHost('evil.example:3200', 'http://127.0.0.1:3200'); // false
 * ```
 */
export function isIssuerHost(hostHeader: string | undefined, issuer: string): boolean {
  if (hostHeader === undefined) return false;
  const url = new URL(issuer);
  const host = hostHeader.toLowerCase();
  const port = url.port === '' ? '80' : url.port;
  return host === url.host || host === `${url.hostname}:${port}`;
}
