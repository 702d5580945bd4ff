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
 * The current session of the context. Never throws because of what the
 * browser sent: tampered, foreign, expired or garbled cookies all read as
 * signed out (`{}`). Throws `ContextDestroyed` when `contextSpec` outlived its
 * operation.
 *
 * @example
 * ```ts
 * const session = await runWithServerContext({
 *   nextServerContext: { cookies },
 *   operation: (ctx) => fetchAuthSession(ctx),
 * });
 * session.tokens?.accessToken.payload['cognito:groups'];
 * ```
 */
export async function fetchAuthSession(contextSpec: ContextSpec, _options: FetchAuthSessionOptions = {}): Promise<AuthSession> {
  const state = getContextState(contextSpec);
  const session = await readSession(state);
  if (session === undefined) return {};
  return {
    tokens: { accessToken: session.accessToken, idToken: session.idToken },
    ...(typeof session.idToken.payload.sub === 'string' ? { userSub: session.idToken.payload.sub } : {}),
  };
}
