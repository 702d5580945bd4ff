// Canonical decimal index: `name.0`, `name.12`; not `name.01` or `name.x`.
const INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * The chunks `name.0`, `name.1`, … present in `cookies`, by index.
 *
 * @internal
 * @example
 * ```ts
 * findCookieChunks([{ name: 's.1', value: 'b' }, { name: 's.0', value: 'a' }], 's'); // Map { 1 => 'b', 0 => 'a' }
 * ```
 */
export function findCookieChunks(cookies: ReadonlyArray<{ name: string; value: string }>, name: string): Map<number, string> {
  const prefix = `${name}.`;
  const chunks = new Map<number, string>();
  for (const cookie of cookies) {
    if (!cookie.name.startsWith(prefix)) continue;
    const index = cookie.name.slice(prefix.length);
    if (INDEX.test(index) && !chunks.has(Number(index))) chunks.set(Number(index), cookie.value);
  }
  return chunks;
}
