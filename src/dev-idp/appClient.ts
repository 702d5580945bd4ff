import type { DevIdpClient } from './types.js';

/** Client id registered by `--app-origin` when no `--client-id` is given. */
export const DEFAULT_APP_CLIENT_ID = 'local-app';

/**
 * The public client for an app at `origin` that uses the library's default
 * routes: sign-in callback `<origin>/api/auth/sign-in-callback`; after
 * sign-out the IdP may send the browser to `<origin>/api/auth/sign-out-callback`
 * (what the library sends as `logout_uri` / `post_logout_redirect_uri`) or
 * `<origin>/`. Back-channel logout tokens go to
 * `<origin>/api/auth/backchannel-logout` (the library's route) unless
 * `backchannelLogoutUri` says otherwise (`false` or `''`: none).
 * Throws (message starting "must …") unless `origin` is an
 * http(s) origin with no path, query or fragment.
 *
 * @example
 * ```ts
 * appClient('http://localhost:3000').redirectUris; // ['http://localhost:3000/api/auth/sign-in-callback']
 * appClient('http://localhost:3000').backchannelLogoutUri; // 'http://localhost:3000/api/auth/backchannel-logout'
 * ```
 */
export function appClient(
  origin: string,
  clientId: string = DEFAULT_APP_CLIENT_ID,
  backchannelLogoutUri?: string | false,
): DevIdpClient {
  const url = URL.canParse(origin) ? new URL(origin) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new Error(`must be an http(s) origin such as http://localhost:3000, got "${origin}"`);
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new Error(`must be an origin only (scheme, host and port, no path), e.g. ${url.origin}, got "${origin}"`);
  }
  if (clientId === '') throw new Error('needs a non-empty --client-id');
  return {
    clientId,
    redirectUris: [`${url.origin}/api/auth/sign-in-callback`],
    postLogoutRedirectUris: [`${url.origin}/api/auth/sign-out-callback`, `${url.origin}/`],
    backchannelLogoutUri: backchannelLogoutUri ?? `${url.origin}/api/auth/backchannel-logout`,
  };
}
