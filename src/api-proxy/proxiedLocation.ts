import type { ProxyRoute } from './compileProxyRoutes.js';

/**
 * An upstream redirect's `Location`, as the browser should see it: a target
 * under the route's upstream base becomes the same-origin proxy path (the
 * browser cannot reach the upstream, and must not learn its address);
 * anything else is left as the upstream wrote it (the browser follows it
 * without this app's cookies or the token).
 *
 * @example
 * ```ts
 * // route: '/api/proxy/orders' → 'https://api.example.com/v1/orders'
 * proxiedLocation(route, new URL('https://api.example.com/v1/orders/1'), '/v1/orders/2?x=1'); // '/api/proxy/orders/2?x=1'
 * ```
 */
export function proxiedLocation(route: ProxyRoute, upstreamUrl: URL, location: string): string {
  let target: URL;
  try {
    target = new URL(location, upstreamUrl);
  } catch {
    return location;
  }
  const { origin, basePath, prefix } = route;
  if (target.origin !== origin) return location;
  const under = target.pathname === basePath || target.pathname.startsWith(`${basePath}/`) || (basePath === '' && target.pathname === '/');
  if (!under) return location;
  const rest = basePath === '' && target.pathname === '/' ? '' : target.pathname.slice(basePath.length);
  return `${prefix}${rest}${target.search}${target.hash}`;
}
