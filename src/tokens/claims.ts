/**
 * Claim types of the tokens a session holds. Every token in a session was
 * verified when it entered it (signature, `iss`, audience, `exp`, `iat` and
 * `sub` required), so those are typed as present; the rest are optional
 * because providers differ. Claims not listed here are still readable, as
 * `unknown`: narrow them, or name them with the custom-claims type parameter
 * of `fetchAuthSession<Claims>()`.
 */

/** Registered JWT claims (RFC 7519 §4.1), as a verified session token carries them. */
export interface RegisteredClaims {
  /** Issuer: the IdP's issuer URL (checked). */
  iss: string;
  /** Subject: the user's stable id (required). */
  sub: string;
  /** Audience: the client id (ID tokens; some access tokens). */
  aud?: string | string[];
  /** Expiry, seconds since the epoch (required). */
  exp: number;
  /** Issued at, seconds since the epoch (required). */
  iat: number;
  /** Not before, seconds since the epoch. */
  nbf?: number;
  /** Token id. */
  jti?: string;
}

/** OpenID Connect standard claims (OIDC Core §5.1), in ID tokens and userinfo responses. */
export interface StandardClaims {
  name?: string;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  preferred_username?: string;
  profile?: string;
  picture?: string;
  website?: string;
  email?: string;
  email_verified?: boolean;
  gender?: string;
  birthdate?: string;
  zoneinfo?: string;
  locale?: string;
  phone_number?: string;
  phone_number_verified?: boolean;
  address?: {
    formatted?: string;
    street_address?: string;
    locality?: string;
    region?: string;
    postal_code?: string;
    country?: string;
  };
  /** Seconds since the epoch. */
  updated_at?: number;
}

/** Any other claim: readable, but `unknown` until narrowed. */
export interface OtherClaims {
  [claim: string]: unknown;
}

/**
 * Claims of an ID token: registered, OIDC (§2) and standard claims, plus
 * what Cognito user pools add.
 *
 * @example
 * ```ts
 * const { tokens } = await fetchAuthSession(ctx);
 * tokens?.idToken.payload.email; // string | undefined
 * tokens?.idToken.payload['cognito:groups']; // string[] | undefined
 * ```
 */
export interface IdTokenClaims extends RegisteredClaims, StandardClaims, OtherClaims {
  /** When the user authenticated, seconds since the epoch. */
  auth_time?: number;
  nonce?: string;
  acr?: string;
  amr?: string[];
  /** Authorized party: the client id when `aud` lists several. */
  azp?: string;
  at_hash?: string;
  /** Session id at the IdP (front/back-channel logout). */
  sid?: string;
  /** Cognito: always `'id'` in an ID token. */
  token_use?: 'id';
  /** Cognito: the user's name in the user pool. */
  'cognito:username'?: string;
  /** Cognito: the user-pool groups the user belongs to. */
  'cognito:groups'?: string[];
  /** Cognito: IAM role ARNs of the user's groups. */
  'cognito:roles'?: string[];
  /** Cognito: the IAM role of the highest-precedence group. */
  'cognito:preferred_role'?: string;
  /** Cognito: the `jti` of the refresh token's original authentication, shared by the tokens of one issuance. */
  origin_jti?: string;
  /** Cognito: the authentication event id. */
  event_id?: string;
  /** Cognito: federated identities linked to the user (a JSON structure). */
  identities?: Array<{
    userId?: string;
    providerName?: string;
    providerType?: string;
    issuer?: string | null;
    primary?: string | boolean;
    dateCreated?: string | number;
  }>;
}

/**
 * Claims of an access token (a JWT: Cognito's, or RFC 9068 profile from other
 * IdPs).
 *
 * @example
 * ```ts
 * const { tokens } = await fetchAuthSession(ctx);
 * tokens?.accessToken.payload.scope?.split(' ').includes('notes/write');
 * ```
 */
export interface AccessTokenClaims extends RegisteredClaims, OtherClaims {
  /** The client the token was issued to (Cognito, RFC 9068). */
  client_id?: string;
  /** Space-separated scopes. */
  scope?: string;
  /** When the user authenticated, seconds since the epoch. */
  auth_time?: number;
  acr?: string;
  amr?: string[];
  /** Cognito: always `'access'` in an access token. */
  token_use?: 'access';
  /** Cognito: the user's name in the user pool. */
  username?: string;
  /** Cognito: the user-pool groups the user belongs to. */
  'cognito:groups'?: string[];
  /** Cognito: shared by the tokens of one issuance. */
  origin_jti?: string;
  /** Cognito: the authentication event id. */
  event_id?: string;
  /** Cognito: the access-token version (2 with pre-token-generation V2). */
  version?: number;
}

/**
 * What an IdP's userinfo endpoint returns: `sub` always, standard claims as
 * the IdP sends them. Cognito's `/oauth2/userInfo` sends `email_verified`
 * and `phone_number_verified` as the strings `'true'` / `'false'`.
 */
export interface UserInfoClaims extends Omit<StandardClaims, 'email_verified' | 'phone_number_verified'>, OtherClaims {
  sub: string;
  email_verified?: boolean | 'true' | 'false';
  phone_number_verified?: boolean | 'true' | 'false';
  /** Cognito: the user's name in the user pool. */
  username?: string;
}

/**
 * The default of the custom-claims type parameter: no claims beyond the
 * ones above. Written as `Record<never, never>` so an intersection with it
 * changes nothing.
 */
export type NoCustomClaims = Record<never, never>;
