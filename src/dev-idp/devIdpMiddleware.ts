import type { KoaContext, KoaMiddleware, KoaNext } from 'oidc-provider';

import { addConsentForOfflineAccess } from './addConsentForOfflineAccess.js';
import { addConsentToPushedRequest, PAR_PATH } from './addConsentToPushedRequest.js';
import { handleCognitoJsonApi, handleConfirmationCodeRoute } from './cognitoJsonApi.js';
import { CognitoUserPoolState } from './CognitoUserPoolState.js';
import { handlePasswordResetCodeRoute } from './passwordReset.js';
import type { DevIdpContext } from './DevIdpContext.js';
import { handleDevRoute } from './devRoutes.js';
import { handleSecondFactorCodeRoute } from './secondFactorCodeRoute.js';
import { handleHostedUiEntry } from './hostedUiEntry.js';
import { handleInteraction, matchInteractionPath } from './interactionRoutes.js';
import { isCrossSiteRequest } from './isCrossSiteRequest.js';
import { isIssuerHost } from './isIssuerHost.js';
import { handleLogout } from './logoutRoute.js';
import { ROUTES } from './providerConfiguration.js';
import { SerialQueue } from './SerialQueue.js';
import { handleUserInfo } from './userInfoRoute.js';

function grantIdOfRefreshCall(ctx: KoaContext, idp: DevIdpContext): string | undefined {
  const oidc = ctx.oidc;
  const value = oidc?.params?.refresh_token;
  // The index still knows tokens that were rotated away or revoked, so calls
  // presenting a dead token are attributed to its grant too.
  const indexed = typeof value === 'string' ? idp.refreshTokenGrants.get(value) : undefined;
  if (indexed !== undefined) return indexed;
  // Tokens issued before a restart (state file): the handler's entity, or the store.
  const fromEntity = oidc?.entities.RefreshToken?.grantId;
  if (fromEntity !== undefined || typeof value !== 'string') return fromEntity;
  const stored = idp.store.find(`RefreshToken:${value}`);
  return typeof stored?.grantId === 'string' ? stored.grantId : undefined;
}

function refuse(ctx: KoaContext, status: 403 | 421, message: string): void {
  ctx.status = status;
  ctx.type = 'text';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = message;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

async function tokenEndpoint(ctx: KoaContext, next: KoaNext, idp: DevIdpContext, queue: SerialQueue): Promise<void> {
  await queue.run(async () => {
    try {
      await next();
    } finally {
      const grantType = ctx.oidc?.params?.grant_type;
      const type = typeof grantType === 'string' ? grantType : undefined;
      idp.stats.tokenCall(type, type === 'refresh_token' ? grantIdOfRefreshCall(ctx, idp) : undefined);
    }
  });
}

/**
 * The dev IdP's own routes, mounted in front of oidc-provider's router:
 * hosted login/sign-up pages, Cognito `/login` `/signup` `/logout`,
 * `/oauth2/userInfo`, `/dev/*` test hooks, and stats around the token and
 * revocation endpoints. Everything else falls through to oidc-provider.
 * In front of all of it: a request whose `Host` is not the issuer's is
 * refused (421, DNS rebinding), and so is a cross-site `POST /dev/*` (403).
 *
 * @example
 * ```ts
 * provider.use(createDevIdpMiddleware(idp));
 * ```
 */
export function createDevIdpMiddleware(idp: DevIdpContext): KoaMiddleware {
  const tokenQueue = new SerialQueue();
  const cognito = new CognitoUserPoolState();

  return async (ctx, next) => {
    const { method, path } = ctx;
    if (!isIssuerHost(ctx.req.headers.host, idp.issuer)) {
      return refuse(ctx, 421, `Misdirected request: this development IdP answers only to ${new URL(idp.issuer).host}`);
    }
    if (method === 'POST' && path.startsWith('/dev/')) {
      const headers = { origin: header(ctx.req.headers.origin), 'sec-fetch-site': header(ctx.req.headers['sec-fetch-site']) };
      if (isCrossSiteRequest(headers, idp.issuer)) return refuse(ctx, 403, 'Forbidden: cross-site request to a dev route');
    }
    const isGetOrPost = method === 'GET' || method === 'POST';

    if (method === 'POST' && path === ROUTES.token) return tokenEndpoint(ctx, next, idp, tokenQueue);
    if (method === 'POST' && path === ROUTES.revocation) {
      await next();
      if (ctx.status === 200) idp.stats.revocation();
      return;
    }
    if (isGetOrPost && path === ROUTES.userinfo) return handleUserInfo(ctx, idp);
    if (isGetOrPost && path === ROUTES.end_session) return handleLogout(ctx, idp);
    if (method === 'GET' && (path === '/login' || path === '/signup')) {
      return handleHostedUiEntry(ctx, path === '/login' ? 'login' : 'signup');
    }
    const interaction = isGetOrPost ? matchInteractionPath(path) : undefined;
    if (interaction) return handleInteraction(ctx, idp, interaction.uid, interaction.screen);
    if (await handleCognitoJsonApi(ctx, idp, cognito)) return;
    if (handleConfirmationCodeRoute(ctx, cognito)) return;
    if (handlePasswordResetCodeRoute(ctx, cognito)) return;
    if (handleSecondFactorCodeRoute(ctx, idp)) return;
    if (await handleDevRoute(ctx, idp)) return;
    if (method === 'GET' && path === ROUTES.authorization && idp.shape.mode === 'oidc') addConsentForOfflineAccess(ctx);
    // The same for pushed authorization requests (RFC 9126), whose parameters are a POST body.
    if (method === 'POST' && path === PAR_PATH && idp.shape.mode === 'oidc') await addConsentToPushedRequest(ctx);
    await next();
  };
}
