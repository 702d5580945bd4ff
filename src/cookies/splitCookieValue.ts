/**
 * Splits `value` into pieces whose cookie-encoded length (what
 * `encodeURIComponent` produces, as the adapters write it) is at most
 * `budget(index)` for the piece at `index`. Never splits a code point, so
 * every piece encodes on its own and the concatenation is `value` again.
 *
 * @internal
 * @example
 * ```ts
 * splitCookieValue('aaaaa', () => 2); // ['aa', 'aa', 'a']
 * splitCookieValue('a;b', () => 3);   // ['a', ';', 'b']  (';' encodes to '%3B')
 * ```
 */
export function splitCookieValue(value: string, budget: (index: number) => number): string[] {
  const pieces: string[] = [];
  // Fast path: sealed sessions and JWTs are unreserved ASCII, encoded length = length.
  if (encodeURIComponent(value).length === value.length) {
    for (let start = 0; start < value.length; ) {
      const size = budget(pieces.length);
      pieces.push(value.slice(start, start + size));
      start += size;
    }
    return pieces.length > 0 ? pieces : [''];
  }
  let current = '';
  let currentLength = 0;
  for (const codePoint of value) {
    const length = encodeURIComponent(codePoint).length;
    if (current !== '' && currentLength + length > budget(pieces.length)) {
      pieces.push(current);
      current = '';
      currentLength = 0;
    }
    current += codePoint;
    currentLength += length;
  }
  pieces.push(current);
  return pieces;
}
