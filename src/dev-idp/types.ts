import type { DevIdpIdentityPoolOptions } from './cognitoIdentityApi.js';
/**
 * Public types of the development identity provider.
 *
 * @packageDocumentation
 */

/**
 * A user the dev IdP knows, as given in options or a `--users` JSON file.
 *
 * @example
 * ```ts
 * const carol: DevIdpUserInput = {
 *   username: 'carol@example.com',
 *   password: 'carol-password',
 *   name: 'Carol Example',
 *   groups: ['EDITORS'],
 * };
 * ```
 */
export interface DevIdpUserInput {
  /** Sign-in name; for the default users it is the email address. */
  username: string;
  /** Plain password; hashed with scrypt at start-up and never kept. */
  password?: string;
  /** A hash produced by {@link hashPassword} (`scrypt$…`), instead of `password`. */
  passwordHash?: string;
  /** Subject; defaults to a stable UUID derived from the username. */
  sub?: string;
  /** Defaults to the username when it looks like an email address. */
  email?: string;
  name?: string;
  groups?: string[];
  /** Defaults to true. */
  email_verified?: boolean;
}

/**
 * An OAuth client registered at the dev IdP.
 *
 * @example
 * ```ts
 * const client: DevIdpClient = {
 *   clientId: 'my-app',
 *   redirectUris: ['http://localhost:3000/api/auth/sign-in-callback'],
 *   postLogoutRedirectUris: ['http://localhost:3000/api/auth/sign-out-callback'],
 * };
 * ```
 */
export interface DevIdpClient {
  clientId: string;
  /** Absent: public client (token endpoint auth `none`, PKCE required). Present: `client_secret_basic`. */
  clientSecret?: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /**
   * OIDC Back-Channel Logout 1.0 endpoint of the app, e.g.
   * `http://localhost:3000/api/auth/backchannel-logout`. When set, the IdP
   * POSTs a signed `logout_token` (claims `iss`, `aud`, `iat`, `exp`, `jti`,
   * `events`, `sub`, `sid`) there whenever an IdP session this client is part
   * of ends (`/logout`, `POST /dev/users/<username>/logout`,
   * {@link DevIdp.logoutUser}, another user signing in in the same browser),
   * and ID tokens for this client carry the IdP session's `sid`.
   * Loopback and private addresses are allowed (it is configuration, not
   * user input). `false` or `''`: none, even if {@link DevIdpOptions.backchannelLogoutUri} is set.
   * @default DevIdpOptions.backchannelLogoutUri (none)
   */
  backchannelLogoutUri?: string | false;
  /**
   * The Cognito JSON API's auth flows this client allows, like a real app
   * client's explicit auth flows (`ALLOW_USER_SRP_AUTH`, …). Another flow is
   * refused as Cognito refuses it: `InvalidParameterException` "USER_PASSWORD_AUTH
   * flow not enabled for this client". `REFRESH_TOKEN_AUTH` also covers
   * GetTokensFromRefreshToken. The hosted UI and `/oauth2/token` are not affected.
   *
   * @example
   * ```ts
   * { clientId: 'srp-only', redirectUris, postLogoutRedirectUris: [], authFlows: ['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH'] }
   * ```
   * @default ['USER_SRP_AUTH', 'USER_PASSWORD_AUTH', 'REFRESH_TOKEN_AUTH']
   */
  authFlows?: DevIdpAuthFlow[];
  /**
   * How the client authenticates at the token, revocation and PAR
   * endpoints; oidc-provider enforces it (another method, a wrong secret or
   * a key not in the client's JWKS is `invalid_client`).
   * `client_secret_basic` / `client_secret_post` / `client_secret_jwt` need
   * `clientSecret`; `private_key_jwt` needs `jwksUri` or `jwks`.
   * @default 'client_secret_basic' with a clientSecret, else 'none'
   * @example
   * ```ts
   * { clientId: 'web', tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'http://localhost:3000/api/auth/jwks', redirectUris, postLogoutRedirectUris }
   * ```
   */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';
  /**
   * `private_key_jwt`: where the IdP fetches the client's public keys, e.g.
   * the app's `http://localhost:3000/api/auth/jwks` (loopback allowed: it is
   * configuration). Not together with `jwks`.
   * @default undefined
   */
  jwksUri?: string;
  /**
   * `private_key_jwt`: the client's public keys inline (a JWK Set), instead of `jwksUri`.
   * @default undefined
   * @example
   * ```ts
   * jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: '…', y: '…', kid: 'app-1' }] }
   * ```
   */
  jwks?: { keys: JsonWebKey[] };
  /**
   * RFC 9126: this client must use pushed authorization requests; a plain
   * authorization request for it is refused. Discovery does not say so (it
   * is per client): the app needs `pushedAuthorizationRequests: true`.
   * @default false (or DevIdpOptions.requirePushedAuthorizationRequests)
   */
  requirePushedAuthorizationRequests?: boolean;
  /**
   * RFC 9449: the provider refuses a token request from this client that
   * carries no DPoP proof (`dpop_bound_access_tokens`), so every token it
   * gets is bound to a key. Needs {@link DevIdpOptions.dpop}.
   * @default true when DevIdpOptions.dpop is on, else false
   */
  dpopBoundAccessTokens?: boolean;
}

/** An auth flow of the dev IdP's Cognito JSON API (InitiateAuth's `AuthFlow`). */
export type DevIdpAuthFlow = 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH';

/**
 * Token shape: `cognito` (Cognito user pool claims) or `oidc` (plain OpenID Connect / RFC 9068).
 * Refresh tokens: `cognito` issues one to every client allowed the grant (as Cognito does);
 * `oidc` only when the authorization request asks for `offline_access` (as Auth0, Okta and
 * oidc-provider do), with no consent screen (`prompt=consent` is accepted and changes nothing).
 *
 * @example
 * ```ts
 * const mode: DevIdpMode = process.env.DEV_IDP_MODE === 'oidc' ? 'oidc' : 'cognito';
 * ```
 */
export type DevIdpMode = 'cognito' | 'oidc';

/**
 * JWS algorithm the dev IdP signs ID and access tokens with; its key type
 * follows (RSA 2048, P-256/384/521, Ed25519) and the JWKS and discovery
 * advertise it.
 *
 * @example
 * ```ts
 * const idp = await startDevIdp({ port: 0, signingAlg: 'ES256' });
 * ```
 */
export type DevIdpSigningAlg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

/**
 * One resource server of {@link DevIdpOptions.resources}.
 *
 * @example
 * ```ts
 * const orders: DevIdpResource = { scope: 'orders:read orders:write', accessTokenTtl: 300 };
 * ```
 */
export interface DevIdpResource {
  /** Scopes this API accepts (space-separated); its tokens carry those the sign-in asked for. @default '' (none) */
  scope?: string;
  /** Lifetime of its access tokens, seconds. @default DevIdpOptions.accessTokenTtl */
  accessTokenTtl?: number;
}

/**
 * Options of {@link startDevIdp}.
 *
 * @example
 * ```ts
 * const idp = await startDevIdp({ port: 0, quiet: true, accessTokenTtl: 5 });
 * ```
 */
export interface DevIdpOptions {
  /** Default 3200; 0 picks a free port. */
  port?: number;
  /** Default `127.0.0.1`; only loopback hosts (127.x, ::1, localhost) are accepted. */
  host?: string;
  /** Users, or the path of a JSON file holding such an array. Default: alice and bob. */
  users?: DevIdpUserInput[] | string;
  /** Default: one public client `next-server-auth-example` for http://localhost:3000. */
  clients?: DevIdpClient[];
  /** Default `cognito`. */
  mode?: DevIdpMode;
  /** `oidc` mode only: name of the groups claim. Default `groups`. */
  groupsClaim?: string;
  /** Seconds. Default 3600. */
  accessTokenTtl?: number;
  /** Seconds. Default: `accessTokenTtl`. */
  idTokenTtl?: number;
  /** Seconds. Default 30 days. */
  refreshTokenTtl?: number;
  /** Issue a new refresh token on every refresh (reuse of an old one revokes the grant). Default true. */
  rotateRefreshToken?: boolean;
  /**
   * Algorithm of the signing key (ID tokens and JWT access tokens).
   * @default 'RS256'
   */
  signingAlg?: DevIdpSigningAlg;
  /**
   * Back-channel logout endpoint for every client that names none of its own
   * ({@link DevIdpClient.backchannelLogoutUri}); handy with the default client.
   * `false` or `''`: none.
   * @default none (the CLI's `--app-origin` registers `<origin>/api/auth/backchannel-logout`)
   */
  backchannelLogoutUri?: string | false;
  /**
   * JSON file persisting keys, signed-up users and sessions/grants/tokens across restarts.
   *
   * Tests that must sign tokens as the IdP would (a forged-looking but
   * validly signed logout token, say) read the private signing key from it:
   * it is written before `startDevIdp` resolves, as `signingKey` (a private
   * JWK with `kid` and `alg`; {@link DevIdp.rotateKeys} rewrites the file
   * with the new key within ~20 ms, `close()` at once).
   *
   * @example
   * ```ts
   * const idp = await startDevIdp({ port: 0, quiet: true, stateFile: join(tmpDir, 'idp.json') });
   * const { signingKey } = JSON.parse(readFileSync(join(tmpDir, 'idp.json'), 'utf8'));
   * const key = await importJWK(signingKey, signingKey.alg);
   * const logoutToken = await new SignJWT({ events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, sid })
   *   .setProtectedHeader({ alg: signingKey.alg, kid: signingKey.kid, typ: 'logout+jwt' })
   *   .setIssuer(idp.issuer).setAudience(clientId).setSubject(sub).setIssuedAt().setExpirationTime('2m').setJti(crypto.randomUUID())
   *   .sign(key);
   * ```
   */
  stateFile?: string;
  /**
   * The Cognito identity pool the dev IdP answers for (`GetId`,
   * `GetCredentialsForIdentity` at its issuer): its id, guest access and
   * how long the fake credentials live.
   * @default { id: any well-formed id, allowGuests: false, credentialsTtl: 3600 }
   */
  identityPool?: DevIdpIdentityPoolOptions;
  /**
   * Resource servers (RFC 8707 resource indicators), by absolute URI (no
   * fragment). A client may name them with `resource=` at sign-in and then
   * get, with a `refresh_token` grant carrying `resource`, a JWT access
   * token whose `aud` is that URI and whose `scope` is the part of `scope`
   * the sign-in asked for. A refresh for a resource the sign-in did not name
   * is refused (`invalid_target`), as is any other resource while this is
   * set. The client's own access token (the code exchange, a refresh
   * without `resource`) keeps `aud` = its client id: that audience is always
   * granted beside the named resources.
   *
   * @default {} (any resource indicator is accepted and gets the client id as `aud`)
   * @example
   * ```ts
   * const idp = await startDevIdp({ port: 0, mode: 'oidc',
   *   resources: { 'https://api.example.com': { scope: 'orders:read orders:write', accessTokenTtl: 300 } } });
   * ```
   */
  resources?: Record<string, DevIdpResource>;
  /**
   * `oidc` mode: a second factor for step-up (RFC 9470, OIDC `acr_values`).
   * A sign-in whose authorization request asks for `acr_values=mfa` is
   * asked, after the password, for a 6-digit one-time code (what an
   * authenticator app would show; the dev IdP shows it on the page and at
   * `GET /dev/users/<username>/second-factor-code`; 5 minutes, single use, 5
   * tries). The ID token then carries `acr: 'mfa'` and `amr: ['pwd', 'otp']`;
   * password-only sign-ins carry `acr: 'pwd'`, `amr: ['pwd']`. The login
   * policy honours `acr_values`: an IdP session at `pwd` asked for `mfa`
   * signs in again (password, then code). Discovery lists
   * `acr_values_supported: ['pwd', 'mfa']`. `max_age` is honoured either way
   * (oidc-provider's own policy). Not in `cognito` mode (Cognito has no
   * `acr`): `startDevIdp` throws.
   * @default false (no acr; acr_values are ignored)
   * @example
   * ```ts
   * const idp = await startDevIdp({ port: 0, mode: 'oidc', secondFactor: true });
   * ```
   */
  secondFactor?: boolean;
  /**
   * DPoP (RFC 9449), `oidc` mode only: oidc-provider's `features.dpop` is on
   * (proofs checked at the token endpoint, tokens bound with `cnf.jkt`,
   * `token_type` `DPoP`; public clients' refresh tokens bound too), every
   * client is `dpop_bound_access_tokens` unless it says otherwise (a token
   * request without a proof is `invalid_grant`), and `/oauth2/userInfo`
   * refuses a bound token sent as Bearer or without a valid proof (`ath`,
   * `htm`, `htu`, key = `cnf.jkt`, fresh `iat`, unused `jti`).
   * `requireNonce`: every proof must carry the IdP's current `DPoP-Nonce`
   * (token endpoint and userinfo answer `use_dpop_nonce` with one).
   * @default false
   * @example
   * ```ts
   * const idp = await startDevIdp({ port: 0, mode: 'oidc', dpop: { requireNonce: true } });
   * ```
   */
  dpop?: boolean | { requireNonce?: boolean };
  /**
   * RFC 9126 for every client: discovery says
   * `require_pushed_authorization_requests: true` and a plain authorization
   * request is refused (`invalid_request`). Pushed authorization requests
   * are offered (at `/request`) in `oidc` mode whatever this says.
   * @default false
   */
  requirePushedAuthorizationRequests?: boolean;
  /** Suppress the start-up banner. */
  quiet?: boolean;
}

/**
 * Counters of a running dev IdP, for tests that assert how often an app talked to it.
 *
 * @example
 * ```ts
 * expect(idp.stats().tokenCalls.refresh_token).toBe(1);
 * ```
 */
export interface DevIdpStats {
  /** Calls to the token endpoint by `grant_type`, successful or not. */
  tokenCalls: { authorization_code: number; refresh_token: number; total: number };
  /** grant id → number of refresh_token calls that presented a token of that grant. */
  refreshCallsByGrant: Record<string, number>;
  /** Successful calls to the revocation endpoint. */
  revocations: number;
  /** Accepted calls to `/logout`. */
  logouts: number;
  /** Successful `GET /.well-known/jwks.json`. */
  jwksFetches: number;
  /** Back-channel logout tokens POSTed to clients: answered 200/204 (`delivered`) or not (`failed`: refused, down, timed out). */
  backchannelLogouts: { delivered: number; failed: number };
  /** Cognito Identity calls (identity pools), successful or not. */
  identityCalls: { GetId: number; GetCredentialsForIdentity: number };
}

/**
 * What {@link DevIdp.logoutUser} (and `POST /dev/users/<username>/logout`) did.
 *
 * @example
 * ```ts
 * const { sessions, delivered } = await idp.logoutUser('alice@example.com');
 * ```
 */
export interface DevIdpLogoutResult {
  /** IdP sessions of the user that were ended. */
  sessions: number;
  /** Back-channel logout tokens the clients accepted (200/204). */
  delivered: number;
  /** Back-channel logout tokens that could not be delivered (logged, never fatal). */
  failed: number;
}

/**
 * A running dev IdP.
 *
 * @example
 * ```ts
 * const idp = await startDevIdp({ port: 0, quiet: true });
 * try {
 *   console.log(idp.issuer); // http://127.0.0.1:<port>
 * } finally {
 *   await idp.close();
 * }
 * ```
 */
export interface DevIdp {
  /** `http://<host>:<port>` (the actual port). */
  readonly issuer: string;
  readonly port: number;
  /** Stops the server, drops keep-alive connections and flushes the state file. */
  close(): Promise<void>;
  stats(): DevIdpStats;
  resetStats(): void;
  /** Adds a user at runtime (persisted when a state file is used). Throws if the username exists. */
  addUser(user: DevIdpUserInput): Promise<void>;
  /**
   * Key rotation: a new signing key (same algorithm) signs every token from
   * now on and is published first in the JWKS; the previous keys stay
   * published so tokens already issued still verify (`keepPrevious: false`
   * drops them). Sessions, grants and refresh tokens survive. Resolves to
   * the new `kid`.
   */
  rotateKeys(options?: { keepPrevious?: boolean }): Promise<string>;
  /**
   * Admin sign-out, as an operator would do in the IdP's console: ends every
   * IdP session of the user, revokes all their grants (refresh tokens die,
   * the userInfo endpoint refuses their access tokens) and sends an OIDC
   * back-channel logout token, one per session and client, to every client
   * with a {@link DevIdpClient.backchannelLogoutUri}. Resolves once the
   * deliveries were answered or failed (a down app is counted in `failed` and
   * logged, never thrown). Rejects if the username is unknown. Same as
   * `POST /dev/users/<username>/logout`.
   *
   * @example
   * ```ts
   * await idp.logoutUser('alice@example.com'); // { sessions: 2, delivered: 2, failed: 0 }
   * ```
   */
  logoutUser(username: string): Promise<DevIdpLogoutResult>;
}

/**
 * Options of {@link signInWithPassword}.
 *
 * @example
 * ```ts
 * const options: SignInWithPasswordOptions = {
 *   issuer: idp.issuer,
 *   clientId: 'next-server-auth-example',
 *   redirectUri: 'http://localhost:3000/api/auth/sign-in-callback',
 *   username: 'alice@example.com',
 *   password: 'alice-password',
 * };
 * ```
 */
export interface SignInWithPasswordOptions {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  username: string;
  password: string;
  /** Default `openid email profile`. */
  scope?: string;
  nonce?: string;
}

/**
 * Tokens from {@link signInWithPassword}.
 *
 * @example
 * ```ts
 * const { idToken, accessToken, refreshToken } = await signInWithPassword(options);
 * ```
 */
export interface SignInResult {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
  tokenType: string;
}
