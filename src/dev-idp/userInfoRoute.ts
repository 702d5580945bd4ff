import { decodeJwt, jwtVerify } from 'jose';
import type { KoaContext } from 'oidc-provider';

import { ACCESS_TOKEN_GRANT_MODEL } from './AdapterStore.js';
import { userInfoClaims } from './claims.js';
import type { DevIdpContext } from './DevIdpContext.js';
import { dpopNonces } from './dpopNonces.js';
import { ROUTES } from './providerConfiguration.js';
import { sendJson } from './respond.js';
import { verifyDPoPProof } from './verifyDPoPProof.js';
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

/** The key a token is bound to (`cnf.jkt`, RFC 9449), if any. */
function boundKeyOf(token: string): string | undefined {
  const cnf = decodeJwt(token).cnf as { jkt?: unknown } | undefined;
  return typeof cnf?.jkt === 'string' ? cnf.jkt : undefined;
}

/**
 * Cognito's `/oauth2/userInfo` for JWT access tokens (oidc-provider's own
 * userinfo endpoint only accepts its opaque tokens). With `dpop` (RFC 9449
 * §7): a token bound to a key (`cnf.jkt`) is accepted only as
 * `Authorization: DPoP` with a valid proof of that key (a stolen token
 * replayed as Bearer, or with another key's proof, is `invalid_token` /
 * `invalid_dpop_proof`); `requireNonce` answers a proof without the current
 * nonce `use_dpop_nonce` with a `DPoP-Nonce`.
 *
 * @example
 * ```ts
 * if (ctx.path === '/oauth2/userInfo') return handleUserInfo(ctx, idp);
 * ```
 */
export async function handleUserInfo(ctx: KoaContext, idp: DevIdpContext): Promise<void> {
  const match = /^(Bearer|DPoP)[ ]+([A-Za-z0-9._~+/=-]+)$/i.exec(ctx.get('authorization'));
  const scheme = match?.[1]?.toLowerCase();
  const token = match?.[2];
  const user = token ? await userForAccessToken(token, idp) : undefined;
  const challenge = idp.dpop ? 'DPoP algs="ES256 EdDSA"' : 'Bearer';
  const refuse = (error: string, description: string) => {
    ctx.set('WWW-Authenticate', `${challenge} error="${error}", error_description="${description}"`);
    sendJson(ctx, 401, { error, error_description: description });
  };
  if (!user || !token) return refuse('invalid_token', 'the access token is invalid');
  const jkt = boundKeyOf(token);
  if (jkt === undefined) {
    // The DPoP scheme is for bound tokens only (RFC 9449 §7.1).
    if (scheme === 'dpop') return refuse('invalid_token', 'the access token is not DPoP-bound');
    return sendJson(ctx, 200, userInfoClaims(user, idp.shape));
  }
  // Bound: as Bearer it is someone's stolen copy, whatever else it carries.
  if (scheme !== 'dpop' || idp.dpop === undefined) return refuse('invalid_token', 'a DPoP-bound access token needs the DPoP scheme and a proof');
  const nonces = idp.dpop.requireNonce ? dpopNonces(idp.dpop.nonceSecret) : undefined;
  const failure = await verifyDPoPProof(ctx.get('dpop') || undefined, {
    method: ctx.method,
    url: new URL(ROUTES.userinfo, idp.issuer).href,
    accessToken: token,
    jkt,
    ...(nonces ? { nonces } : {}),
  });
  if (failure === 'use_dpop_nonce') {
    ctx.set('DPoP-Nonce', nonces!.next());
    return refuse('use_dpop_nonce', 'a DPoP nonce is required');
  }
  if (failure) return refuse(failure, 'the DPoP proof is invalid or not of the key the token is bound to');
  sendJson(ctx, 200, userInfoClaims(user, idp.shape));
}
