/**
 * Keeps `returnTo` only when it is a same-origin path: starts with one `/`,
 * no `//host`, no backslash (browsers read `\` as `/`), no control or space
 * characters, at most 2048 characters. An absolute URL on `origin` is reduced
 * to its path. Anything else yields `undefined` (the sign-in route then uses
 * its default). The route checks again on the server; this only keeps the
 * client from building a link that would be refused.
 *
 * @example
 * ```ts
 * sanitizeReturnTo('/orders?id=1', 'https://app.example') // '/orders?id=1'
 * sanitizeReturnTo('//evil.example', 'https://app.example') // undefined
 * ```
 */
export function sanitizeReturnTo(value: unknown, origin: string): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return undefined;
  let path = value;
  if (path[0] !== '/') {
    try {
      const url = new URL(path);
      if (url.origin !== origin) return undefined;
      path = url.pathname + url.search + url.hash;
    } catch {
      return undefined;
    }
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (path[1] === '/' || path.includes('\\') || /[\u0000-\u0020\u007f]/.test(path)) return undefined;
  return path;
}
