import type { AccessTokenClaims, IdTokenClaims, NoCustomClaims } from '../tokens/claims.js';
import type { JWT } from '../tokens/JWT.js';
import type { AuthRuntime } from './AuthRuntime.js';
import type { ContextSpec } from './ContextSpec.js';
import { getContextState } from './contextRegistry.js';
import { createIdentityCredentials } from './createIdentityCredentials.js';
import type { AwsCredentials, IdentityCredentials } from './createIdentityCredentials.js';
import { readSession } from './readSession.js';

/**
 * The session as server code sees it. Empty when signed out.
 * `Claims` adds claims your IdP puts in the tokens (see {@link fetchAuthSession}).
 */
export interface AuthSession<Claims extends object = NoCustomClaims> {
  tokens?: { accessToken: JWT<AccessTokenClaims & Claims>; idToken: JWT<IdTokenClaims & Claims> };
  /** The `sub` of the signed-in user. */
  userSub?: string;
  /**
   * `'DPoP'` when the tokens are bound to the session's DPoP key
   * (`oidc.dpop`, RFC 9449): an API that enforces DPoP refuses the access
   * token as Bearer; call it through the API proxy, which adds the proof.
   * Absent: Bearer tokens.
   */
  tokenType?: 'DPoP';
  /**
   * Temporary AWS credentials from the identity pool (`auth.identity_pool_id`
   * in `amplify_outputs.json`): the user's, or a guest's when signed out and
   * `unauthenticated_identities_enabled`. Absent without an identity pool.
   */
  credentials?: AwsCredentials;
  /** The Cognito identity of `credentials` (`<region>:<uuid>`), stable per user. */
  identityId?: string;
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
 *   (the session is kept; retry later), or when the identity pool's
 *   credentials could not be fetched (no token is ever in the message).
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
  const identities = identityCredentialsOf(state.runtime);
  if (session === undefined) return identities ? { ...(await identities.get(undefined)) } : {};
  // Verified when they entered the session (signature, iss, aud, exp, iat, sub),
  // so the registered claims are there; the rest is the IdP's word, as typed.
  const tokens = { accessToken: session.accessToken, idToken: session.idToken } as unknown as NonNullable<AuthSession<Claims>['tokens']>;
  const sub = session.idToken.payload.sub;
  return {
    tokens,
    ...(typeof sub === 'string' ? { userSub: sub } : {}),
    ...(session.tokens.dpopKey !== undefined ? { tokenType: 'DPoP' as const } : {}),
    ...(identities && typeof sub === 'string' ? await identities.get({ sub, idToken: session.idToken.toString() }) : {}),
  };
}

// Per runner (keyed by its runtime), so two runners never share credentials.
const identityCredentialsByRuntime = new WeakMap<AuthRuntime, IdentityCredentials>();

function identityCredentialsOf(runtime: AuthRuntime): IdentityCredentials | undefined {
  const pool = runtime.config.identityPool;
  if (pool === undefined) return undefined;
  let identities = identityCredentialsByRuntime.get(runtime);
  if (!identities) identityCredentialsByRuntime.set(runtime, (identities = createIdentityCredentials(pool)));
  return identities;
}
