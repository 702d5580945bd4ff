import { createEndpointResolver } from './config/createEndpointResolver.js';
import { invalidConfig } from './config/invalidConfig.js';
import { parseAuthConfig } from './config/parseAuthConfig.js';
import { resolveRuntimeOptions } from './config/resolveRuntimeOptions.js';
import type { RuntimeOptions } from './config/runtimeOptions.js';
import type { AuthConfigInput } from './config/types.js';
import type { AuthRuntime } from './context/AuthRuntime.js';
import { createRunWithServerContext } from './context/createRunWithServerContext.js';
import type { RunWithServerContext } from './context/createRunWithServerContext.js';
import { createAuthGuardFor } from './guard/createAuthGuard.js';
import { createApiProxyFor } from './api-proxy/createApiProxy.js';
import { createAuthRouteHandlersFor } from './routes/createAuthRouteHandlers.js';
import { createServerActionsFor } from './routes/createServerActions.js';
import type { ServerActions } from './routes/createServerActions.js';
import { createCognitoActionsFor } from './routes/cognito/createCognitoActions.js';
import type { CognitoActions } from './routes/cognito/createCognitoActions.js';
import { AMPLIFY_COOKIE_MAX_AGE, createAmplifyCodec } from './session/createAmplifyCodec.js';
import { createSealedCodec } from './session/createSealedCodec.js';
import { createSessionCache } from './session/SessionCache.js';
import { createCookieSessionDirectory } from './session/createCookieSessionDirectory.js';
import { createServerCodec } from './session/createServerCodec.js';
import type { ServerCodec } from './session/createServerCodec.js';
import { createServerSessionDirectory } from './session/createServerSessionDirectory.js';
import { createRevocationList, REVOKED_CHANNEL } from './session/createRevocationList.js';
import { createPushStatus } from './session/createPushStatus.js';
import type { RevocationList } from './session/createRevocationList.js';
import { revocationCheck } from './session/revocationCheck.js';
import { revokeToken } from './tokens/revokeToken.js';
import { checkSessionClaims } from './tokens/checkSessionClaims.js';
import { AuthError, isAuthError } from './errors/AuthError.js';
import { createRefresher, sharedRefresherState } from './tokens/createRefresher.js';
import { createRefreshCoordinator } from './tokens/createRefreshCoordinator.js';
import type { AuthStore } from './store/AuthStore.js';
import type { Refresher, RefresherState } from './tokens/createRefresher.js';
import type { TokenSet } from './session/TokenSet.js';
import type { Session } from './session/Session.js';
import { decodeJWT } from './tokens/decodeJWT.js';
import { refreshTokenGrant } from './tokens/refreshTokenGrant.js';
import { userOf } from './context/userOf.js';
import { createTokenVerifier } from './tokens/createTokenVerifier.js';
import { verifySessionTokens } from './tokens/verifySessionTokens.js';
import { createConsumedStates, sharedConsumedStates } from './oauth/createConsumedStates.js';
import { RUNNER_CHECK } from './runnerCheck.js';
import { loadClientKey } from './config/loadClientKey.js';
import { usesPushedAuthorization } from './oauth/pushAuthorizationRequest.js';
import type { RunnerCheck } from './runnerCheck.js';

export interface ServerRunnerInput {
  /** The contents of `amplify_outputs.json`, or `{ oidc: { issuer, clientId, ... } }`. */
  config: AuthConfigInput;
  runtimeOptions?: RuntimeOptions;
}

export interface ServerRunner {
  runWithServerContext: RunWithServerContext;
  createAuthRouteHandlers: ReturnType<typeof createAuthRouteHandlersFor>;
  createAuthGuard: ReturnType<typeof createAuthGuardFor>;
  /** Server action: redirect through sign-in (see {@link ServerActions.signIn}). */
  signIn: ServerActions['signIn'];
  /** Server action: what `POST /api/auth/sign-out` does (see {@link ServerActions.signOut}). */
  signOut: ServerActions['signOut'];
  /**
   * Server actions against the Cognito user pool's own API (password sign-in,
   * sign-up, password reset) for apps with their own forms; see
   * {@link CognitoActions}. Cognito configs only.
   */
  cognito: CognitoActions;
  /** Route handlers of a same-origin API proxy that attaches the access token on the server. */
  createApiProxy: ReturnType<typeof createApiProxyFor>;
}

/**
 * The composition root: validates config once (throwing `InvalidConfig` /
 * `InvalidSecret` naming the bad field) and wires the layers together.
 * Call it once per app, at module scope of an `auth.ts`.
 *
 * @example
 * ```ts
 * // auth.ts
 * import { createServerRunner } from 'next-server-auth';
 * import outputs from './amplify_outputs.json';
 * export const { runWithServerContext, createAuthRouteHandlers, createAuthGuard } = createServerRunner({ config: outputs });
 * ```
 */
export function createServerRunner({ config, runtimeOptions }: ServerRunnerInput): ServerRunner {
  const runtime = createAuthRuntime(config, runtimeOptions);
  // Import the private_key_jwt key now: a broken one is logged at start-up (naming the field), not at the first sign-in.
  if (runtime.config.clientKey) void loadClientKey(runtime.config.clientKey).catch((err: unknown) => console.error(`next-server-auth: ${isAuthError(err) ? err.message : 'oidc.clientPrivateKey could not be imported'}`));
  const runner: ServerRunner = {
    runWithServerContext: createRunWithServerContext(runtime),
    createAuthRouteHandlers: createAuthRouteHandlersFor(runtime),
    createAuthGuard: createAuthGuardFor(runtime),
    createApiProxy: createApiProxyFor(runtime),
    ...createServerActionsFor(runtime),
    cognito: createCognitoActionsFor(runtime),
  };
  // For assertAuthReady (instrumentation.ts): whichever of these auth.ts exports carries the check.
  const check: RunnerCheck = async ({ discovery }) => {
    // private_key_jwt: key material only WebCrypto can vet (config parsing is synchronous).
    if (runtime.config.clientKey) await loadClientKey(runtime.config.clientKey);
    // PAR asked for (or required) but not offered: InvalidConfig now, not at the first sign-in.
    if (discovery) usesPushedAuthorization(runtime.config, await runtime.endpoints());
  };
  for (const fn of [runner.runWithServerContext, runner.createAuthRouteHandlers, runner.createAuthGuard, runner.createApiProxy]) {
    Object.defineProperty(fn, RUNNER_CHECK, { value: check });
  }
  return runner;
}

/** Builds the shared runtime of one runner (exported for the routes and guard layers and tests). */
export function createAuthRuntime(configInput: AuthConfigInput, runtimeOptions?: RuntimeOptions, env?: Record<string, string | undefined>): AuthRuntime {
  const options = resolveRuntimeOptions(runtimeOptions, env);
  const config = parseAuthConfig(configInput, options.origin, runtimeOptions?.cognito);
  // Amplify's cookies are plain tokens for its browser code: a private key has no place there.
  if (config.dpop && options.session.codec === 'amplify') {
    throw invalidConfig('oidc.dpop', 'cannot be used with runtimeOptions.session.codec "amplify": its cookies are readable by browser code and cannot hold the session\'s DPoP private key (use "sealed" or "server")');
  }
  const endpoints = createEndpointResolver(config, { timeoutMs: options.httpTimeoutMs });
  const verifier = createTokenVerifier({
    issuer: config.issuer,
    clientId: config.clientId,
    flavor: config.flavor,
    jwksUri: async () => (await endpoints()).jwks,
    algorithms: options.tokens.algorithms,
    clockSkew: options.tokens.clockSkew,
    accessTokenAudience: config.accessTokenAudience,
    timeoutMs: options.httpTimeoutMs,
  });
  const { secure } = options;
  const { domain, sameSite, maxAge, name } = options.cookies;
  // __Host- pins the cookie to this exact host (no Domain, Path=/, Secure);
  // with a Domain only __Secure- is allowed.
  const cookieName = secure ? `${domain ? '__Secure-' : '__Host-'}${name}` : name;
  const sessionCookie = { secure, sameSite, path: '/', maxAge, ...(domain ? { domain } : {}) };
  const emit: AuthRuntime['emit'] = (name, event) => {
    const callback = options.events[name] as ((e: typeof event) => unknown) | undefined;
    if (callback === undefined) return;
    const report = () => console.error(`next-server-auth: the ${name} event callback threw`);
    try {
      Promise.resolve(callback(event)).catch(report);
    } catch {
      report();
    }
  };
  const checkSession = (session: Session) =>
    checkSessionClaims(
      { issuer: config.issuer, clientId: config.clientId, flavor: config.flavor, algorithms: options.tokens.algorithms, accessTokenAudience: config.accessTokenAudience },
      session.idToken,
      session.accessToken,
    );
  const verifySignatures =
    options.session.verifySignatures === 'never'
      ? undefined
      : { mode: options.session.verifySignatures, verify: (session: Session) => verifySessionTokens(verifier, session) };
  // Cookie codecs: "signed out everywhere" is a cut-off time per user / IdP
  // session, checked on cold reads and before refreshes (shared through the store when there is one).
  const revocationTtlMs = (options.session.codec === 'amplify' ? (runtimeOptions?.cookies?.maxAge ?? AMPLIFY_COOKIE_MAX_AGE) : maxAge) * 1000;
  const revocations =
    options.session.codec === 'server'
      ? undefined
      : options.store
        ? createRevocationList({
            store: options.store,
            issuer: config.issuer,
            ttlMs: revocationTtlMs,
            onUnavailable: () => emit('storeUnavailable', { operation: 'revocation' }),
          })
        : // Without a store the list is this process's memory: one per process, like the refresher's,
          // since Next.js gives the proxy, route handlers and pages each their own runner.
          sharedRevocationList(config.issuer, config.clientId, revocationTtlMs);
  const isRevoked = revocations ? revocationCheck(revocations) : undefined;
  // Cookie codecs with a store: while the cut-off push is down (or after a gap) cached
  // sessions are flushed and new entries kept at most session.offlineMaxAge.
  const sealedCache = createSessionCache(options.session.cacheSize, options.session.cacheBytes);
  const gapListeners = new Set<() => void>();
  const push =
    revocations && options.store
      ? createPushStatus(options.store, REVOKED_CHANNEL, () => {
          sealedCache.deleteWhere(() => true);
          for (const listener of gapListeners) listener();
        })
      : undefined;
  const offlineMaxAgeMs = options.session.offlineMaxAge * 1000;
  const cacheBound = push ? () => (push.live() ? Number.POSITIVE_INFINITY : Date.now() + offlineMaxAgeMs) : undefined;
  let serverCodec: ServerCodec | undefined;
  const codec = options.session.codec === 'server'
    ? (serverCodec = createServerCodec({
        // `nsa.sid` beside the sealed codec's `nsa.session`; a custom base name gets `.sid`.
        cookieName: `${secure ? (domain ? '__Secure-' : '__Host-') : ''}${name === 'nsa.session' ? 'nsa' : name}.sid`,
        secrets: options.secrets,
        cookieOptions: { ...sessionCookie, httpOnly: true },
        store: options.store!,
        issuer: config.issuer,
        maxEntries: options.session.cacheSize,
        maxBytes: options.session.cacheBytes,
        offlineMaxAgeMs: options.session.offlineMaxAge * 1000,
        checkSession,
        ...(verifySignatures ? { verifySignatures } : {}),
        onUnavailable: (operation) => emit('storeUnavailable', { operation }),
        // A sign-out made during a store outage reached the store later: revoke at the IdP too, as sign-out does.
        onLateEnd: (tokens) => {
          const refreshToken = tokens.refreshToken;
          if (refreshToken === undefined) return;
          void endpoints()
            .then((known) => revokeToken(config, known, refreshToken, options.httpTimeoutMs))
            .catch(() => {});
        },
      }))
    : options.session.codec === 'amplify'
    ? createAmplifyCodec({
        clientId: config.clientId,
        verifier,
        // Not httpOnly: Amplify's browser code reads and writes these cookies.
        // Amplify's own lifetime unless configured: switching must sign nobody out early.
        cookieOptions: { ...sessionCookie, httpOnly: false, maxAge: runtimeOptions?.cookies?.maxAge ?? AMPLIFY_COOKIE_MAX_AGE },
        ...(isRevoked
          ? {
              isRevoked,
              onRevoked: (listener: () => void) => {
                revocations!.onRevoked(listener);
                gapListeners.add(listener);
                void push?.live();
              },
            }
          : {}),
      })
    : createSealedCodec({
    cookieName,
    secrets: options.secrets,
    cookieOptions: { ...sessionCookie, httpOnly: true },
    cache: sealedCache,
    checkSession,
    ...(cacheBound ? { cacheBound } : {}),
    ...(verifySignatures ? { verifySignatures } : {}),
    ...(revocations && isRevoked ? { isRevoked, revocations } : {}),
  });
  const transactions = {
    prefix: secure ? '__Host-nsa.tx' : 'nsa.tx',
    secrets: options.secrets,
    // Lax: the IdP's redirect back is a top-level GET navigation, which Lax allows.
    cookieOptions: { httpOnly: true, secure, sameSite: 'lax' as const, path: '/' },
    ttl: 600,
    maxParallel: 3,
  };
  const refresher = createRuntimeRefresher({ config, options, endpoints, verifier, emit });
  // One memory per process, like the refresher's: route handlers of one app may be separate bundles.
  const consumedStates = createConsumedStates({ entries: sharedConsumedStates(config.issuer, config.clientId) });
  const sessions = serverCodec
    ? createServerSessionDirectory(serverCodec)
    : createCookieSessionDirectory({ revoke: (match) => revocations!.revoke(match) });
  return {
    config,
    options,
    endpoints,
    verifier,
    codec,
    transactions,
    consumedStates,
    refresher,
    sessions,
    ...(serverCodec ? { serverCodec } : {}),
    ...(isRevoked ? { isRevoked } : {}),
    ...(revocations ? { revocations } : {}),
    emit,
  };
}

const SHARED_REVOCATIONS = Symbol.for('next-server-auth.revocation-lists.v1');

/** The store-less cut-off list of one client of one issuer, shared by every runner in the process (on `globalThis`). */
function sharedRevocationList(issuer: string, clientId: string, ttlMs: number): RevocationList {
  const g = globalThis as { [SHARED_REVOCATIONS]?: Map<string, RevocationList> };
  const lists = (g[SHARED_REVOCATIONS] ??= new Map());
  const key = `${issuer}\n${clientId}\n${ttlMs}`;
  let list = lists.get(key);
  if (list === undefined) {
    list = createRevocationList({ issuer, ttlMs });
    lists.set(key, list);
  }
  return list;
}

type RefresherParts = Pick<AuthRuntime, 'config' | 'options' | 'endpoints' | 'verifier' | 'emit'>;

/** The refresh-token grant at the IdP (discovery, token endpoint, verification of the new tokens). */
export function idpRefreshGrant({ config, options, endpoints, verifier }: RefresherParts): (refreshToken: string, previous?: TokenSet) => Promise<TokenSet> {
  return async (refreshToken, previous) => {
    const known = await endpoints().catch((cause: unknown) => {
      throw new AuthError('IdpUnavailable', `The IdP could not be discovered${isAuthError(cause) ? ` (${cause.message})` : ''}`, { cause });
    });
    return refreshTokenGrant(config, known, verifier, refreshToken, options.httpTimeoutMs, previous);
  };
}

/**
 * The runtime's refresher: the IdP grant, process-wide memory, events, and
 * with `runtimeOptions.store` the coordination across instances.
 * `grant`, `state`, `now`, `store` and `lockTtlMs` are seams for tests
 * (another grant, a private memory — one "instance" —, a clock, another
 * store, a shorter lock).
 */
export function createRuntimeRefresher(
  parts: RefresherParts,
  seams: { grant?: (refreshToken: string, previous?: TokenSet) => Promise<TokenSet>; state?: RefresherState; now?: () => number; store?: AuthStore; lockTtlMs?: number } = {},
): Refresher {
  const { config, options, emit } = parts;
  const grant = seams.grant ?? idpRefreshGrant(parts);
  const graceMs = options.refresh.grace * 1000;
  // A spent token is refused for as long as a cookie carrying it can be
  // accepted (the seal's ttl is the cookie's maxAge), at least a day.
  const spentMs = Math.max(options.cookies.maxAge, 24 * 3600) * 1000;
  const store = seams.store ?? options.store;
  const coordinator =
    store === undefined
      ? undefined
      : createRefreshCoordinator({
          store,
          grant,
          secrets: options.secrets,
          graceMs,
          spentMs,
          // Outlasts one IdP call: discovery, token endpoint and JWKS, each bounded by httpTimeoutMs.
          lockTtlMs: seams.lockTtlMs ?? 3 * options.httpTimeoutMs,
          ...(seams.now ? { now: seams.now } : {}),
          onUnavailable: (operation) => emit('storeUnavailable', { operation }),
        });
  const eventUser = (subject: unknown) => {
    const u = subject as { username?: unknown; userId?: unknown } | undefined;
    return typeof u?.username === 'string' && typeof u.userId === 'string' ? { username: u.username, userId: u.userId } : undefined;
  };
  return createRefresher({
    grant,
    // One memory per process: the proxy, route handlers and pages are separate bundles.
    state: seams.state ?? sharedRefresherState(config.issuer, config.clientId),
    graceMs,
    spentMs,
    ...(coordinator ? { coordinator } : {}),
    maxEntries: 10_000,
    ...(seams.now ? { now: seams.now } : {}),
    onRefreshed: (tokens) => {
      const user = eventUser(userOf(decodeJWT(tokens.idToken).payload, decodeJWT(tokens.accessToken).payload));
      if (user) emit('tokenRefresh', { user });
    },
    onFailed: (error, subject) => {
      const user = eventUser(subject);
      emit('tokenRefresh_failure', { ...(user ? { user } : {}), reason: error.code === 'RefreshTokenRejected' ? 'rejected' : 'unavailable' });
    },
  });
}
