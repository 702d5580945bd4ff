/**
 * Whether a request was sent by a page of another origin: its `Origin` is not
 * the issuer's, or its `Sec-Fetch-Site` is anything but `same-origin` (or
 * `none`, a request the user made directly). Requests with neither header come
 * from non-browser clients (tests, curl), which no hostile page can drive, and
 * count as same-site.
 *
 * @example
 * ```ts
 * isCrossSiteRequest({ origin: 'http://localhost:3000' }, 'http://127.0.0.1:3200'); // true
 * isCrossSiteRequest({}, 'http://127.0.0.1:3200'); // false
 * ```
 */
export function isCrossSiteRequest(
  headers: { readonly origin?: string | undefined; readonly 'sec-fetch-site'?: string | undefined },
  issuer: string,
): boolean {
  const origin = headers.origin;
  // `Origin: null` (sandboxed frames, some redirects) is never the issuer.
  if (origin !== undefined && origin !== new URL(issuer).origin) return true;
  const site = headers['sec-fetch-site'];
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}
