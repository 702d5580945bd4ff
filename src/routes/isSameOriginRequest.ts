/**
 * Same-origin check for state-changing requests: `Sec-Fetch-Site` when the
 * browser sends it, else `Origin`. A request with neither is refused.
 */
export function isSameOriginRequest(headers: Headers, origin: string): boolean {
  const site = headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin';
  const from = headers.get('origin');
  return from !== null && from === origin;
}
