import * as oauth from 'oauth4webapi';
import type { ResolvedAuthConfig } from './types.js';
import { isLoopbackHttp } from './isLoopbackHttp.js';
import { loadClientKey } from './loadClientKey.js';

type ClientAuthentication = NonNullable<ResolvedAuthConfig['clientAuthentication']>;

/**
 * The client authentication method in effect: the configured one, else
 * `client_secret_basic` with a secret (what Cognito app clients accept) and
 * `none` without.
 *
 * @example
 * ```ts
 * clientAuthenticationOf({ ...config, clientSecret: 's' }); // 'client_secret_basic'
 * ```
 */
export function clientAuthenticationOf(config: ResolvedAuthConfig): ClientAuthentication {
  return config.clientAuthentication ?? (config.clientSecret ? 'client_secret_basic' : 'none');
}

const auths = new WeakMap<ResolvedAuthConfig, oauth.ClientAuth>();

/**
 * The OAuth client and its authentication, used by every token-endpoint
 * call (code exchange, refresh — in the guard, the routes and the
 * store-coordinated refresh alike —, revocation, PAR): the one place where
 * those requests get their credentials. `private_key_jwt` imports the key on
 * first use (WebCrypto, edge-safe) and signs a fresh assertion per request
 * (`aud` = issuer, 60 s, unique `jti`, oauth4webapi's defaults).
 *
 * @example
 * ```ts
 * const { client, auth } = clientOf(config);
 * await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, requestOptions(config, 5000));
 * ```
 */
export function clientOf(config: ResolvedAuthConfig): { client: oauth.Client; auth: oauth.ClientAuth } {
  let auth = auths.get(config);
  if (auth === undefined) {
    auth = clientAuthFor(config);
    auths.set(config, auth);
  }
  return { client: { client_id: config.clientId }, auth };
}

function clientAuthFor(config: ResolvedAuthConfig): oauth.ClientAuth {
  const method = clientAuthenticationOf(config);
  switch (method) {
    case 'client_secret_basic':
      return oauth.ClientSecretBasic(config.clientSecret!);
    case 'client_secret_post':
      return oauth.ClientSecretPost(config.clientSecret!);
    case 'client_secret_jwt':
      // One instance: it keeps the imported HMAC key.
      return oauth.ClientSecretJwt(config.clientSecret!);
    case 'private_key_jwt': {
      const clientKey = config.clientKey!;
      return async (as, client, body, headers) => {
        const { key, kid, alg } = await loadClientKey(clientKey);
        // oauth4webapi names Ed25519 keys "Ed25519"; the published JWK says EdDSA, which more IdPs know.
        const sign = oauth.PrivateKeyJwt({ key, kid }, { [oauth.modifyAssertion]: (header) => void (header.alg = alg) });
        await sign(as, client, body, headers);
      };
    }
    case 'none':
      return oauth.None();
  }
}

/**
 * Options for every request to the IdP: a timeout, plain http only for a
 * loopback IdP, and with `dpop` (the session's handle, `oidc.dpop`, RFC 9449)
 * a DPoP proof beside the client authentication.
 */
export function requestOptions(
  config: ResolvedAuthConfig,
  timeoutMs: number,
  dpop?: oauth.DPoPHandle,
): { signal: AbortSignal; [oauth.allowInsecureRequests]: boolean; DPoP?: oauth.DPoPHandle } {
  return {
    signal: AbortSignal.timeout(timeoutMs),
    [oauth.allowInsecureRequests]: isLoopbackHttp(config.issuer),
    ...(dpop !== undefined ? { DPoP: dpop } : {}),
  };
}
