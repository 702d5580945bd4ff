import { runAuthorizationCodeFlow } from './authorizationCodeFlow.js';
import { CookieJar } from './CookieJar.js';
import type { SignInResult, SignInWithPasswordOptions } from './types.js';

/**
 * Signs a user in through the IdP's real hosted login page over HTTP, as a
 * browser would (authorization code + PKCE S256 + state, the login form,
 * the code exchange), and returns the tokens. Throws with the IdP's message
 * when the password is wrong.
 *
 * @example
 * ```ts
 * const { idToken, accessToken, refreshToken } = await signInWithPassword({
 *   issuer: idp.issuer,
 *   clientId: 'next-server-auth-example',
 *   redirectUri: 'http://localhost:3000/api/auth/sign-in-callback',
 *   username: 'alice@example.com',
 *   password: 'alice-password',
 * });
 * ```
 */
export async function signInWithPassword(options: SignInWithPasswordOptions): Promise<SignInResult> {
  const { promptedForPassword: _prompted, ...tokens } = await runAuthorizationCodeFlow(new CookieJar(), options);
  return tokens;
}
