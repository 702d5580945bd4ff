import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import type { AuthRouteHandlerOptions } from './AuthRouteHandlerOptions.js';
import { handleAuthRequest } from './handleAuthRequest.js';
import { sendWebResponse } from './sendWebResponse.js';
import { toWebRequest } from './toWebRequest.js';

/**
 * App Router route context of `app/api/auth/[slug]/route.ts` (params are a
 * Promise since Next 15). Promise-only on purpose: Next 15's build-time route
 * check rejects a second argument whose `params` is not a Promise.
 */
export interface AuthRouteContext {
  params: Promise<{ slug: string }>;
}

export interface AuthRouteHandlers {
  /** App Router: `export const { GET, POST } = createAuthRouteHandlers(...)` in `app/api/auth/[slug]/route.ts`. */
  GET: (request: Request, context: AuthRouteContext) => Promise<Response>;
  POST: (request: Request, context: AuthRouteContext) => Promise<Response>;
  /** Pages Router: `export default handler` in `pages/api/auth/[slug].ts`. */
  handler: (req: IncomingMessage & { query?: Partial<Record<string, string | string[]>> }, res: ServerResponse) => Promise<void>;
}

function slugOf(value: unknown): string {
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
}

/**
 * Binds the auth routes (`sign-in`, `sign-up`, `sign-in-callback`,
 * `sign-out`, `sign-out-callback`, `backchannel-logout`, `session`, `jwks`) to a runtime.
 */
export function createAuthRouteHandlersFor(runtime: AuthRuntime) {
  /**
   * The OAuth route handlers.
   *
   * @example
   * ```ts
   * // app/api/auth/[slug]/route.ts
   * import { createAuthRouteHandlers } from '@/auth';
   * export const { GET, POST } = createAuthRouteHandlers({ redirectOnSignInComplete: '/dashboard', redirectOnSignOutComplete: '/' });
   * ```
   */
  return function createAuthRouteHandlers(options: AuthRouteHandlerOptions = {}): AuthRouteHandlers {
    const app = async (request: Request, context: AuthRouteContext) => handleAuthRequest(runtime, options, request, slugOf((await context.params).slug));
    return {
      GET: app,
      POST: app,
      handler: async (req, res) => {
        // Methods a Web Request cannot carry (TRACE, CONNECT) must not reach it.
        if (!['GET', 'HEAD', 'POST'].includes(req.method ?? 'GET')) {
          res.statusCode = 405;
          res.setHeader('allow', 'GET, POST');
          res.setHeader('cache-control', 'private, no-store');
          res.end();
          return;
        }
        const slug = slugOf(req.query?.slug) || (req.url ?? '').split('?')[0]!.split('/').pop() || '';
        // Only back-channel logout reads a body (the IdP's form post).
        const request = toWebRequest(req, runtime.options.origin, { withBody: slug === 'backchannel-logout' });
        await sendWebResponse(await handleAuthRequest(runtime, options, request, slug), res);
      },
    };
  };
}
