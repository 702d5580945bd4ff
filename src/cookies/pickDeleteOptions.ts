import type { CookieDeleteOptions } from './CookieStore.js';

/**
 * The attributes of `options` that identify a cookie for its delete (path,
 * domain, secure, sameSite, httpOnly); lifetime attributes are dropped.
 *
 * @internal
 * @example
 * ```ts
 * pickDeleteOptions({ path: '/', maxAge: 60, httpOnly: true }); // { path: '/', httpOnly: true }
 * ```
 */
export function pickDeleteOptions(options: CookieDeleteOptions | undefined): CookieDeleteOptions {
  if (!options) return {};
  const { path, domain, secure, sameSite, httpOnly } = options;
  return {
    ...(path !== undefined && { path }),
    ...(domain !== undefined && { domain }),
    ...(secure !== undefined && { secure }),
    ...(sameSite !== undefined && { sameSite }),
    ...(httpOnly !== undefined && { httpOnly }),
  };
}
