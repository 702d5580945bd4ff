import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { parseAuthConfig } from '../config/parseAuthConfig.js';
import type { AuthEndpoints } from '../config/types.js';
import { createAuthorizationRequest } from './createAuthorizationRequest.js';

const ORIGIN = 'https://app.example.com';
const cognito = parseAuthConfig(
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
const generic = parseAuthConfig({ oidc: { issuer: 'https://id.example.org', clientId: 'web' } }, ORIGIN);
const genericEndpoints: AuthEndpoints = { authorization: 'https://id.example.org/authorize', token: 'https://id.example.org/token', jwks: 'https://id.example.org/jwks' };

describe('createAuthorizationRequest', () => {
  it('asks for the code flow with PKCE S256, a state and a nonce, bound to the transaction', async () => {
    const { url, transaction } = await createAuthorizationRequest(cognito, cognito.endpoints!, { returnTo: `${ORIGIN}/x` });
    const p = url.searchParams;
    expect(`${url.origin}${url.pathname}`).toBe('https://auth.example.com/oauth2/authorize');
    expect(Object.fromEntries([...p].filter(([k]) => ['response_type', 'client_id', 'redirect_uri', 'scope', 'code_challenge_method'].includes(k)))).toEqual({
      response_type: 'code',
      client_id: 'client123',
      redirect_uri: `${ORIGIN}/api/auth/sign-in-callback`,
      scope: 'openid email',
      code_challenge_method: 'S256',
    });
    expect(p.get('state')).toBe(transaction.state);
    expect(p.get('nonce')).toBe(transaction.nonce);
    expect(p.get('code_challenge')).toBe(await oauth.calculatePKCECodeChallenge(transaction.codeVerifier));
    expect(transaction.returnTo).toBe(`${ORIGIN}/x`);
    const other = await createAuthorizationRequest(cognito, cognito.endpoints!, { returnTo: '/' });
    expect(other.transaction.state).not.toBe(transaction.state);
  });

  it.each([
    ['google', 'Google'],
    ['Facebook', 'Facebook'],
    ['amazon', 'LoginWithAmazon'],
    ['apple', 'SignInWithApple'],
    ['AcmeSAML', 'AcmeSAML'],
    ['bad name!', null],
  ])('maps ?provider=%s to Cognito identity_provider %s', async (provider, expected) => {
    const { url } = await createAuthorizationRequest(cognito, cognito.endpoints!, { returnTo: '/', provider });
    expect(url.searchParams.get('identity_provider')).toBe(expected);
  });

  it('passes ?lang= as Cognito lang or OIDC ui_locales, and drops malformed values', async () => {
    expect((await createAuthorizationRequest(cognito, cognito.endpoints!, { returnTo: '/', lang: 'fr' })).url.searchParams.get('lang')).toBe('fr');
    const oidc = (await createAuthorizationRequest(generic, genericEndpoints, { returnTo: '/', lang: 'pt-BR', provider: 'google' })).url.searchParams;
    expect(oidc.get('ui_locales')).toBe('pt-BR');
    expect(oidc.get('identity_provider')).toBeNull();
    expect((await createAuthorizationRequest(cognito, cognito.endpoints!, { returnTo: '/', lang: 'fr"><x' })).url.searchParams.get('lang')).toBeNull();
  });

  it('sign-up: Cognito /signup with the same parameters, else prompt=create', async () => {
    const c = await createAuthorizationRequest(cognito, cognito.endpoints!, { returnTo: '/', signUp: true });
    expect(`${c.url.origin}${c.url.pathname}`).toBe('https://auth.example.com/signup');
    expect(c.url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(c.url.searchParams.get('prompt')).toBeNull();
    const g = await createAuthorizationRequest(generic, genericEndpoints, { returnTo: '/', signUp: true });
    expect(`${g.url.origin}${g.url.pathname}`).toBe('https://id.example.org/authorize');
    expect(g.url.searchParams.get('prompt')).toBe('create');
  });

  it('re-authentication: prompt=login (Cognito) or prompt=login + max_age=0 (generic OIDC), marked in the transaction; never by default', async () => {
    const c = await createAuthorizationRequest(cognito, cognito.endpoints!, { returnTo: '/x', reauthenticate: true });
    expect(c.url.searchParams.get('prompt')).toBe('login');
    expect(c.url.searchParams.has('max_age')).toBe(false);
    expect(c.transaction.reauthenticate).toBe(true);
    expect(c.transaction.returnTo).toBe('/x');
    const g = await createAuthorizationRequest(generic, genericEndpoints, { returnTo: '/', reauthenticate: true });
    expect(g.url.searchParams.get('prompt')).toBe('login');
    expect(g.url.searchParams.get('max_age')).toBe('0');
    expect(g.transaction.reauthenticate).toBe(true);
    for (const [config, endpoints] of [[cognito, cognito.endpoints!], [generic, genericEndpoints]] as const) {
      const plain = await createAuthorizationRequest(config, endpoints, { returnTo: '/' });
      expect(plain.url.searchParams.has('prompt')).toBe(false);
      expect(plain.url.searchParams.has('max_age')).toBe(false);
      expect('reauthenticate' in plain.transaction).toBe(false);
    }
  });
});
