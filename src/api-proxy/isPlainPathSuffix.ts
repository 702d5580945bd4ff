/**
 * One segment an upstream cannot read another way: RFC 3986 `pchar`s except
 * `;` (matrix parameters: Tomcat reads `..;` as `..`) and `@`, and escapes
 * that decode to ordinary characters: never an encoded `/`, `\`, `.`, `%`,
 * `;`, `@` or control character.
 */
const SEGMENT = /^(?:[A-Za-z0-9\-._~!$&'()*+,=:]|%(?!2[EeFf5]|5[Cc]|[01][0-9A-Fa-f]|7[Ff]|3[Bb]|40)[0-9A-Fa-f]{2})*$/;

/**
 * `.` alone, or two dots anywhere in a segment (`..`, `...`, `..a`, `a..`):
 * Windows file APIs strip trailing dots (`...` reads as `..`), and no API
 * path needs `..`, so the upstream path never holds one at all.
 */
const DOTS = /^\.$|\.\./;

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a path (or the rest of one after a proxy prefix), as the request URL
 * spells it, reads one way only: `''` or `/seg/seg...` with no empty (`//`),
 * `.` segment or `..` anywhere in a segment (`..`, `...`, `..a`), no backslash, control character, `;` or `@`, no
 * malformed escape, invalid UTF-8 or escape of a separator, dot or `%`. A
 * single trailing slash is allowed. Anything else is refused, never
 * normalised: a server behind the proxy might normalise it differently.
 *
 * @example
 * ```ts
 * isPlainPathSuffix('/42/items');   // true
 * isPlainPathSuffix('/%2e%2e/admin'); // false
 * isPlainPathSuffix('/a//b');        // false
 * ```
 */
export function isPlainPathSuffix(rest: string): boolean {
  if (rest === '' || rest === '/') return true;
  if (!rest.startsWith('/')) return false;
  const segments = rest.slice(1).split('/');
  // A trailing slash leaves one empty last segment; any other empty segment is `//`.
  if (segments.at(-1) === '') segments.pop();
  return segments.every((s) => s !== '' && !DOTS.test(s) && SEGMENT.test(s) && decodes(s));
}
