import type { Adapter, ClientInstance, KoaContext, Policy, TokenInstance } from 'oidc-provider';

import { accessTokenClaims, idTokenClaims, originJtiOf, scopeClaims } from './claims.js';
import type { ClaimsShape } from './claims.js';
import { renderMessagePage } from './pages.js';
import { ACR_PASSWORD, ACR_SECOND_FACTOR } from './SecondFactorCodes.js';
import type { SigningJwk } from './signingKey.js';
import type { DevIdpClient } from './types.js';
import type { UserStore } from './UserStore.js';

/** Resource indicator used when the client names none; the audience is still the client id. */
export const DEFAULT_RESOURCE = 'urn:next-server-auth:dev-idp:api';

/** Everything the oidc-provider configuration is built from. */
export interface ProviderConfigurationInput extends ClaimsShape {
  accessTokenTtl: number;
  idTokenTtl: number;
  refreshTokenTtl: number;
  rotateRefreshToken: boolean;
  clients: DevIdpClient[];
  users: UserStore;
  /** Published in this order; the first one signs. */
  signingKeys: SigningJwk[];
  cookieKeys: string[];
  adapter: (model: string) => Adapter;
  policy: Policy;
  /** RFC 9126 required of every client (discovery says so). @default false */
  requirePushedAuthorizationRequests?: boolean;
  /** RFC 8707 resource servers: `aud` is the URI. Empty: any resource indicator, `aud` the client id. @default {} */
  resources?: Record<string, { scope: string; accessTokenTtl: number }>;
  /** Step-up second factor: `acr` values `pwd` and `mfa` are advertised (`acr_values_supported`). @default false */
  secondFactor?: boolean;
  /** DPoP (RFC 9449): on, clients bound unless they say otherwise, nonces from `nonceSecret` (required with `requireNonce`). @default undefined (off) */
  dpop?: { requireNonce: boolean; nonceSecret: Buffer };
}

/** Cognito's hosted-UI paths; discovery follows them. */
export const ROUTES = {
  authorization: '/oauth2/authorize',
  token: '/oauth2/token',
  revocation: '/oauth2/revoke',
  userinfo: '/oauth2/userInfo',
  end_session: '/logout',
  jwks: '/.well-known/jwks.json',
} as const;

function clientMetadata(client: DevIdpClient, dpop: boolean): Record<string, unknown> {
  return {
    // RFC 9449: a token request without a proof is refused for a bound client.
    ...(dpop && client.dpopBoundAccessTokens !== false ? { dpop_bound_access_tokens: true } : {}),
    client_id: client.clientId,
    ...(client.clientSecret === undefined ? {} : { client_secret: client.clientSecret }),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod ?? (client.clientSecret === undefined ? 'none' : 'client_secret_basic'),
    // private_key_jwt: the app's public keys, fetched from its JWKS route or given inline.
    ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}),
    ...(client.jwks ? { jwks: client.jwks } : {}),
    ...(client.requirePushedAuthorizationRequests ? { require_pushed_authorization_requests: true } : {}),
    application_type: 'web',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    // Session required: logout tokens and ID tokens carry `sid`, the app matches on it.
    ...(client.backchannelLogoutUri
      ? { backchannel_logout_uri: client.backchannelLogoutUri, backchannel_logout_session_required: true }
      : {}),
  };
}

type FetchOptions = RequestInit & { dispatcher?: unknown };

/**
 * oidc-provider's outgoing fetch, with its SSRF guard (which refuses loopback
 * and private addresses) lifted for the registered back-channel logout URIs
 * only: they are the developer's own configuration, and the app runs on
 * loopback. Every other URL keeps the guard.
 */
function fetchAllowingBackchannel(clients: readonly DevIdpClient[]): (url: string, options: FetchOptions) => Promise<Response> {
  // Also the clients' jwks_uri (private_key_jwt): the app's own JWKS route on loopback.
  const trusted = new Set(clients.flatMap((c) => [c.backchannelLogoutUri, c.jwksUri].flatMap((uri) => (uri ? [new URL(uri).href] : []))));
  return (url, options) => {
    if (!trusted.has(url)) return globalThis.fetch(url, options as RequestInit);
    const { dispatcher: _guarded, ...rest } = options;
    return globalThis.fetch(url, rest);
  };
}

/**
 * oidc-provider's `InvalidTarget` (RFC 8707 `invalid_target`), duck-typed:
 * its error classes live in the lazily loaded module.
 */
function invalidTarget(): Error {
  return Object.assign(new Error('invalid_target'), {
    expose: true,
    status: 400,
    statusCode: 400,
    allow_redirect: true,
    error_description: 'unknown resource indicator',
  });
}

/** The `Koa` context with oidc-provider's request state, as config callbacks receive it. */
type OidcKoaContext = KoaContext & { readonly oidc: NonNullable<KoaContext['oidc']> };

function authTimeFrom(ctx: OidcKoaContext | undefined): number | undefined {
  const entities = ctx?.oidc.entities;
  return entities?.AuthorizationCode?.authTime ?? entities?.RefreshToken?.authTime;
}

/**
 * Builds the oidc-provider configuration that makes it look like a Cognito
 * user pool's hosted UI (or a plain OIDC provider in `oidc` mode).
 *
 * @example
 * ```ts
 * const provider = new Provider(issuer, createProviderConfiguration(input));
 * ```
 */
export function createProviderConfiguration(input: ProviderConfigurationInput): object {
  const { users, mode } = input;
  const shape: ClaimsShape = { mode, groupsClaim: input.groupsClaim };
  const signingAlg = input.signingKeys[0]!.alg;
  const resources = input.resources ?? {};
  const resourceScope = mode === 'cognito' ? 'openid email profile phone aws.cognito.signin.user.admin' : 'openid email profile';

  return {
    adapter: input.adapter,
    clients: input.clients.map((client) => clientMetadata(client, input.dpop !== undefined)),
    jwks: { keys: input.signingKeys },
    // ID tokens are signed with the key's algorithm (oidc-provider's client default is RS256).
    clientDefaults: { id_token_signed_response_alg: signingAlg },
    enabledJWA: { idTokenSigningAlgValues: [signingAlg] },
    ...(input.secondFactor ? { acrValues: [ACR_PASSWORD, ACR_SECOND_FACTOR] } : {}),
    cookies: { keys: input.cookieKeys },
    scopes: mode === 'cognito'
      ? ['openid', 'offline_access', 'email', 'profile', 'phone', 'aws.cognito.signin.user.admin']
      : ['openid', 'offline_access', 'email', 'profile'],
    // Step-up second factor: the ID token says how the user signed in (acr, amr).
    claims: input.secondFactor ? { ...scopeClaims(shape), openid: [...scopeClaims(shape).openid!, 'acr', 'amr'] } : scopeClaims(shape),
    responseTypes: ['code'],
    // The JWT methods (RFC 7523) in oidc mode, or for a client registered with one (Cognito knows neither).
    clientAuthMethods: [
      'client_secret_basic',
      'client_secret_post',
      'none',
      ...(['client_secret_jwt', 'private_key_jwt'] as const).filter((m) => mode === 'oidc' || input.clients.some((c) => c.tokenEndpointAuthMethod === m)),
    ],
    // Keep the user's claims in the ID token even though an access token is issued too.
    conformIdTokenClaims: false,
    routes: ROUTES,
    interactions: {
      policy: input.policy,
      url: (_ctx: unknown, interaction: { uid: string }) => `/login/${interaction.uid}`,
    },
    fetch: fetchAllowingBackchannel(input.clients),
    features: {
      devInteractions: { enabled: false },
      // OIDC Back-Channel Logout 1.0 for clients with a backchannel_logout_uri. Sent by
      // our own session ending (endSession.ts), since /logout never reaches the provider's.
      backchannelLogout: { enabled: true },
      revocation: {
        enabled: true,
        // A client may only revoke its own tokens; others are silently ignored (RFC 7009).
        allowedPolicy: async (_ctx: unknown, client: ClientInstance, token: TokenInstance) => token.clientId === client.clientId,
      },
      resourceIndicators: {
        enabled: true,
        // Several granted (RFC 8707 resources named at sign-in): a token request naming none gets the client's own.
        defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string[]) =>
          oneOf === undefined ? DEFAULT_RESOURCE : oneOf.length > 1 && oneOf.includes(DEFAULT_RESOURCE) ? DEFAULT_RESOURCE : oneOf,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, resource: string, client: ClientInstance) => {
          // `resources` (RFC 8707): the named APIs get their own audience; with any named, others are refused.
          const api = Object.hasOwn(resources, resource) ? resources[resource] : undefined;
          if (api) return { scope: api.scope, audience: resource, accessTokenTTL: api.accessTokenTtl, accessTokenFormat: 'jwt', jwt: { sign: { alg: signingAlg } } };
          if (resource !== DEFAULT_RESOURCE && Object.keys(resources).length > 0) throw invalidTarget();
          return { scope: resourceScope, audience: client.clientId, accessTokenTTL: input.accessTokenTtl, accessTokenFormat: 'jwt', jwt: { sign: { alg: signingAlg } } };
        },
      },
      // The built-in end-session shows a confirm page; /logout is handled by our own
      // middleware. Enabled in oidc mode only so discovery advertises end_session_endpoint.
      rpInitiatedLogout: {
        enabled: mode === 'oidc',
        logoutSource: async (ctx: KoaContext, form: string) => {
          // Unreachable in practice (our /logout handler runs first); kept valid anyway.
          ctx.body = renderMessagePage(
            'Sign out',
            'Sign out of the development IdP?',
            `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx: KoaContext) => {
          ctx.body = renderMessagePage('Signed out', 'You have been signed out of the development IdP.');
        },
      },
      userinfo: { enabled: true },
      // RFC 9126 at /request: offered in oidc mode, required of every client with requirePushedAuthorizationRequests.
      pushedAuthorizationRequests: {
        enabled: mode === 'oidc' || input.requirePushedAuthorizationRequests === true || input.clients.some((c) => c.requirePushedAuthorizationRequests),
        requirePushedAuthorizationRequests: input.requirePushedAuthorizationRequests === true,
      },
      dPoP: input.dpop
        ? { enabled: true, nonceSecret: input.dpop.nonceSecret, requireNonce: () => input.dpop!.requireNonce }
        : { enabled: false },
    },
    pkce: { required: (_ctx: unknown, client: ClientInstance) => client.clientAuthMethod === 'none' },
    // Browser calls (CORS) only from the client's own redirect origins.
    clientBasedCORS: (_ctx: unknown, origin: string, client: ClientInstance) =>
      client.redirectUris.some((uri) => URL.canParse(uri) && new URL(uri).origin === origin),
    ttl: {
      AccessToken: input.accessTokenTtl,
      AuthorizationCode: 300,
      IdToken: input.idTokenTtl,
      // Rotated refresh tokens inherit the remaining lifetime: the session
      // ends refreshTokenTtl after sign-in, as with Cognito.
      RefreshToken: (ctx: OidcKoaContext | undefined) => {
        const rotated = ctx?.oidc.entities.RotatedRefreshToken;
        return rotated ? Math.max(1, rotated.remainingTTL) : input.refreshTokenTtl;
      },
      Interaction: 3600,
      Session: input.refreshTokenTtl,
      Grant: input.refreshTokenTtl,
    },
    // Cognito issues a refresh token to every client allowed the grant, no offline_access needed.
    // oidc mode behaves like a standard provider (oidc-provider's default): only for offline_access.
    issueRefreshToken: async (_ctx: unknown, client: ClientInstance, code: { scopes: Set<string> }) =>
      client.grantTypeAllowed('refresh_token') && (mode === 'cognito' || code.scopes.has('offline_access')),
    // Refresh tokens outlive the IdP browser session (logout revokes them explicitly).
    expiresWithSession: async () => false,
    rotateRefreshToken: input.rotateRefreshToken,
    // First-party clients: no consent screen. Create or extend the grant with what was asked.
    loadExistingGrant: async (ctx: OidcKoaContext) => {
      const { oidc } = ctx;
      const { client, account, session } = oidc;
      if (!client || !account) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? session?.grantIdFor(client.clientId);
      const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      const grant = existing && existing.accountId === account.accountId
        ? existing
        : new oidc.provider.Grant({ clientId: client.clientId, accountId: account.accountId });
      // Resources named at sign-in (RFC 8707): the client's own audience is granted beside them.
      const named = Object.keys(oidc.resourceServers);
      if (named.length > 0 && !named.includes(DEFAULT_RESOURCE)) {
        oidc.resourceServers[DEFAULT_RESOURCE] = new oidc.provider.ResourceServer(DEFAULT_RESOURCE, { scope: resourceScope, audience: client.clientId, accessTokenTTL: input.accessTokenTtl, accessTokenFormat: 'jwt', jwt: { sign: { alg: signingAlg } } });
      }
      const oidcScopes = [...oidc.requestParamOIDCScopes].join(' ');
      if (oidcScopes) grant.addOIDCScope(oidcScopes);
      const claims = [...oidc.requestParamClaims];
      if (claims.length > 0) grant.addOIDCClaims(claims);
      for (const [resource, server] of Object.entries(oidc.resourceServers)) {
        const scope = [...oidc.requestParamScopes].filter((s) => server.scopes.has(s)).join(' ');
        if (scope) grant.addResourceScope(resource, scope);
      }
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx: unknown, sub: string, token?: TokenInstance) => {
      const user = users.findBySub(sub);
      if (!user) return undefined;
      // At the token endpoint `token` is the code or refresh token: its grant ties the ID token to the access token.
      const originJti = token?.grantId === undefined ? undefined : originJtiOf(token.grantId);
      return { accountId: sub, claims: async () => idTokenClaims(user, shape, originJti) };
    },
    extraTokenClaims: async (ctx: OidcKoaContext | undefined, token: TokenInstance) => {
      if (token.kind !== 'AccessToken' || token.accountId === undefined) return undefined;
      const user = users.findBySub(token.accountId);
      return user ? accessTokenClaims(user, shape, authTimeFrom(ctx), token.grantId === undefined ? undefined : originJtiOf(token.grantId)) : undefined;
    },
    renderError: async (ctx: KoaContext, out: Record<string, unknown>) => {
      ctx.type = 'html';
      const description = typeof out.error_description === 'string' ? out.error_description : '';
      const error = typeof out.error === 'string' ? out.error : 'server_error';
      ctx.body = renderMessagePage('Something went wrong', `${error}${description ? `: ${description}` : ''}`);
    },
  };
}
