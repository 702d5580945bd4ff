import { parse } from 'cookie';

/**
 * Parses a `Cookie` request header with the `cookie` package: values are
 * decoded with `decodeURIComponent` (left raw when malformed, never throws),
 * names are kept as on the wire, and for a name sent twice (`a=1; a=2`) the
 * **first** wins. Browsers send the cookie with the longest path first, so
 * the first is the most specific.
 *
 * @internal
 * @example
 * ```ts
 * parseCookieHeader('a=1; b=x%40y; a=2'); // [{ name: 'a', value: '1' }, { name: 'b', value: 'x@y' }]
 * ```
 */
export function parseCookieHeader(header: string | null | undefined): Array<{ name: string; value: string }> {
  if (!header) return [];
  const parsed = parse(header);
  const out: Array<{ name: string; value: string }> = [];
  for (const name of Object.keys(parsed)) {
    const value = parsed[name];
    if (value !== undefined) out.push({ name, value });
  }
  return out;
}
