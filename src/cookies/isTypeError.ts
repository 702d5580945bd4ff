/**
 * True for a `TypeError`, by name rather than `instanceof`: Web `Headers`
 * on the edge runtime may come from another realm than this module.
 *
 * @internal
 * @example
 * ```ts
 * try { Response.redirect('https://a.test/').headers.append('set-cookie', 'a=1'); } catch (err) { isTypeError(err); } // true
 * ```
 */
export function isTypeError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'TypeError';
}
