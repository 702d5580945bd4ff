import type { KoaContext } from 'oidc-provider';

import type { DevIdpContext } from './DevIdpContext.js';
import { logoutUser } from './logoutUser.js';
import { sendJson } from './respond.js';

const USER_LOGOUT = /^\/dev\/users\/([^/]+)\/logout$/;

function usernameIn(path: string): string | undefined {
  const encoded = USER_LOGOUT.exec(path)?.[1];
  if (encoded === undefined) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return '';
  }
}

/**
 * Test hooks for out-of-process tests: `GET /dev/health`, `GET /dev/stats`,
 * `POST /dev/stats/reset`, and the admin sign-out `POST /dev/users/<username>/logout`
 * (every IdP session of the user ended, grants revoked, back-channel logout
 * sent; answers `{ sessions, delivered, failed }`, 404 for an unknown user).
 * Cross-site POSTs and foreign `Host`s never get here (devIdpMiddleware).
 * Resolves to false when the path is not one of them.
 *
 * @example
 * ```ts
 * if (await handleDevRoute(ctx, idp)) return;
 * ```
 */
export async function handleDevRoute(ctx: KoaContext, idp: DevIdpContext): Promise<boolean> {
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
  const username = ctx.method === 'POST' ? usernameIn(ctx.path) : undefined;
  if (username !== undefined) {
    const result = username === '' ? undefined : await logoutUser(idp, username);
    if (result === undefined) sendJson(ctx, 404, { error: 'unknown_user' });
    else sendJson(ctx, 200, result);
    return true;
  }
  return false;
}
