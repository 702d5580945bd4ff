import type { AuthEndpoints, ResolvedAuthConfig } from '../config/types.js';

/**
 * The `scope` of the authorization request: the configured scopes, plus
 * `offline_access` when `offlineAccess` is `true`, or `'auto'` with a
 * generic provider whose discovery lists it. Standard providers issue a
 * refresh token only for that scope; Cognito issues one without it (and its
 * discovery does not list it), so `'auto'` leaves Cognito alone.
 *
 * @example
 * ```ts
 * authorizationScope(config, endpoints); // 'openid email profile offline_access'
 * ```
 */
export function authorizationScope(config: ResolvedAuthConfig, endpoints: AuthEndpoints): string {
  const scopes = [...config.scopes];
  if (!scopes.includes('offline_access') && wantsOfflineAccess(config, endpoints)) scopes.push('offline_access');
  return scopes.join(' ');
}

function wantsOfflineAccess({ offlineAccess, flavor }: ResolvedAuthConfig, endpoints: AuthEndpoints): boolean {
  if (offlineAccess === true) return true;
  if (offlineAccess !== 'auto' || flavor !== 'generic') return false;
  return endpoints.scopesSupported?.includes('offline_access') === true;
}
