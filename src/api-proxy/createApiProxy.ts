import type { AuthRuntime } from '../context/AuthRuntime.js';
import { invalidConfig } from '../config/invalidConfig.js';
import type { ApiProxy } from './ApiProxy.js';
import type { ApiProxyOptions } from './ApiProxyOptions.js';
import { compileProxyRoutes } from './compileProxyRoutes.js';
import { handleProxyRequest } from './handleProxyRequest.js';

function positiveInteger(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw invalidConfig(field, 'must be a positive integer');
  return value;
}

/** Binds `createApiProxy` to a runtime (see {@link createServerRunner}). */
export function createApiProxyFor(runtime: AuthRuntime) {
  /**
   * A token-mediating API proxy for a catch-all route handler: the browser
   * calls a same-origin path, the server forwards it to an allow-listed
   * upstream with `Authorization: Bearer <access token>` (refreshed when due,
   * once for concurrent calls) and streams the answer back. No token ever
   * reaches the browser.
   *
   * - Signed out → 401 `{ error: 'unauthenticated' }` (never a redirect).
   * - POST/PUT/PATCH/DELETE from another site → 403 `{ error: 'cross_site' }`.
   * - A path outside `routes` → 404; an ambiguous one (`..`, `%2e`, `%2f`,
   *   `\`, `//`, `;`, `@`, control characters) → 400 `{ error: 'bad_path' }`.
   * - The browser's `Cookie`, `Authorization`, hop-by-hop and forwarding
   *   headers never go upstream; the upstream's `Set-Cookie` and hop-by-hop
   *   headers never come back.
   * - An upstream 401 → one forced refresh and one retry (bodies up to
   *   `maxBodyBytes`); a refresh the IdP rejects → 401 and the session cleared.
   * - Upstream unreachable → 502, no response headers within `timeoutMs` → 504.
   * - A route `{ url, resource, scopes }` sends its upstream a token for that
   *   resource (RFC 8707, `getAccessToken`); an upstream 401 gets one forced
   *   new resource token and one retry; a resource the IdP refuses for this
   *   session → 403 `{ error: 'resource_not_granted' }`, the upstream not called.
   *
   * @throws AuthError `InvalidConfig` naming the bad route or option.
   * @example
   * ```ts
   * // auth.ts
   * export const { runWithServerContext, createAuthRouteHandlers, createAuthGuard, createApiProxy } = createServerRunner({ config: outputs });
   *
   * // app/api/proxy/[...path]/route.ts
   * import { createApiProxy } from '@/auth';
   * export const { GET, POST, PUT, PATCH, DELETE } = createApiProxy({
   *   routes: { '/api/proxy/orders': 'https://api.example.com/orders' },
   * });
   * // fetch('/api/proxy/orders/42?expand=items') → GET https://api.example.com/orders/42?expand=items
   * ```
   */
  return function createApiProxy(options: ApiProxyOptions): ApiProxy {
    const routes = compileProxyRoutes(options?.routes);
    for (const route of routes) {
      // Only the APIs named at sign-in: a typo must fail at start-up, not as a 403 per request.
      if (route.resource !== undefined && !(runtime.config.resources ?? []).includes(route.resource)) {
        throw invalidConfig(`createApiProxy.routes['${route.prefix}'].resource`, 'must be listed in oidc.resources');
      }
    }
    const settings = {
      routes,
      timeoutMs: positiveInteger(options?.timeoutMs, 10_000, 'createApiProxy.timeoutMs'),
      maxBodyBytes: positiveInteger(options?.maxBodyBytes, 1_048_576, 'createApiProxy.maxBodyBytes'),
    };
    const handle = (request: Request) => handleProxyRequest(runtime, settings, request);
    return { GET: handle, HEAD: handle, POST: handle, PUT: handle, PATCH: handle, DELETE: handle };
  };
}
