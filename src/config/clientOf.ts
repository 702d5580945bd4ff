import * as oauth from 'oauth4webapi';
import type { ResolvedAuthConfig } from './types.js';
import { isLoopbackHttp } from './isLoopbackHttp.js';

/** The OAuth client, its authentication method, and request options shared by every IdP call. */
export function clientOf(config: ResolvedAuthConfig): { client: oauth.Client; auth: oauth.ClientAuth } {
  return {
    client: { client_id: config.clientId },
    // Cognito app clients with a secret accept client_secret_basic.
    auth: config.clientSecret ? oauth.ClientSecretBasic(config.clientSecret) : oauth.None(),
  };
}

/** Options for every request to the IdP: a timeout, and plain http only for a loopback IdP. */
export function requestOptions(config: ResolvedAuthConfig, timeoutMs: number): { signal: AbortSignal; [oauth.allowInsecureRequests]: boolean } {
  return {
    signal: AbortSignal.timeout(timeoutMs),
    [oauth.allowInsecureRequests]: isLoopbackHttp(config.issuer),
  };
}
