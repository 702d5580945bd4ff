import type { KoaContext } from 'oidc-provider';

import { renderMessagePage } from './pages.js';
import { ROUTES } from './providerConfiguration.js';
import { redirect, sendHtml } from './respond.js';

/**
 * Cognito's hosted UI also starts flows at `/login?…` and `/signup?…` with
 * the authorize parameters. Both are sent into the real authorize endpoint;
 * `/signup` adds `prompt=create` (OIDC "Initiating User Registration"),
 * which our interaction policy answers with the sign-up screen.
 *
 * @example
 * ```ts
 * if (ctx.path === '/signup') return handleHostedUiEntry(ctx, 'signup');
 * ```
 */
export function handleHostedUiEntry(ctx: KoaContext, kind: 'login' | 'signup'): void {
  const params = new URLSearchParams(ctx.querystring);
  if (!params.get('client_id')) {
    sendHtml(ctx, 400, renderMessagePage('Bad request', 'Required parameter missing: client_id.'));
    return;
  }
  if (kind === 'signup') params.set('prompt', 'create');
  redirect(ctx, 302, `${ROUTES.authorization}?${params.toString()}`);
}
