/**
 * Every failure this library raises on purpose. Switch on `code`, never on
 * `message`: messages are for humans and may change.
 */
export type AuthErrorCode =
  /** The config object or an option is missing or malformed; `message` names the field. */
  | 'InvalidConfig'
  /** `AUTH_SECRET` / `runtimeOptions.secret` is missing or too short. */
  | 'InvalidSecret'
  /** OpenID discovery or the IdP's JWKS could not be fetched or made no sense. */
  | 'DiscoveryFailed'
  /** The operation's context handle was used after its operation settled, or never existed. */
  | 'ContextDestroyed'
  /** There is no signed-in user in this context. */
  | 'UserUnAuthenticated'
  /**
   * `requireAuth(ctx, { maxAge, acr })`: signed in, but not recently enough or
   * not with an accepted `acr` (step-up, RFC 9470). The error carries the
   * challenge: `wwwAuthenticate`, `maxAge`, `acrValues`.
   */
  | 'InsufficientAuthentication'
  /** Next.js forbids writing cookies here (server components). */
  | 'CookiesReadOnly'
  /** A token failed verification (signature, issuer, audience, use, algorithm, expiry). */
  | 'TokenInvalid'
  /** The IdP's userinfo endpoint refused or failed. */
  | 'UserInfoFailed'
  /** The OAuth transaction or callback was rejected (state, PKCE, nonce, issuer, IdP error). */
  | 'OAuthCallbackFailed'
  /** The refresh token was rejected by the IdP (`invalid_grant`, revoked, expired). */
  | 'RefreshTokenRejected'
  /**
   * `getAccessToken(ctx, { resource, scopes })`: the resource is not in `oidc.resources`, or the IdP
   * refused it or the scopes for this session (`invalid_target`, `invalid_scope`, RFC 8707): sign in again
   * after configuring it. The session itself is untouched.
   */
  | 'ResourceNotGranted'
  /** The IdP refused a pushed authorization request (RFC 9126) with an OAuth error (`invalid_client`, `invalid_request`, …): the sign-in cannot start. */
  | 'AuthorizationRequestRefused'
  /** The IdP could not be reached or answered with a server error; retrying may succeed. */
  | 'IdpUnavailable'
  /** The shared store (`runtimeOptions.store`, e.g. Redis) is down, disconnected, closed or slower than its timeout; callers fall back to per-process behaviour. */
  | 'StoreUnavailable'
  /** The session was read inside `'use cache'`, `'use cache: private'` or `unstable_cache`: read it outside and pass the user id in as an argument (cache key). */
  | 'CachedScope'
  /** `listSessions` needs `session.codec: 'server'`: with a cookie codec the server keeps no list of sessions. */
  | 'ServerSessionsRequired'
  /** `cognito.signIn`: wrong password or unknown user, one code for both so a form cannot tell which usernames exist. */
  | 'InvalidCredentials'
  /** `cognito.signIn`: right password, but the sign-up was never confirmed (`cognito.confirmSignUp`). */
  | 'UserNotConfirmed'
  /** `cognito.signUp`: the username (or an alias such as the email) is taken. */
  | 'UsernameExists'
  /** `cognito.confirmSignUp` / `cognito.confirmResetPassword`: the code is wrong (also for unknown users). */
  | 'CodeMismatch'
  /** `cognito.confirmSignUp` / `cognito.confirmResetPassword`: the code expired or was used; request a new one. */
  | 'CodeExpired'
  /** `cognito.signUp` / `cognito.confirmResetPassword`: the password does not meet the pool's policy. */
  | 'InvalidPassword'
  /** `cognito.signIn`: the pool requires a password reset first (`cognito.resetPassword`). */
  | 'PasswordResetRequired'
  /** The user pool throttled the call or locked the user out after repeated failures; try again later. */
  | 'TooManyRequests'
  /** A `cognito.*` action got a missing, empty or oversized field (`message` names the field, never its value). */
  | 'InvalidParameter'
  /** `cognito.signIn`: the pool asks for a challenge (MFA, new password, …) these actions do not answer yet. */
  | 'ChallengeRequired';

/**
 * The one error class of next-server-auth.
 *
 * @example
 * ```ts
 * try {
 *   await getCurrentUser(ctx);
 * } catch (err) {
 *   if (err instanceof AuthError && err.code === 'UserUnAuthenticated') redirect('/api/auth/sign-in');
 *   throw err;
 * }
 * ```
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;
  /**
   * `InsufficientAuthentication` only: the RFC 9470 `WWW-Authenticate` value to
   * answer an API request with (`Bearer error="insufficient_user_authentication", …`).
   */
  declare readonly wwwAuthenticate?: string;
  /** `InsufficientAuthentication` only: the `max_age` (seconds) to sign in again with. */
  declare readonly maxAge?: number;
  /** `InsufficientAuthentication` only: the `acr_values` to sign in again with. */
  declare readonly acrValues?: readonly string[];

  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * True when `err` is an {@link AuthError}, optionally with the given code.
 * Works across bundles where `instanceof` may not (Next.js duplicates modules
 * between the edge and node bundles).
 *
 * @example
 * ```ts
 * if (isAuthError(err, 'UserUnAuthenticated')) return Response.json({ error: 'signed out' }, { status: 401 });
 * ```
 */
export function isAuthError(err: unknown, code?: AuthErrorCode): err is AuthError {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  if (e.name !== 'AuthError' || typeof e.code !== 'string') return false;
  return code === undefined || e.code === code;
}
