/**
 * True for prefetches (Next.js router, `<link rel=prefetch>`, speculation
 * rules): they must never start a sign-in or set auth cookies, or every
 * hovered link leaves a transaction cookie behind.
 */
export function isPrefetchRequest(headers: Headers): boolean {
  if (headers.get('next-router-prefetch') === '1' || headers.has('x-middleware-prefetch')) return true;
  const purpose = `${headers.get('sec-purpose') ?? ''} ${headers.get('purpose') ?? ''}`.toLowerCase();
  return purpose.includes('prefetch');
}
