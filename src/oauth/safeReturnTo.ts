/**
 * Accepts `returnTo` only as a same-origin relative path and returns it as an
 * absolute URL on `origin`; anything else (absolute or protocol-relative
 * URLs, backslashes, control characters, other schemes, paths whose dot
 * segments resolve to `//…`) yields `fallback`.
 *
 * @example
 * ```ts
 * safeReturnTo('/orders?id=1', 'https://app.example.com', '/') // 'https://app.example.com/orders?id=1'
 * safeReturnTo('//evil.example', 'https://app.example.com', '/') // 'https://app.example.com/'
 * ```
 */
export function safeReturnTo(value: string | null | undefined, origin: string, fallback: string): string {
  const home = new URL(fallback, origin).href;
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return home;
  // Only "/x": not "//host", not "/\host" (browsers read "\" as "/"), no
  // control or whitespace characters that parsers strip.
  if (value[0] !== '/' || value[1] === '/' || value.includes('\\') || hasControlOrSpace(value)) return home;
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return home;
  }
  // Dot segments can still collapse to "//host" ("/.//evil.example",
  // "/%2e%2e//evil.example"): harmless as an absolute URL, but any later
  // relative redirect built from that path (a trailing-slash rule, app code)
  // would leave the origin.
  if (url.origin !== origin || url.pathname.startsWith('//')) return home;
  return url.href;
}

function hasControlOrSpace(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}
