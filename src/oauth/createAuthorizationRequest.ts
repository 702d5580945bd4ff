import * as oauth from 'oauth4webapi';
import type { AuthEndpoints, ResolvedAuthConfig } from '../config/types.js';
import type { AuthTransaction } from './AuthTransaction.js';
import { authorizationScope } from './authorizationScope.js';
import { cognitoIdentityProvider } from './cognitoIdentityProvider.js';
import { pushAuthorizationRequest, usesPushedAuthorization } from './pushAuthorizationRequest.js';
import type { AuthenticationRequirement } from './AuthenticationRequirement.js';
import { setAuthenticationParams } from './setAuthenticationParams.js';

export interface AuthorizationRequestInput {
  /** Validated same-origin path. */
  returnTo: string;
  /** Show the IdP's sign-up page first. */
  signUp?: boolean;
  /** `google`, `facebook`, `amazon`, `apple` or a Cognito federation name. */
  provider?: string;
  /** UI language (BCP 47). */
  lang?: string;
  /**
   * Make the IdP ask for the password again even when its own session is
   * still open: `prompt=login` (OIDC Core §3.1.2.1; Cognito's managed login
   * supports it), plus `max_age=0` for generic OIDC (the spec's MUST form of
   * the same request, which also makes the ID token carry `auth_time`).
   * Cognito gets no `max_age`. The transaction is marked `reauthenticate`.
   */
  reauthenticate?: boolean;
  /** Checked app state, kept in the transaction only (the IdP never sees it). */
  customState?: string;
  /**
   * Step-up (RFC 9470): ask for an authentication at most `maxAge` seconds
   * old (`max_age`; for Cognito, which has no `max_age`, `prompt=login`) and
   * of one of `acrValues` (`acr_values`). Kept in the transaction: the
   * callback verifies the ID token's `auth_time` and `acr` against it.
   */
  authentication?: AuthenticationRequirement;
}

const LANG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,3}$/;

/**
 * Builds the authorization URL (code flow, PKCE S256, state, nonce) and the
 * transaction the callback will check it against. With pushed authorization
 * requests (see `usesPushedAuthorization`) the parameters are pushed to the
 * IdP first and the URL carries only `client_id` and `request_uri`.
 *
 * @example
 * ```ts
 * const { url, transaction } = await createAuthorizationRequest(config, endpoints, { returnTo: '/dashboard' });
 * // store `transaction` sealed, then redirect to `url`
 * ```
 */
export async function createAuthorizationRequest(
  config: ResolvedAuthConfig,
  endpoints: AuthEndpoints,
  input: AuthorizationRequestInput,
  /** `timeoutMs`: of the pushed authorization request, when one is made. */
  options: { timeoutMs?: number } = {},
): Promise<{ url: URL; transaction: AuthTransaction }> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const transaction: AuthTransaction = {
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    codeVerifier,
    returnTo: input.returnTo,
    redirectUri: config.redirectSignIn,
    createdAt: Date.now(),
    ...(input.reauthenticate ? { reauthenticate: true as const } : {}),
    ...(input.customState !== undefined ? { customState: input.customState } : {}),
    ...(input.authentication?.maxAge !== undefined ? { maxAge: input.authentication.maxAge } : {}),
    ...(input.authentication?.acrValues !== undefined ? { acrValues: [...input.authentication.acrValues] } : {}),
  };
  const cognitoSignUp = input.signUp && config.flavor === 'cognito' && endpoints.signUp;
  const url = new URL(cognitoSignUp ? endpoints.signUp! : endpoints.authorization);
  const p = url.searchParams;
  p.set('response_type', 'code');
  p.set('client_id', config.clientId);
  p.set('redirect_uri', transaction.redirectUri);
  p.set('scope', authorizationScope(config, endpoints));
  p.set('state', transaction.state);
  p.set('nonce', transaction.nonce);
  p.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
  p.set('code_challenge_method', 'S256');
  // RFC 8707: the APIs getAccessToken(ctx, { resource }) will ask tokens for later.
  for (const resource of config.resources ?? []) p.append('resource', resource);
  // OpenID Connect "Initiating User Registration": the standard sign-up hint.
  if (input.signUp && !cognitoSignUp) p.set('prompt', 'create');
  if (input.reauthenticate && !input.signUp) {
    p.set('prompt', 'login');
    if (config.flavor !== 'cognito') p.set('max_age', '0');
  }
  if (input.authentication !== undefined) {
    // A re-authentication's max_age=0 is stricter than any. Cognito's authorize
    // endpoint has no max_age: prompt=login gets a fresh sign-in (auth_time now).
    setAuthenticationParams(p, input.authentication, { maxAge: config.flavor !== 'cognito' && !input.reauthenticate });
    if (config.flavor === 'cognito' && input.authentication.maxAge !== undefined && !input.signUp) p.set('prompt', 'login');
  }
  if (input.provider && config.flavor === 'cognito') {
    const idp = cognitoIdentityProvider(input.provider);
    if (idp) p.set('identity_provider', idp);
  }
  if (input.lang && LANG.test(input.lang)) p.set(config.flavor === 'cognito' ? 'lang' : 'ui_locales', input.lang);
  // Last, so every parameter above is pushed (RFC 9126): the browser then
  // carries only client_id and request_uri. Cognito's /signup page has no PAR.
  if (!cognitoSignUp && usesPushedAuthorization(config, endpoints)) {
    return { url: await pushAuthorizationRequest(config, endpoints, url, options.timeoutMs ?? 10_000), transaction };
  }
  return { url, transaction };
}
