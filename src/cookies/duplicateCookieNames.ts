/**
 * Names sent more than once in a `Cookie` header. Two cookies of one name
 * mean someone else (a sibling subdomain, a path-scoped cookie) planted one:
 * callers reading auth state treat such a name as absent rather than guess.
 *
 * @internal
 * @example
 * ```ts
 * duplicateCookieNames('a=1; b=2; a=3'); // Set { 'a' }
 * ```
 */
export function duplicateCookieNames(header: string | null | undefined): ReadonlySet<string> {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  if (!header) return duplicates;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    const name = (eq === -1 ? pair : pair.slice(0, eq)).trim();
    if (name === '') continue;
    if (seen.has(name)) duplicates.add(name);
    seen.add(name);
  }
  return duplicates;
}
