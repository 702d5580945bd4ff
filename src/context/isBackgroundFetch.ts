/**
 * A fetch made by page script (the Next router's RSC requests, a server
 * action's redirect follow-up), not a navigation the user can be redirected
 * in: `Sec-Fetch-Dest` says so. Next strips its own router headers before
 * middleware runs, so this header is what tells them apart.
 *
 * @example
 * ```ts
 * isBackgroundFetch(new Headers({ 'sec-fetch-dest': 'empty' })); // true
 * isBackgroundFetch(new Headers({ 'sec-fetch-dest': 'document' })); // false
 * ```
 */
export function isBackgroundFetch(headers: Headers): boolean {
  const dest = headers.get('sec-fetch-dest');
  return dest !== null && dest !== 'document' && dest !== 'iframe' && dest !== 'frame';
}
