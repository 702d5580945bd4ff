import { cookies as nextCookies } from 'next/headers.js';
import { AuthError } from '../errors/AuthError.js';
import { nextRedirect } from '../context/nextRedirect.js';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { endSession } from '../context/endSession.js';
import type { NextCookiesLike } from '../context/NextServerContext.js';
import { runInContext } from '../context/runInContext.js';
import { signInLocation } from '../context/signInLocation.js';
import { checkCustomState } from '../oauth/customState.js';
import { toAuthenticationRequirement } from '../oauth/toAuthenticationRequirement.js';

/** Options of the `signIn` server action. */
export interface SignInActionOptions {
  /**
   * App state carried through the sign-in (Amplify's
   * `signInWithRedirect({ customState })`): at most 512 UTF-8 bytes, no
   * control characters. It comes back on the `signedIn` event and as the
   * `customState` query parameter of the landing URL. Not secret (it is in
   * URLs) and not proof of intent (anyone can start a sign-in with any
   * value): treat it as untrusted input.
   * @default undefined (none; nothing is added)
   */
  customState?: string;
  /**
   * Step-up (RFC 9470): ask the IdP for an authentication at most this many
   * seconds old (`max_age`); the callback checks the new ID token's
   * `auth_time`. A signed-in user whose session is recent enough goes
   * straight to `returnTo`. Typically `err.maxAge` of `requireAuth`'s
   * `InsufficientAuthentication` error.
   * @default undefined (no age asked for)
   */
  maxAge?: number;
  /**
   * Step-up: ask for one of these authentication classes (`acr_values`); the
   * callback checks the new ID token's `acr`. Typically `err.acrValues`.
   * Not available with Cognito user pools (throws `InvalidConfig`).
   * @default undefined (no acr asked for)
   */
  acr?: string | readonly string[];
}

/** `signIn` / `signOut`, returned by `createServerRunner`, to call from server actions. */
export interface ServerActions {
  /**
   * Sends the browser through sign-in and back to `returnTo` (a same-origin
   * path; anything else is dropped and the sign-in route's
   * `redirectOnSignInComplete` applies). Given straight to a form action it
   * receives the form's `FormData` and reads its `returnTo` and
   * `customState` fields (`options.customState`, when given, wins).
   *
   * A `customState` that is too long, has control characters or is not a
   * string throws `AuthError` `InvalidConfig` before any redirect: it is
   * never truncated.
   *
   * It redirects (Next's `redirect()`, which throws) to
   * `runtimeOptions.signInPath`; the sign-in route starts the authorization
   * request there, so an already signed-in user goes straight to `returnTo`.
   *
   * @example
   * ```tsx
   * import { signIn } from '@/auth';
   * <form action={async () => { 'use server'; await signIn('/dashboard'); }}>
   *   <button>Sign in</button>
   * </form>
   * ```
   *
   * @example
   * ```tsx
   * // Step-up: sign in again with a second factor, at most 5 minutes ago, then back to /billing
   * await signIn('/billing', { maxAge: 300, acr: 'mfa' });
   * ```
   *
   * @example
   * ```tsx
   * // Lands on /orders?customState=%7B%22tab%22%3A%22billing%22%7D
   * await signIn('/orders', { customState: JSON.stringify({ tab: 'billing' }) });
   * ```
   */
  signIn(returnTo?: string | FormData, options?: SignInActionOptions): Promise<never>;
  /**
   * What `POST /api/auth/sign-out` does, as a server action: ends the refresh
   * chain in this process, clears every auth cookie whatever fails, revokes
   * the refresh token, then redirects (Next's `redirect()`, which throws) to
   * the IdP's logout and from there to the sign-out callback.
   *
   * Call it from a server action (or a route handler): cookies are read-only
   * in server components. Server actions are POSTs that Next itself checks
   * for same origin (it compares `Origin` with `Host` / `X-Forwarded-Host`,
   * see `serverActions.allowedOrigins`), so a cross-site form cannot trigger it.
   *
   * @example
   * ```tsx
   * import { signOut } from '@/auth';
   * <form action={async () => { 'use server'; await signOut(); }}>
   *   <button>Sign out</button>
   * </form>
   * ```
   */
  signOut(formData?: FormData): Promise<never>;
}

/**
 * Binds the `signIn` / `signOut` server actions to a runtime. `cookies` is
 * a seam for tests (defaults to `cookies` from `next/headers`).
 */
export function createServerActionsFor(
  runtime: AuthRuntime,
  seams: { cookies?: () => Promise<NextCookiesLike> | NextCookiesLike } = {},
): ServerActions {
  const cookies = seams.cookies ?? nextCookies;
  return {
    async signIn(returnTo, options) {
      const target = typeof returnTo === 'string' ? returnTo : returnTo?.get('returnTo');
      const field = typeof returnTo === 'object' && returnTo !== null ? returnTo.get('customState') : null;
      if (field !== null && typeof field !== 'string') throw new AuthError('InvalidConfig', 'customState must be a string, not a file');
      const customState = checkCustomState(options?.customState ?? field);
      const authentication = toAuthenticationRequirement(options, 'signIn options', runtime.config.flavor);
      return nextRedirect(signInLocation(runtime, typeof target === 'string' ? target : undefined, customState, authentication));
    },
    async signOut() {
      const location = await runInContext(runtime, { cookies }, (_spec, state) => endSession(state));
      return nextRedirect(location);
    },
  };
}
