import type { ProxyRoute } from './compileProxyRoutes.js';
import { isPlainPathSuffix } from './isPlainPathSuffix.js';

/** Where a proxied request goes: an upstream URL, or why it goes nowhere. */
export type UpstreamResolution = { kind: 'upstream'; url: URL; route: ProxyRoute } | { kind: 'not_found' } | { kind: 'bad_path' };

/**
 * Maps a request URL onto the allow-list. The path must start with a prefix
 * at a segment boundary (`/api/proxy/orders` or `/api/proxy/orders/...`,
 * never `/api/proxy/ordersX`) → else `not_found`. The rest must be a plain
 * path (see `isPlainPathSuffix`) → else `bad_path`. It is appended to the
 * upstream base as spelled (escapes stay escapes), the query string kept;
 * the result is checked once more to be on the base's origin and under its
 * path.
 *
 * @example
 * ```ts
 * const routes = compileProxyRoutes({ '/api/proxy/orders': 'https://api.example.com/v1/orders' });
 * resolveUpstreamUrl(routes, new URL('https://app.example/api/proxy/orders/42?x=1'));
 * // { kind: 'upstream', url: URL('https://api.example.com/v1/orders/42?x=1'), ... }
 * resolveUpstreamUrl(routes, new URL('https://app.example/api/proxy/orders/%2e%2e/admin')).kind; // 'bad_path'
 * ```
 */
export function resolveUpstreamUrl(routes: readonly ProxyRoute[], requestUrl: { pathname: string; search: string }): UpstreamResolution {
  const { pathname, search } = requestUrl;
  const route = routes.find((r) => pathname === r.prefix || pathname.startsWith(`${r.prefix}/`));
  if (route === undefined) return { kind: 'not_found' };
  const rest = pathname.slice(route.prefix.length);
  if (!isPlainPathSuffix(rest)) return { kind: 'bad_path' };
  const { origin, basePath } = route;
  let url: URL;
  try {
    url = new URL(`${origin}${basePath}${rest}${search}`);
  } catch {
    return { kind: 'bad_path' };
  }
  // Belt and braces: whatever the parser made of it, it stays under the base.
  const under = url.pathname === basePath || url.pathname.startsWith(`${basePath}/`);
  if (url.origin !== origin || !under || url.username !== '' || url.password !== '') return { kind: 'bad_path' };
  return { kind: 'upstream', url, route };
}
