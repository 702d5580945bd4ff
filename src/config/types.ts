import type { ClientKey } from './parseClientKey.js';

/**
 * The `auth` section of Amplify Gen 2's `amplify_outputs.json` (the fields this library reads).
 *
 * Typed as TypeScript sees the file through `import outputs from './amplify_outputs.json'`
 * (`resolveJsonModule` widens `"code"` to `string`), so the import needs no cast; the
 * values are checked when `createServerRunner` starts (`AuthError('InvalidConfig')`
 * naming the field, e.g. `auth.oauth.response_type must be "code"`).
 */
export interface AmplifyAuthOutputs {
  user_pool_id: string;
  aws_region: string;
  user_pool_client_id: string;
  oauth?: {
    /** The user pool's hosted-UI domain, a host name (`my-app.auth.us-east-1.amazoncognito.com`). */
    domain: string;
    /** Must include `"openid"`. */
    scopes: readonly string[];
    /** The one on the app's origin is used. */
    redirect_sign_in_uri: readonly string[];
    /** The one on the app's origin is used. */
    redirect_sign_out_uri: readonly string[];
    /** Must be `"code"` (a server cannot keep implicit-flow tokens); `string` so a JSON import type-checks. */
    response_type: string;
    identity_providers?: readonly string[];
  };
  /** A Cognito identity pool (`<region>:<uuid>`): `fetchAuthSession` then also returns AWS credentials and an `identityId`. */
  identity_pool_id?: string;
  /** Guest (unauthenticated) credentials when signed out. @default false */
  unauthenticated_identities_enabled?: boolean;
  /** Present in outputs but unused on the server. */
  [other: string]: unknown;
}

/** The contents of `amplify_outputs.json`. */
export interface AmplifyOutputs {
  version?: string;
  auth: AmplifyAuthOutputs;
  [other: string]: unknown;
}

/** A plain OpenID Connect provider, resolved by discovery. */
export interface OidcProviderConfig {
  oidc: {
    /** The issuer; its `/.well-known/openid-configuration` is fetched once and cached. */
    issuer: string;
    clientId: string;
    /** For confidential clients (sent with HTTP Basic). Omit for a public client (PKCE only). */
    clientSecret?: string;
    /**
     * Scopes requested at sign-in, sent as given; `offline_access` may be
     * added to them (see `offlineAccess`).
     * @default ['openid', 'email', 'profile']
     */
    scopes?: string[];
    /**
     * Ask for `offline_access`, the scope standard providers (Auth0, Okta,
     * Entra ID, oidc-provider) require before they issue a refresh token
     * (Keycloak makes it an offline session); without a refresh token the session ends when the first access
     * token expires. `'auto'`: added to `scopes` when the flavor is
     * `'generic'` and discovery lists it in `scopes_supported`. `true`: always
     * added. `false`: never added (and `scopes` must not list it). A
     * `scopes` list that already names `offline_access` is sent as given.
     * No `prompt=consent` is sent (some providers would then show a consent
     * screen at every sign-in); an oidc-provider server left at its defaults
     * drops `offline_access` without it.
     * @default 'auto'
     */
    offlineAccess?: 'auto' | boolean;
    /** Absolute callback URL(s); the one on `origin` is used. @default `${origin}/api/auth/sign-in-callback` */
    redirectSignIn?: string | string[];
    /** Absolute post-logout URL(s); the one on `origin` is used. @default `${origin}/api/auth/sign-out-callback` */
    redirectSignOut?: string | string[];
    /**
     * `'cognito'`: Cognito-shaped tokens (`token_use`, `client_id`, `cognito:groups`) and
     * Cognito's `/logout?client_id&logout_uri`. `'generic'`: standard OIDC.
     * @default 'cognito' when the issuer is a Cognito user pool, else 'generic'
     */
    flavor?: 'cognito' | 'generic';
    /** Claim holding group names. @default 'cognito:groups' for Cognito, else 'groups' */
    groupsClaim?: string;
    /** Extra accepted `aud` values for access tokens of generic providers. */
    accessTokenAudience?: string | string[];
    /**
     * APIs this app calls with the user's authority (RFC 8707 resource
     * indicators): absolute URIs without fragment, each sent as `resource=` at
     * sign-in. {@link getAccessToken} `(ctx, { resource })` then returns an access
     * token whose audience is that API, from a refresh-token grant carrying
     * `resource`; a resource not listed here is refused before any IdP call
     * (`ResourceNotGranted`). The session's own access token is unchanged.
     * @default [] (no resource-scoped tokens)
     * @example
     * ```ts
     * oidc: { issuer, clientId: 'web', scopes: ['openid', 'email', 'orders:read'], resources: ['https://orders.example.com'] }
     * ```
     */
    resources?: string[];
    /**
     * How the app authenticates at the token, revocation and PAR endpoints
     * (OIDC Core §9, RFC 7523): `client_secret_basic` / `client_secret_post`
     * send `clientSecret`; `client_secret_jwt` signs a short assertion with
     * it (HS256, secret ≥ 32 characters); `private_key_jwt` signs one with
     * `clientPrivateKey` (register `${origin}/api/auth/jwks` or the JWKS it
     * serves at the IdP); `none` is a public client (PKCE only).
     * @default 'private_key_jwt' with a clientPrivateKey, 'client_secret_basic' with a clientSecret, else 'none'
     * @example
     * ```ts
     * oidc: { issuer, clientId: 'web', clientAuthentication: 'private_key_jwt', clientPrivateKey: process.env.CLIENT_KEY_PEM }
     * ```
     */
    clientAuthentication?: 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';
    /**
     * The private key of `private_key_jwt`: a private JWK (object, or its
     * JSON text from an environment variable) or a PKCS#8 PEM
     * (`-----BEGIN PRIVATE KEY-----`). RSA (≥ 2048 bits; RS256, or the JWK's
     * `alg`, e.g. PS256), EC P-256/P-384/P-521 (ES256/384/512) or Ed25519
     * (EdDSA). `kid`: the JWK's, else its RFC 7638 thumbprint. Its public
     * half is served at `GET /api/auth/jwks`.
     * @default undefined
     * @example
     * ```ts
     * clientPrivateKey: process.env.CLIENT_KEY_PEM // '-----BEGIN PRIVATE KEY-----\n…'
     * ```
     */
    clientPrivateKey?: JsonWebKey | string;
    /**
     * Pushed Authorization Requests (RFC 9126): the authorization parameters
     * are POSTed to the IdP (with client authentication) and the browser is
     * sent with only `client_id` and `request_uri`. Always used when
     * discovery says `require_pushed_authorization_requests` (a plain request
     * would be refused); `true` uses it with an IdP that merely offers it (or
     * requires it for this client only, which discovery cannot say).
     * @default true when discovery says require_pushed_authorization_requests, else false
     * @example
     * ```ts
     * oidc: { issuer, clientId: 'web', clientSecret, pushedAuthorizationRequests: true }
     * ```
     */
    pushedAuthorizationRequests?: boolean;
    /**
     * DPoP (RFC 9449): sender-constrained tokens. At sign-in a key pair
     * (ES256, WebCrypto) is made for the session; every token request (code
     * exchange, refresh, `getAccessToken`'s resource grants) and every
     * userinfo call carries a proof signed with it, so the IdP binds the
     * tokens to the key (`token_type` `DPoP`, `cnf.jkt`). A stolen access or
     * refresh token is useless without the private key, which lives only
     * sealed in the session (the sealed cookie, or the store's record with
     * `session.codec: 'server'`); the `'amplify'` codec cannot hold it and is
     * refused with `dpop: true`. `DPoP-Nonce` challenges are answered (one
     * retry; the nonce is remembered per IdP origin). The API proxy sends
     * `Authorization: DPoP` with a proof to upstreams.
     *
     * Independent of `clientAuthentication`: DPoP proves possession of the
     * session's key, client authentication proves the app's identity; both
     * are sent on every token request (a public client, `none`, gets
     * DPoP-bound refresh tokens too, RFC 9449 §5).
     * @default false
     * @example
     * ```ts
     * oidc: { issuer, clientId: 'web', clientAuthentication: 'private_key_jwt', clientPrivateKey: process.env.CLIENT_KEY_PEM, dpop: true }
     * ```
     */
    dpop?: boolean;
  };
}

/** `runtimeOptions.cognito`: where an `amplify_outputs.json` config talks to Cognito. */
export interface CognitoEndpointOptions {
  /**
   * A local Cognito-compatible server to use instead of the user pool in the
   * outputs (as Amplify's own `userPoolEndpoint`), e.g. the dev IdP:
   * `idp.issuer`. The issuer becomes this URL exactly (tokens must carry it
   * as `iss`), and `/oauth2/authorize`, `/oauth2/token`, `/oauth2/revoke`,
   * `/oauth2/userInfo`, `/logout`, `/signup` and `/.well-known/jwks.json`
   * are under it. https, or http on a loopback host. Only for
   * `amplify_outputs.json` configs (an `{ oidc }` config names its issuer).
   * @default undefined (the pool's own issuer and hosted-UI domain)
   */
  userPoolEndpoint?: string;
  /**
   * A local Cognito Identity-compatible server for the identity pool (as
   * Amplify's own `identityPoolEndpoint`), e.g. the dev IdP: `idp.issuer`.
   * https, or http on a loopback host.
   * @default `userPoolEndpoint` when set (the dev IdP serves both), else the AWS endpoint of the pool's region
   */
  identityPoolEndpoint?: string;
  /**
   * `false`: ignore the identity pool of the outputs (Amplify Gen 2 always
   * writes one): `fetchAuthSession` returns tokens only and never calls
   * Cognito Identity.
   * @default true (credentials when the outputs have `identity_pool_id`)
   */
  identityPoolCredentials?: boolean;
  /**
   * How `cognito.signIn` proves the password to the user pool:
   * `'USER_SRP_AUTH'` (Secure Remote Password: the password never leaves the
   * server; the app client must allow `ALLOW_USER_SRP_AUTH`, on by default in
   * new app clients and what Amplify uses) or `'USER_PASSWORD_AUTH'` (the
   * password is sent to Cognito over TLS; the app client must allow
   * `ALLOW_USER_PASSWORD_AUTH`, off by default). A flow the app client does
   * not allow fails with `AuthError('InvalidConfig')`.
   *
   * @example
   * ```ts
   * createServerRunner({ config: outputs, runtimeOptions: { cognito: { authFlow: 'USER_PASSWORD_AUTH' } } });
   * ```
   * @default 'USER_SRP_AUTH'
   */
  authFlow?: CognitoAuthFlow;
  /**
   * The user pool id (`<region>_<id>`) SRP hashes the password with, for an
   * `{ oidc }` config whose issuer is not a Cognito URL (a local server such
   * as the dev IdP, whose pool is `DEV_IDP_USER_POOL_ID` from
   * `next-server-auth/dev-idp`). Not needed otherwise: `amplify_outputs.json`
   * has `user_pool_id` and a Cognito issuer ends with it (a different value
   * there is `InvalidConfig`).
   *
   * @example
   * ```ts
   * runtimeOptions: { cognito: { userPoolId: 'us-east-1_DevPool01' } }
   * ```
   * @default the pool id of the outputs or of the Cognito issuer (none for other issuers)
   */
  userPoolId?: string;
}

/** How `cognito.signIn` authenticates (Cognito's `AuthFlow`). */
export type CognitoAuthFlow = 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH';

/** The identity pool of an `amplify_outputs.json` config, validated. */
export interface ResolvedIdentityPool {
  /** `<region>:<uuid>`. */
  id: string;
  region: string;
  /** `unauthenticated_identities_enabled`. */
  allowGuests: boolean;
  /** The `Logins` key of the user pool, as Cognito names it: `cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  providerName: string;
  /** A local endpoint for the SDK; absent: the AWS endpoint of `region`. */
  endpoint?: string;
}

/** What `createServerRunner({ config })` accepts. */
export type AuthConfigInput = AmplifyOutputs | OidcProviderConfig;

/** The IdP endpoints the library talks to. */
export interface AuthEndpoints {
  authorization: string;
  token: string;
  jwks: string;
  userinfo?: string;
  revocation?: string;
  /** OIDC RP-initiated logout. */
  endSession?: string;
  /** Cognito hosted UI `/logout` (takes `client_id` and `logout_uri`). */
  cognitoLogout?: string;
  /** Cognito hosted UI `/signup`. */
  signUp?: string;
  /** RFC 9126 `pushed_authorization_request_endpoint` (discovery; absent when not advertised). */
  pushedAuthorizationRequest?: string;
  /** Discovery said `require_pushed_authorization_requests: true`. */
  requirePushedAuthorizationRequests?: boolean;
  /** Discovery's `scopes_supported` (absent when not advertised). */
  scopesSupported?: string[];
  /**
   * Discovery advertised `authorization_response_iss_parameter_supported`:
   * a callback must then carry `iss` (RFC 9207 §2.4). Absent for Cognito
   * configs from `amplify_outputs.json` (no discovery, Cognito sends no `iss`).
   */
  issParameterSupported?: boolean;
}

/** Config after validation: everything needed at runtime, nothing optional that has a default. */
export interface ResolvedAuthConfig {
  flavor: 'cognito' | 'generic';
  issuer: string;
  clientId: string;
  clientSecret?: string;
  scopes: string[];
  /** `offline_access` policy (generic OIDC configs); absent: `scopes` are sent as they are. */
  offlineAccess?: 'auto' | boolean;
  redirectSignIn: string;
  redirectSignOut: string;
  identityProviders: string[];
  groupsClaim: string;
  accessTokenAudience: string[];
  /** Known without discovery (Cognito); otherwise discovered on first use. */
  endpoints?: AuthEndpoints;
  /** `oidc.resources` (RFC 8707), validated; absent or empty: none. */
  resources?: string[];
  /** `oidc.clientAuthentication` as resolved (absent: the default for `clientSecret`). */
  clientAuthentication?: 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';
  /** `oidc.clientPrivateKey`, checked (imported on first use by `loadClientKey`). */
  clientKey?: ClientKey;
  /** `oidc.pushedAuthorizationRequests` as configured (absent: only when discovery requires it). */
  pushedAuthorizationRequests?: boolean;
  /** `oidc.dpop`: tokens bound to a per-session key (RFC 9449). */
  dpop?: boolean;
  /** Cognito identity pool (`amplify_outputs.json` with `identity_pool_id`). */
  identityPool?: ResolvedIdentityPool;
  /** Cognito configs: the user pool id (`<region>_<id>`), when known (SRP needs it). */
  userPoolId?: string;
  /** Cognito configs: `cognito.signIn`'s auth flow. */
  authFlow?: CognitoAuthFlow;
}
