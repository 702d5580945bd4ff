// Next throws ReadonlyRequestCookiesError from server components (and from
// sealed request cookies). The class is bundled separately into each Next
// chunk, so `instanceof` fails: only the message identifies it.
const READ_ONLY_COOKIES = 'Cookies can only be modified in a Server Action or Route Handler';

/**
 * True for Next's "cookies are read-only here" error.
 *
 * @internal
 * @example
 * ```ts
 * try { store.set('a', '1'); } catch (err) { if (isNextReadOnlyCookiesError(err)) readOnly = true; }
 * ```
 */
export function isNextReadOnlyCookiesError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  // Structural, not `instanceof Error`: the edge sandbox may use another realm.
  const message = (err as { message?: unknown }).message;
  return typeof message === 'string' && message.includes(READ_ONLY_COOKIES);
}
