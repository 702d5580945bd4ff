import type { KoaContext } from 'oidc-provider';

/**
 * Sends an HTML page that must never be cached (hosted UI, errors).
 *
 * @example
 * ```ts
 * sendHtml(ctx, 401, renderSignInPage({ ... }));
 * ```
 */
export function sendHtml(ctx: KoaContext, status: number, html: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = html;
}

/**
 * Sends a JSON body that must never be cached.
 *
 * @example
 * ```ts
 * sendJson(ctx, 200, { ok: true });
 * ```
 */
export function sendJson(ctx: KoaContext, status: number, body: unknown): void {
  ctx.status = status;
  ctx.type = 'json';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = JSON.stringify(body);
}

/**
 * Redirects with an explicit status (Koa's default is 302).
 *
 * @example
 * ```ts
 * redirect(ctx, 303, returnTo);
 * ```
 */
export function redirect(ctx: KoaContext, status: 302 | 303, location: string): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.redirect(location);
}
