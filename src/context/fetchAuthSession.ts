import type { JWT } from '../tokens/JWT.js';
import type { ContextSpec } from './ContextSpec.js';
import { getContextState } from './contextRegistry.js';
import { readSession } from './readSession.js';

/** The session as server code sees it. Empty when signed out. */
export interface AuthSession {
  tokens?: { accessToken: JWT; idToken: JWT };
  /** The `sub` of the signed-in user. */
  userSub?: string;
}

export interface FetchAuthSessionOptions {
  /** Refresh the tokens even when they are still valid. @default false */
  forceRefresh?: boolean;
}

/**
 * The current session of the context, refreshed when its access token is
 * expired or about to expire. Never throws because of what the browser sent:
 * tampered, foreign or garbled cookies all read as signed out (`{}`).
 *
 * @throws AuthError `ContextDestroyed` when `contextSpec` outlived its
 *   operation; `IdpUnavailable` when a needed refresh could not reach the IdP
 *   (the session is kept; retry later).
 * @example
 * ```ts
 * const session = await runWithServerContext({
 *   nextServerContext: { cookies },
 *   operation: (ctx) => fetchAuthSession(ctx),
 * });
 * session.tokens?.accessToken.payload['cognito:groups'];
 * ```
 */
export async function fetchAuthSession(contextSpec: ContextSpec, options: FetchAuthSessionOptions = {}): Promise<AuthSession> {
  const state = getContextState(contextSpec);
  const session = await readSession(state, { force: options.forceRefresh === true });
  if (session === undefined) return {};
  return {
    tokens: { accessToken: session.accessToken, idToken: session.idToken },
    ...(typeof session.idToken.payload.sub === 'string' ? { userSub: session.idToken.payload.sub } : {}),
  };
}
