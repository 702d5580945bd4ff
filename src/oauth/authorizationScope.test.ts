import { describe, expect, it } from 'vitest';
import { parseAuthConfig } from '../config/parseAuthConfig.js';
import type { AuthEndpoints, OidcProviderConfig } from '../config/types.js';
import { isAuthError } from '../errors/AuthError.js';
import { authorizationScope } from './authorizationScope.js';

const ORIGIN = 'https://app.example.com';
const endpoints: AuthEndpoints = { authorization: 'https://id.example.org/authorize', token: 'https://id.example.org/token', jwks: 'https://id.example.org/jwks' };
const advertised: AuthEndpoints = { ...endpoints, scopesSupported: ['openid', 'email', 'profile', 'offline_access'] };
const notAdvertised: AuthEndpoints = { ...endpoints, scopesSupported: ['openid', 'email', 'profile'] };

const oidc = (extra: Partial<OidcProviderConfig['oidc']> = {}) =>
  parseAuthConfig({ oidc: { issuer: 'https://id.example.org', clientId: 'web', ...extra } }, ORIGIN);

describe('authorizationScope (offline_access)', () => {
  it('auto: a generic provider that advertises offline_access is asked for it', () => {
    expect(authorizationScope(oidc(), advertised)).toBe('openid email profile offline_access');
    expect(authorizationScope(oidc({ offlineAccess: 'auto' }), advertised)).toBe('openid email profile offline_access');
  });

  it('auto: not asked when discovery does not list it, or lists no scopes at all', () => {
    expect(authorizationScope(oidc(), notAdvertised)).toBe('openid email profile');
    expect(authorizationScope(oidc(), endpoints)).toBe('openid email profile');
  });

  it('auto: a Cognito-flavoured config is left alone (Cognito issues refresh tokens without it)', () => {
    expect(authorizationScope(oidc({ flavor: 'cognito' }), advertised)).toBe('openid email profile');
  });

  it('true: always asked, even when not advertised; false: never', () => {
    expect(authorizationScope(oidc({ offlineAccess: true }), endpoints)).toBe('openid email profile offline_access');
    expect(authorizationScope(oidc({ offlineAccess: true, flavor: 'cognito' }), endpoints)).toBe('openid email profile offline_access');
    expect(authorizationScope(oidc({ offlineAccess: false }), advertised)).toBe('openid email profile');
  });

  it('explicit scopes are sent as given, offline_access added once at most', () => {
    expect(authorizationScope(oidc({ scopes: ['openid', 'api:read'] }), advertised)).toBe('openid api:read offline_access');
    expect(authorizationScope(oidc({ scopes: ['openid', 'offline_access', 'email'] }), advertised)).toBe('openid offline_access email');
    expect(authorizationScope(oidc({ scopes: ['openid', 'offline_access'] }), notAdvertised)).toBe('openid offline_access');
  });

  it('an amplify_outputs.json config keeps exactly its scopes', () => {
    const amplify = parseAuthConfig(
      {
        auth: {
          user_pool_id: 'us-east-1_Abc123',
          aws_region: 'us-east-1',
          user_pool_client_id: 'client123',
          oauth: {
            domain: 'auth.example.com',
            scopes: ['openid', 'email'],
            redirect_sign_in_uri: [`${ORIGIN}/api/auth/sign-in-callback`],
            redirect_sign_out_uri: [`${ORIGIN}/api/auth/sign-out-callback`],
            response_type: 'code',
          },
        },
      },
      ORIGIN,
    );
    expect(authorizationScope(amplify, { ...amplify.endpoints!, scopesSupported: ['openid', 'offline_access'] })).toBe('openid email');
  });

  it('rejects a bad offlineAccess value, and false with offline_access in scopes, naming the field', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ offlineAccess: 'yes' }, /oidc\.offlineAccess.*"auto", true or false/],
      [{ offlineAccess: false, scopes: ['openid', 'offline_access'] }, /oidc\.offlineAccess.*is false but oidc\.scopes lists "offline_access"/],
    ];
    for (const [extra, message] of cases) {
      let error: unknown;
      try {
        oidc(extra as Partial<OidcProviderConfig['oidc']>);
      } catch (e) {
        error = e;
      }
      expect(isAuthError(error, 'InvalidConfig')).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });
});
