import { AuthError, isAuthError } from '../errors/AuthError.js';
import type { Session } from '../session/Session.js';
import type { TokenSet } from '../session/TokenSet.js';
import { toSession } from '../session/toSession.js';
import { createResourceTokens, resourceTokenStateFor } from '../tokens/createResourceTokens.js';
import type { ResourceTokens } from '../tokens/createResourceTokens.js';
import { resourceTokenGrant } from '../tokens/resourceTokenGrant.js';
import type { AccessTokenResult } from '../tokens/resourceTokenGrant.js';
import type { AuthRuntime } from './AuthRuntime.js';
import type { ContextSpec } from './ContextSpec.js';
import type { ContextState } from './ContextState.js';
import { clearQuietly } from './clearQuietly.js';
import { getContextState } from './contextRegistry.js';
import { readSession } from './readSession.js';

export type { AccessTokenResult } from '../tokens/resourceTokenGrant.js';

/** Options of {@link getAccessToken}. */
export interface GetAccessTokenOptions {
  /**
   * The API to get a token for (RFC 8707 resource indicator), exactly as
   * listed in `oidc.resources`. Absent: the session's own access token.
   * @default undefined
   */
  resource?: string;
  /**
   * Narrower scopes for that API's token (sent as `scope`; each must have
   * been granted at sign-in). Only with `resource`.
   * @default undefined (every scope the sign-in granted)
   */
  scopes?: string[];
  /**
   * Get a new token even though the cached one is still valid (the API
   * answered 401 to it): with `resource`, a new resource grant that never
   * hands out the current token again; without, a session refresh.
   * @default false
   */
  forceRefresh?: boolean;
}

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/; // RFC 6749 §3.3 scope-token

/**
 * A valid access token of the signed-in user, for server code that calls an
 * API (route handlers, server actions, server components).
 *
 * Without `resource`: the session's own access token, refreshed first when
 * it is due (as {@link fetchAuthSession} does).
 *
 * With `resource` (RFC 8707): a token whose audience is that API, obtained
 * with a refresh-token grant carrying `resource` (and `scope` with
 * `scopes`). It is kept in memory (and, with `runtimeOptions.store`, sealed
 * in the store for the other instances) keyed by the session's grant, the
 * resource and the scopes, never in the cookie, and renewed shortly before
 * it expires; concurrent callers share one IdP call. When the IdP rotates
 * the refresh token on that grant, the session is written back with the new
 * one (where Next.js allows cookie writes; a server component keeps the old
 * cookie, which maps to the new token for `refresh.grace` seconds only, as
 * after any refresh there).
 *
 * @throws AuthError `UserUnAuthenticated` (signed out, or the grant is
 *   dead), `ResourceNotGranted` (the resource is not in `oidc.resources`,
 *   the session has no refresh token, or the IdP refused the resource or the
 *   scopes for this session: sign in again), `InvalidParameter` (malformed
 *   options), `IdpUnavailable` (retry later; the session is kept).
 * @example
 * ```ts
 * // app/api/orders/route.ts
 * import { cookies } from 'next/headers';
 * import { getAccessToken } from 'next-server-auth/server';
 * import { runWithServerContext } from '@/auth';
 *
 * export async function GET() {
 *   const { token } = await runWithServerContext({
 *     nextServerContext: { cookies },
 *     operation: (ctx) => getAccessToken(ctx, { resource: 'https://orders.example.com', scopes: ['orders:read'] }),
 *   });
 *   return fetch('https://orders.example.com/v1/orders', { headers: { authorization: `Bearer ${token}` } });
 * }
 * ```
 */
export async function getAccessToken(contextSpec: ContextSpec, options: GetAccessTokenOptions = {}): Promise<AccessTokenResult> {
  const state = getContextState(contextSpec);
  const { runtime } = state;
  const { resource, scopes } = options;
  if (resource !== undefined && typeof resource !== 'string') throw new AuthError('InvalidParameter', 'getAccessToken: resource must be a string');
  if (scopes !== undefined) {
    if (resource === undefined) throw new AuthError('InvalidParameter', 'getAccessToken: scopes needs a resource');
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s))) {
      throw new AuthError('InvalidParameter', 'getAccessToken: scopes must be a non-empty list of scope tokens');
    }
  }
  // Before any read or IdP call: only the APIs the app named at sign-in.
  if (resource !== undefined && !(runtime.config.resources ?? []).includes(resource)) {
    throw new AuthError('ResourceNotGranted', 'getAccessToken: this resource is not in oidc.resources');
  }
  const force = options.forceRefresh === true;
  const session = await readSession(state, { force: force && resource === undefined });
  if (session === undefined) throw new AuthError('UserUnAuthenticated', 'No signed-in user');
  if (resource === undefined) return ownToken(session);
  const refreshToken = session.tokens.refreshToken;
  if (refreshToken === undefined) throw new AuthError('ResourceNotGranted', 'getAccessToken: the session has no refresh token to obtain resource tokens with');
  const sub = session.idToken.payload.sub;
  if (typeof sub !== 'string') throw new AuthError('UserUnAuthenticated', 'No signed-in user');
  const scope = scopes === undefined ? undefined : [...new Set(scopes)].sort().join(' ');
  const request = { resource, ...(scope !== undefined ? { scope } : {}) };
  let outcome: Awaited<ReturnType<ResourceTokens['get']>>;
  try {
    outcome = await resourceTokensOf(runtime).get({ ...session.tokens, refreshToken }, request, sub, { force });
  } catch (err) {
    if (isAuthError(err, 'RefreshTokenRejected')) {
      // The grant is dead (or spent, or answered for someone else): as a failed refresh, signed out.
      clearQuietly(state);
      throw new AuthError('UserUnAuthenticated', 'The session ended', { cause: err });
    }
    throw err;
  }
  if (outcome.tokens.refreshToken !== refreshToken) await writeBack(state, session, outcome.tokens);
  if (isAuthError(outcome.value)) throw outcome.value;
  return outcome.value;
}

function ownToken(session: Session): AccessTokenResult {
  const { payload } = session.accessToken;
  return {
    token: session.tokens.accessToken,
    expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : session.expiresAt,
    ...(typeof payload.scope === 'string' ? { scope: payload.scope } : {}),
  };
}

// Per refresher memory (process-wide in production, private per test "instance").
const byRuntime = new WeakMap<AuthRuntime, ResourceTokens>();

function resourceTokensOf(runtime: AuthRuntime): ResourceTokens {
  let tokens = byRuntime.get(runtime);
  if (tokens !== undefined) return tokens;
  const { config, options, endpoints, verifier, refresher } = runtime;
  tokens = createResourceTokens({
    refresher,
    grant: async (refreshToken, request, sub, dpopKey) => {
      const known = await endpoints().catch((cause: unknown) => {
        throw new AuthError('IdpUnavailable', 'The IdP could not be discovered', { cause });
      });
      return resourceTokenGrant(config, known, verifier, refreshToken, request, { timeoutMs: options.httpTimeoutMs, sub, ...(dpopKey !== undefined ? { dpopKey } : {}) });
    },
    ...(options.store !== undefined ? { store: options.store } : {}),
    secrets: options.secrets,
    leewayMs: options.refresh.leeway * 1000,
    maxEntries: 10_000,
    state: resourceTokenStateFor(refresher.memory ?? refresher),
    onUnavailable: () => runtime.emit('storeUnavailable', { operation: 'refresh' }),
  });
  byRuntime.set(runtime, tokens);
  return tokens;
}

/** The session after a rotating resource grant: same tokens, the new refresh token. Later reads in this operation see it. */
async function writeBack(state: ContextState, session: Session, tokens: TokenSet): Promise<void> {
  const { codec } = state.runtime;
  if (state.store === null) return;
  let written: Session;
  try {
    // Server-side sessions: the record takes it under the same id (the cookie stays).
    written = await codec.write(state.store, tokens, codec.reload !== undefined ? { refreshes: session } : {});
  } catch (err) {
    if (!isAuthError(err, 'CookiesReadOnly')) throw err;
    // Server component: the old cookie maps to the new token for the grace window (see readSession).
    written = toSession(tokens);
  }
  state.session = Promise.resolve(written);
}
