import type { KoaContext } from 'oidc-provider';

import type { DevIdpContext } from './DevIdpContext.js';
import { sendJson } from './respond.js';

/**
 * Test hooks for out-of-process tests: `GET /dev/health`, `GET /dev/stats`,
 * `POST /dev/stats/reset`. Returns false when the path is not one of them.
 *
 * @example
 * ```ts
 * if (handleDevRoute(ctx, idp)) return;
 * ```
 */
export function handleDevRoute(ctx: KoaContext, idp: DevIdpContext): boolean {
  if (ctx.method === 'GET' && ctx.path === '/dev/health') {
    ctx.status = 200;
    ctx.type = 'text';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = 'ok';
    return true;
  }
  if (ctx.method === 'GET' && ctx.path === '/dev/stats') {
    sendJson(ctx, 200, idp.stats.snapshot());
    return true;
  }
  if (ctx.method === 'POST' && ctx.path === '/dev/stats/reset') {
    idp.stats.reset();
    sendJson(ctx, 200, idp.stats.snapshot());
    return true;
  }
  return false;
}
