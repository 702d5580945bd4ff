import { jwtVerify } from 'jose';
import type { KoaContext } from 'oidc-provider';

import { ACCESS_TOKEN_GRANT_MODEL } from './AdapterStore.js';
import { userInfoClaims } from './claims.js';
import type { DevIdpContext } from './DevIdpContext.js';
import { sendJson } from './respond.js';
import type { UserRecord } from './userRecord.js';

/**
 * The user a bearer access token stands for, or undefined when the token is
 * not acceptable (bad signature, expired, revoked, not an access token).
 *
 * @example
 * ```ts
 * const user = await userForAccessToken(accessToken, idp);
 * ```
 */
export async function userForAccessToken(token: string, idp: DevIdpContext): Promise<UserRecord | undefined> {
  try {
    const { payload } = await jwtVerify(token, idp.keySet, {
      issuer: idp.issuer,
      algorithms: idp.algorithms,
      typ: 'at+jwt',
    });
    if (idp.shape.mode === 'cognito' && payload.token_use !== 'access') return undefined;
    if (typeof payload.jti !== 'string' || typeof payload.sub !== 'string') return undefined;
    // JWT access tokens are not stored by oidc-provider; we index jti → grant when
    // issuing, and revoking or logging out drops the index with the grant.
    const issued = idp.store.find(`${ACCESS_TOKEN_GRANT_MODEL}:${payload.jti}`);
    if (typeof issued?.grantId !== 'string' || !idp.store.has('Grant', issued.grantId)) return undefined;
    return idp.users.findBySub(payload.sub);
  } catch {
    return undefined;
  }
}

/**
 * Cognito's `/oauth2/userInfo` for JWT access tokens (oidc-provider's own
 * userinfo endpoint only accepts its opaque tokens).
 *
 * @example
 * ```ts
 * if (ctx.path === '/oauth2/userInfo') return handleUserInfo(ctx, idp);
 * ```
 */
export async function handleUserInfo(ctx: KoaContext, idp: DevIdpContext): Promise<void> {
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i.exec(ctx.get('authorization'));
  const user = match?.[1] ? await userForAccessToken(match[1], idp) : undefined;
  if (!user) {
    ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
    sendJson(ctx, 401, { error: 'invalid_token' });
    return;
  }
  sendJson(ctx, 200, userInfoClaims(user, idp.shape));
}
