import { createHash } from 'node:crypto';
import type { DevIdpMode } from './types.js';
import type { UserRecord } from './userRecord.js';

/** Claim-shape settings shared by ID tokens, access tokens and userInfo. */
export interface ClaimsShape {
  mode: DevIdpMode;
  /** oidc mode: name of the groups claim. */
  groupsClaim: string;
}

type Claims = Record<string, unknown>;

function withoutUndefined(claims: Claims): Claims {
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

function groupsOf(user: UserRecord): string[] | undefined {
  // Cognito omits cognito:groups for users in no group; oidc mode does the same.
  return user.groups.length > 0 ? [...user.groups] : undefined;
}

/**
 * Claims a user contributes to ID tokens (oidc-provider then filters them
 * by the scope → claims configuration of {@link scopeClaims}).
 *
 * @example
 * ```ts
 * idTokenClaims(alice, { mode: 'cognito', groupsClaim: 'groups' })['cognito:username']; // 'alice@example.com'
 * ```
 */
export function idTokenClaims(user: UserRecord, shape: ClaimsShape, originJti?: string): Claims {
  if (shape.mode === 'cognito') {
    return withoutUndefined({
      sub: user.sub,
      token_use: 'id',
      origin_jti: originJti,
      'cognito:username': user.username,
      'cognito:groups': groupsOf(user),
      email: user.email,
      email_verified: user.email === undefined ? undefined : user.email_verified,
      name: user.name,
    });
  }
  return withoutUndefined({
    sub: user.sub,
    email: user.email,
    email_verified: user.email === undefined ? undefined : user.email_verified,
    name: user.name,
    preferred_username: user.username,
    [shape.groupsClaim]: groupsOf(user),
  });
}

/**
 * The `/oauth2/userInfo` response body for a user.
 *
 * @example
 * ```ts
 * userInfoClaims(alice, { mode: 'cognito', groupsClaim: 'groups' }).username; // 'alice@example.com'
 * ```
 */
export function userInfoClaims(user: UserRecord, shape: ClaimsShape): Claims {
  if (shape.mode === 'cognito') {
    return withoutUndefined({
      sub: user.sub,
      username: user.username,
      email: user.email,
      email_verified: user.email === undefined ? undefined : user.email_verified,
      name: user.name,
      'cognito:groups': groupsOf(user),
    });
  }
  const { sub, email, email_verified, name, preferred_username, [shape.groupsClaim]: groups } = idTokenClaims(user, shape);
  return withoutUndefined({ sub, email, email_verified, name, preferred_username, [shape.groupsClaim]: groups });
}

/**
 * Claims added to JWT access tokens on top of oidc-provider's
 * (iss, sub, aud, exp, iat, jti, client_id, scope).
 *
 * @example
 * ```ts
 * accessTokenClaims(alice, { mode: 'cognito', groupsClaim: 'groups' }, 1700000000).token_use; // 'access'
 * ```
 */
export function accessTokenClaims(user: UserRecord, shape: ClaimsShape, authTime: number | undefined, originJti?: string): Claims {
  if (shape.mode === 'cognito') {
    return withoutUndefined({
      token_use: 'access',
      origin_jti: originJti,
      username: user.username,
      'cognito:groups': groupsOf(user),
      auth_time: authTime,
    });
  }
  return withoutUndefined({ [shape.groupsClaim]: groupsOf(user) });
}

/**
 * Cognito's `origin_jti` for the tokens of one grant: the same UUID in the ID
 * and access tokens of every issuance from one sign-in (refreshes included),
 * as Cognito ties it to the refresh token's origin. Derived from the grant id
 * so it needs no storage and survives restarts with a state file.
 *
 * @example
 * ```ts
 * originJtiOf('grant-1'); // 'a UUID-shaped string, stable for this grant'
 * ```
 */
export function originJtiOf(grantId: string): string {
  const h = createHash('sha256').update(`origin_jti:${grantId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * oidc-provider's `claims` configuration (scope → claims). In cognito mode
 * the `openid` scope carries every attribute, as Cognito puts all readable
 * attributes in the ID token; `auth_time` is listed so it is always present.
 *
 * @example
 * ```ts
 * new Provider(issuer, { claims: scopeClaims({ mode: 'oidc', groupsClaim: 'roles' }) });
 * ```
 */
export function scopeClaims(shape: ClaimsShape): Record<string, string[]> {
  if (shape.mode === 'cognito') {
    return {
      openid: ['sub', 'auth_time', 'token_use', 'origin_jti', 'cognito:username', 'cognito:groups', 'email', 'email_verified', 'name'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    };
  }
  return {
    openid: ['sub', 'auth_time', shape.groupsClaim],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  };
}
