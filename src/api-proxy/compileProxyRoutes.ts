import { invalidConfig } from '../config/invalidConfig.js';
import { isLoopbackHttp } from '../config/isLoopbackHttp.js';
import { isPlainPathSuffix } from './isPlainPathSuffix.js';

/** One allow-listed route: the same-origin prefix and the upstream base it maps to. */
export interface ProxyRoute {
  /** The same-origin path prefix, as the request URL spells it, no trailing slash. */
  prefix: string;
  /** The upstream's origin, e.g. `https://api.example.com`. */
  origin: string;
  /** The upstream base path, no trailing slash (`''` for the root), e.g. `/orders`. */
  basePath: string;
}

/**
 * Validates `routes` once (throwing `InvalidConfig` naming the bad entry) and
 * sorts them longest prefix first.
 *
 * @example
 * ```ts
 * compileProxyRoutes({ '/api/proxy/orders': 'https://api.example.com/orders' });
 * // [{ prefix: '/api/proxy/orders', origin: 'https://api.example.com', basePath: '/orders' }]
 * ```
 */
export function compileProxyRoutes(routes: Record<string, string>): ProxyRoute[] {
  if (routes === null || typeof routes !== 'object' || Object.keys(routes).length === 0) {
    throw invalidConfig('createApiProxy.routes', 'must map at least one path prefix to an upstream URL');
  }
  const compiled: ProxyRoute[] = [];
  for (const [rawPrefix, target] of Object.entries(routes)) {
    const field = `createApiProxy.routes['${rawPrefix}']`;
    const prefix = rawPrefix.endsWith('/') ? rawPrefix.slice(0, -1) : rawPrefix;
    // The prefix is compared with the request path as sent: it must itself be a plain path.
    if (!prefix.startsWith('/') || prefix === '' || !isPlainPathSuffix(prefix) || prefix.endsWith('/')) {
      throw invalidConfig(field, 'must be a path such as /api/proxy/orders (no dot segments, escapes of / \\ . %, or query)');
    }
    if (typeof target !== 'string') throw invalidConfig(field, 'must be an upstream URL string');
    let base: URL;
    try {
      base = new URL(target);
    } catch {
      throw invalidConfig(field, 'must be an absolute upstream URL');
    }
    if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopbackHttp(target))) {
      // The access token travels in the request: never in clear text off this machine.
      throw invalidConfig(field, 'must be an https: URL (plain http: only on loopback)');
    }
    if (base.username !== '' || base.password !== '' || base.search !== '' || base.hash !== '' || target.includes('?') || target.includes('#')) {
      throw invalidConfig(field, 'must have no credentials, query or fragment');
    }
    if (base.pathname !== '/' && !isPlainPathSuffix(base.pathname.replace(/\/$/, ''))) {
      throw invalidConfig(field, 'has an ambiguous path');
    }
    compiled.push({ prefix, origin: base.origin, basePath: base.pathname.replace(/\/+$/, '') });
  }
  return compiled.sort((a, b) => b.prefix.length - a.prefix.length);
}
