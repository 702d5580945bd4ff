import { AuthError } from '../errors/AuthError.js';
import type { NextCookiesLike } from './NextServerContext.js';

// Next's refusals inside a cache scope. Its error classes are plain `Error`s
// bundled into each chunk, so only the message identifies them (as for the
// read-only cookies error). Next 16: "`cookies()` can't be read inside
// `"use cache"`", "`connection()` can't be called inside `"use cache:
// private"`"; Next 15: 'used "cookies" inside "use cache"', 'inside a function
// cached with "unstable_cache(...)"'.
const IN_CACHE_SCOPE = /(?:cookies|connection)[\s\S]*inside (?:`?"use cache(?::\s*private)?"|`?unstable_cache\(|a function cached with "unstable_cache)/;
const OUTSIDE_REQUEST = /`connection` was called outside a request scope/;

const CACHED_SCOPE_MESSAGE =
  "The session can't be read inside 'use cache' (or 'use cache: private', unstable_cache): a cached result is shared " +
  'beyond this request. Read the session outside the cached function and pass what the cache needs as an argument ' +
  "(the user id as part of the cache key): `const { userId } = await runWithServerContext(...); return <Notes userId={userId} />` " +
  "with `async function Notes({ userId }) { 'use cache'; ... }`.";

function isMessage(err: unknown, pattern: RegExp): boolean {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' && pattern.test(message);
}

type Connection = () => Promise<void>;
let connection: Promise<Connection | undefined> | undefined;

/** Next's `connection()`, loaded once; `undefined` where `next` is not installed. */
function loadConnection(): Promise<Connection | undefined> {
  connection ??= import('next/server.js').then(
    (mod: { connection?: Connection }) => mod.connection,
    () => undefined,
  );
  return connection;
}

/**
 * Awaits `cookies()` (from `next/headers`) and then Next's `connection()`,
 * before the session read touches the clock or random bytes.
 *
 * With Cache Components (`cacheComponents: true`, on by default in
 * create-next-app 16) Next refuses `Date.now()`, `new Date()`, `Math.random()`
 * and `crypto.getRandomValues()` in any render stage it may prerender or
 * prefetch, and with `partialPrefetching` that includes the stage right after
 * `cookies()` resolves. A session read needs the clock (expiry, refresh,
 * JWKS cache, iron-session's TTL), so it waits for `connection()`: during a
 * prerender that never resolves (the read streams in behind `<Suspense>`),
 * at request time it resolves at once. Without Cache Components it costs
 * nothing (cookies() already made the route dynamic).
 *
 * @throws AuthError `CachedScope` when called inside `'use cache'`,
 *   `'use cache: private'` or `unstable_cache`, where Next forbids request
 *   data (Next's own error is the `cause`).
 *
 * @internal
 * @example
 * ```ts
 * import { cookies } from 'next/headers';
 * const store = createCookieStoreFromNextCookies(await readNextCookies(cookies));
 * ```
 */
export async function readNextCookies(cookies: () => Promise<NextCookiesLike> | NextCookiesLike): Promise<NextCookiesLike> {
  let store: NextCookiesLike;
  try {
    store = await cookies();
  } catch (err) {
    if (isMessage(err, IN_CACHE_SCOPE)) throw new AuthError('CachedScope', CACHED_SCOPE_MESSAGE, { cause: err });
    throw err;
  }
  const deferToRequest = await loadConnection();
  if (deferToRequest !== undefined) {
    try {
      await deferToRequest();
    } catch (err) {
      if (isMessage(err, IN_CACHE_SCOPE)) throw new AuthError('CachedScope', CACHED_SCOPE_MESSAGE, { cause: err });
      // Not inside a Next request at all (a test's own cookies function):
      // nothing is being prerendered, so there is nothing to wait for.
      if (!isMessage(err, OUTSIDE_REQUEST)) throw err;
    }
  }
  return store;
}
