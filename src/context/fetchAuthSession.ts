import type { AccessTokenClaims, IdTokenClaims, NoCustomClaims } from '../tokens/claims.js';
import type { JWT } from '../tokens/JWT.js';
import type { ContextSpec } from './ContextSpec.js';
import { getContextState } from './contextRegistry.js';
import { readSession } from './readSession.js';

/**
 * The session as server code sees it. Empty when signed out.
 * `Claims` adds claims your IdP puts in the tokens (see {@link fetchAuthSession}).
 */
export interface AuthSession<Claims extends object = NoCustomClaims> {
  tokens?: { accessToken: JWT<AccessTokenClaims & Claims>; idToken: JWT<IdTokenClaims & Claims> };
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
 * Token claims are typed: Cognito's and OIDC's ({@link IdTokenClaims},
 * {@link AccessTokenClaims}); any other claim reads as `unknown`. Name your
 * own claims with the type parameter (as jose's `jwtVerify<Payload>` does);
 * it applies to both tokens, so declare a claim optional unless both always
 * carry it. It is a declaration, not a runtime check.
 *
 * @throws AuthError `ContextDestroyed` when `contextSpec` outlived its
 *   operation; `IdpUnavailable` when a needed refresh could not reach the IdP
 *   (the session is kept; retry later).
 * @example
 * ```ts
 * const session = await runWithServerContext({
 *   nextServerContext: { cookies },
 *   operation: (ctx) => fetchAuthSession<{ 'custom:tenant'?: string }>(ctx),
 * });
 * session.tokens?.idToken.payload['cognito:groups']; // string[] | undefined
 * session.tokens?.idToken.payload['custom:tenant']; // string | undefined
 * ```
 */
export async function fetchAuthSession<Claims extends object = NoCustomClaims>(
  contextSpec: ContextSpec,
  options: FetchAuthSessionOptions = {},
): Promise<AuthSession<Claims>> {
  const state = getContextState(contextSpec);
  const session = await readSession(state, { force: options.forceRefresh === true });
  if (session === undefined) return {};
  // Verified when they entered the session (signature, iss, aud, exp, iat, sub),
  // so the registered claims are there; the rest is the IdP's word, as typed.
  const tokens = { accessToken: session.accessToken, idToken: session.idToken } as unknown as NonNullable<AuthSession<Claims>['tokens']>;
  return {
    tokens,
    ...(typeof session.idToken.payload.sub === 'string' ? { userSub: session.idToken.payload.sub } : {}),
  };
}
