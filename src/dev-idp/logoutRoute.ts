import { compactVerify } from 'jose';
import type { KoaContext } from 'oidc-provider';

import type { DevIdpContext } from './DevIdpContext.js';
import { endSession } from './endSession.js';
import { renderMessagePage } from './pages.js';
import { readForm } from './readForm.js';
import { redirect, sendHtml } from './respond.js';

function badRequest(ctx: KoaContext, message: string): void {
  sendHtml(ctx, 400, renderMessagePage('Sign-out failed', message));
}

/** The client an ID token was issued to, if it is a token this IdP signed. Expiry is ignored, as for id_token_hint. */
async function audienceOfIdToken(token: string, idp: DevIdpContext): Promise<string | undefined> {
  try {
    const { payload } = await compactVerify(token, idp.keySet, { algorithms: idp.algorithms });
    const claims: unknown = JSON.parse(new TextDecoder().decode(payload));
    if (typeof claims !== 'object' || claims === null) return undefined;
    const { iss, aud } = claims as { iss?: unknown; aud?: unknown };
    if (iss !== idp.issuer) return undefined;
    if (typeof aud === 'string') return aud;
    return Array.isArray(aud) && aud.length === 1 && typeof aud[0] === 'string' ? aud[0] : undefined;
  } catch {
    return undefined;
  }
}

async function endBrowserSession(ctx: KoaContext, idp: DevIdpContext): Promise<void> {
  const cookieName = idp.provider.cookieName('session');
  // Provider cookies are signed with its keys; get() verifies the signature.
  const sessionId = ctx.cookies.get(cookieName);
  // Awaited (as oidc-provider's own end_session does): once /logout answers, every
  // client with a back-channel logout URI has been told, or the attempt failed.
  if (sessionId) await endSession(idp, sessionId);
  ctx.cookies.set(cookieName, null, { httpOnly: true, sameSite: 'lax' });
}

/**
 * `/logout`: Cognito's `?client_id&logout_uri`, and in oidc mode also RP-initiated
 * logout (`id_token_hint`, `post_logout_redirect_uri`, `client_id`, `state`).
 * Ends the IdP browser session server-side (no confirm page): its grants are
 * revoked, the session destroyed and its cookie cleared, and its clients
 * with a `backchannel_logout_uri` get a logout token (a client that is down
 * does not fail the logout).
 * The redirect target must be registered for the client, otherwise 400 and
 * no redirect.
 *
 * @example
 * ```ts
 * if (ctx.path === '/logout') return handleLogout(ctx, idp);
 * ```
 */
export async function handleLogout(ctx: KoaContext, idp: DevIdpContext): Promise<void> {
  const params = ctx.method === 'POST' ? await readForm(ctx.req) : new URLSearchParams(ctx.querystring);
  const param = (name: string): string | undefined => params.get(name) || undefined;

  let clientId = param('client_id');
  const hint = param('id_token_hint');
  if (hint !== undefined) {
    const audience = await audienceOfIdToken(hint, idp);
    if (audience === undefined) return badRequest(ctx, 'id_token_hint is not an ID token issued by this IdP.');
    if (clientId !== undefined && clientId !== audience) return badRequest(ctx, 'client_id does not match the id_token_hint.');
    clientId = audience;
  }

  const cognito = idp.shape.mode === 'cognito';
  const target = param('logout_uri') ?? (cognito ? undefined : param('post_logout_redirect_uri'));
  if (cognito && (clientId === undefined || target === undefined)) {
    return badRequest(ctx, 'Required parameters missing: client_id and logout_uri.');
  }
  const client = clientId === undefined ? undefined : idp.clients.find((c) => c.clientId === clientId);
  if (clientId !== undefined && !client) return badRequest(ctx, 'Unknown client_id.');
  if (target !== undefined && !client?.postLogoutRedirectUris.includes(target)) {
    return badRequest(ctx, 'The sign-out redirect URI is not registered for this client.');
  }

  await endBrowserSession(ctx, idp);
  idp.stats.logout();

  if (target === undefined) {
    sendHtml(ctx, 200, renderMessagePage('Signed out', 'You have been signed out of the development IdP.'));
    return;
  }
  const location = new URL(target);
  const state = param('state');
  if (state !== undefined && !cognito) location.searchParams.set('state', state);
  redirect(ctx, 302, location.href);
}
