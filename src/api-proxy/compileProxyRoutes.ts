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
  /** RFC 8707: the upstream gets a token for this resource (and these scopes) instead of the session's. */
  resource?: string;
  scopes?: string[];
}

/** `{ resource, scopes }` of an object route: a resource string; scopes only with it, a non-empty list of scope tokens. */
function resourceOf(entry: object, field: string): Pick<ProxyRoute, 'resource' | 'scopes'> {
  const { resource, scopes } = entry as { resource?: unknown; scopes?: unknown };
  if (resource !== undefined && (typeof resource !== 'string' || resource === '')) throw invalidConfig(`${field}.resource`, 'must be a resource URI listed in oidc.resources');
  if (scopes !== undefined) {
    if (resource === undefined) throw invalidConfig(`${field}.scopes`, 'needs a resource');
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => typeof s === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) {
      throw invalidConfig(`${field}.scopes`, 'must be a non-empty list of scope tokens');
    }
  }
  return { ...(resource !== undefined ? { resource } : {}), ...(scopes !== undefined ? { scopes: [...(scopes as string[])] } : {}) };
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
export function compileProxyRoutes(routes: Record<string, string | { url: string; resource?: string; scopes?: string[] }>): ProxyRoute[] {
  if (routes === null || typeof routes !== 'object' || Object.keys(routes).length === 0) {
    throw invalidConfig('createApiProxy.routes', 'must map at least one path prefix to an upstream URL');
  }
  const compiled: ProxyRoute[] = [];
  for (const [rawPrefix, entry] of Object.entries(routes)) {
    const field = `createApiProxy.routes['${rawPrefix}']`;
    const audience = typeof entry === 'object' && entry !== null ? resourceOf(entry, field) : {};
    const target: unknown = typeof entry === 'object' && entry !== null ? (entry as { url?: unknown }).url : entry;
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
    compiled.push({ prefix, origin: base.origin, basePath: base.pathname.replace(/\/+$/, ''), ...audience });
  }
  return compiled.sort((a, b) => b.prefix.length - a.prefix.length);
}
