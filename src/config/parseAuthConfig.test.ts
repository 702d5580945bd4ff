import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/AuthError.js';
import { parseAuthConfig } from './parseAuthConfig.js';
import type { AmplifyOutputs } from './types.js';

const ORIGIN = 'https://app.example.com';

/** The shape `npx ampx generate outputs` writes for a user pool with a hosted UI. */
const outputs: AmplifyOutputs = {
  version: '1.4',
  auth: {
    user_pool_id: 'eu-west-1_AbC123xYz',
    aws_region: 'eu-west-1',
    user_pool_client_id: '3n4b5urk1ft4fl3mg5e62d9ado',
    identity_pool_id: 'eu-west-1:11111111-2222-3333-4444-555555555555',
    mfa_methods: [],
    standard_required_attributes: ['email'],
    username_attributes: ['email'],
    user_verification_types: ['email'],
    groups: [{ ADMINS: { precedence: 0 } }],
    oauth: {
      identity_providers: ['GOOGLE', 'SignInWithApple'],
      domain: 'my-app.auth.eu-west-1.amazoncognito.com',
      scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
      redirect_sign_in_uri: ['http://localhost:3000/api/auth/sign-in-callback', 'https://app.example.com/api/auth/sign-in-callback'],
      redirect_sign_out_uri: ['http://localhost:3000/api/auth/sign-out-callback', 'https://app.example.com/api/auth/sign-out-callback'],
      response_type: 'code',
    },
  },
};

function withAuth(patch: Record<string, unknown>): AmplifyOutputs {
  return { ...outputs, auth: { ...outputs.auth, ...patch } } as AmplifyOutputs;
}
function withOauth(patch: Record<string, unknown>): AmplifyOutputs {
  return withAuth({ oauth: { ...outputs.auth.oauth, ...patch } });
}
function errorOf(fn: () => unknown): AuthError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AuthError) return err;
    throw err;
  }
  throw new Error('expected an AuthError');
}

describe('amplify_outputs.json', () => {
  it('maps to the exact Cognito issuer and hosted-UI endpoints', () => {
    const config = parseAuthConfig(outputs, ORIGIN);
    expect(config).toEqual({
      flavor: 'cognito',
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xYz',
      clientId: '3n4b5urk1ft4fl3mg5e62d9ado',
      scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
      redirectSignIn: 'https://app.example.com/api/auth/sign-in-callback',
      redirectSignOut: 'https://app.example.com/api/auth/sign-out-callback',
      identityProviders: ['GOOGLE', 'SignInWithApple'],
      groupsClaim: 'cognito:groups',
      accessTokenAudience: [],
      endpoints: {
        authorization: 'https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
        token: 'https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/token',
        revocation: 'https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/revoke',
        userinfo: 'https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/userInfo',
        cognitoLogout: 'https://my-app.auth.eu-west-1.amazoncognito.com/logout',
        signUp: 'https://my-app.auth.eu-west-1.amazoncognito.com/signup',
        jwks: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xYz/.well-known/jwks.json',
      },
      identityPool: {
        id: 'eu-west-1:11111111-2222-3333-4444-555555555555',
        region: 'eu-west-1',
        allowGuests: false,
        providerName: 'cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xYz',
      },
      userPoolId: 'eu-west-1_AbC123xYz',
      authFlow: 'USER_SRP_AUTH',
    });
  });

  it('picks the redirect URIs served by the configured origin', () => {
    const config = parseAuthConfig(outputs, 'http://localhost:3000');
    expect(config.redirectSignIn).toBe('http://localhost:3000/api/auth/sign-in-callback');
    expect(config.redirectSignOut).toBe('http://localhost:3000/api/auth/sign-out-callback');
  });

  it.each([
    ['auth', { ...outputs, auth: undefined }],
    ['auth.aws_region', withAuth({ aws_region: undefined })],
    ['auth.aws_region', withAuth({ aws_region: 'Europe' })],
    ['auth.user_pool_id', withAuth({ user_pool_id: undefined })],
    ['auth.user_pool_id', withAuth({ user_pool_id: 'us-east-1_AbC123xYz' })],
    ['auth.user_pool_client_id', withAuth({ user_pool_client_id: '' })],
    ['auth.user_pool_client_id', withAuth({ user_pool_client_id: 'abc/def' })],
    ['auth.oauth', withAuth({ oauth: undefined })],
    ['auth.oauth.domain', withOauth({ domain: undefined })],
    ['auth.oauth.domain', withOauth({ domain: 'https://my-app.auth.eu-west-1.amazoncognito.com' })],
    ['auth.oauth.scopes', withOauth({ scopes: 'openid' })],
    ['auth.oauth.scopes', withOauth({ scopes: ['email'] })],
    ['auth.oauth.response_type', withOauth({ response_type: 'token' })],
    ['auth.oauth.identity_providers', withOauth({ identity_providers: [42] })],
    ['auth.oauth.redirect_sign_in_uri', withOauth({ redirect_sign_in_uri: [] })],
    ['auth.oauth.redirect_sign_in_uri[0]', withOauth({ redirect_sign_in_uri: ['/api/auth/sign-in-callback'] })],
    ['auth.oauth.redirect_sign_out_uri', withOauth({ redirect_sign_out_uri: undefined })],
    ['auth.oauth.redirect_sign_out_uri[1]', withOauth({ redirect_sign_out_uri: ['https://a.example/x', 'javascript:alert(1)'] })],
  ])('names %s when it is missing or invalid', (field, input) => {
    const err = errorOf(() => parseAuthConfig(input as AmplifyOutputs, ORIGIN));
    expect(err.code).toBe('InvalidConfig');
    expect(err.message).toMatch(new RegExp(`^Invalid auth config: ${field.replace(/[[\].]/g, '\\$&')} `));
  });
});

describe('{ oidc }', () => {
  it('validates and applies defaults derived from the origin', () => {
    const config = parseAuthConfig({ oidc: { issuer: 'https://id.example.org/realms/app', clientId: 'web' } }, ORIGIN);
    expect(config).toEqual({
      flavor: 'generic',
      issuer: 'https://id.example.org/realms/app',
      clientId: 'web',
      scopes: ['openid', 'email', 'profile'],
      offlineAccess: 'auto',
      redirectSignIn: 'https://app.example.com/api/auth/sign-in-callback',
      redirectSignOut: 'https://app.example.com/api/auth/sign-out-callback',
      identityProviders: [],
      groupsClaim: 'groups',
      accessTokenAudience: [],
    });
  });

  it('recognises a Cognito issuer', () => {
    const config = parseAuthConfig({ oidc: { issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc', clientId: 'x' } }, ORIGIN);
    expect(config.flavor).toBe('cognito');
    expect(config.groupsClaim).toBe('cognito:groups');
  });

  it('allows plain http only on loopback', () => {
    expect(parseAuthConfig({ oidc: { issuer: 'http://127.0.0.1:3200', clientId: 'x' } }, ORIGIN).issuer).toBe('http://127.0.0.1:3200');
    const err = errorOf(() => parseAuthConfig({ oidc: { issuer: 'http://idp.example.org', clientId: 'x' } }, ORIGIN));
    expect(err.message).toMatch(/^Invalid auth config: oidc\.issuer /);
  });

  it.each([
    ['oidc.issuer', { clientId: 'x' }],
    ['oidc.issuer', { issuer: 'not a url', clientId: 'x' }],
    ['oidc.clientId', { issuer: 'https://id.example.org' }],
    ['oidc.clientSecret', { issuer: 'https://id.example.org', clientId: 'x', clientSecret: '' }],
    ['oidc.scopes', { issuer: 'https://id.example.org', clientId: 'x', scopes: ['email'] }],
    ['oidc.flavor', { issuer: 'https://id.example.org', clientId: 'x', flavor: 'okta' }],
    ['oidc.groupsClaim', { issuer: 'https://id.example.org', clientId: 'x', groupsClaim: '' }],
    ['oidc.redirectSignIn[0]', { issuer: 'https://id.example.org', clientId: 'x', redirectSignIn: 'relative/path' }],
  ])('names %s when it is missing or invalid', (field, oidc) => {
    const err = errorOf(() => parseAuthConfig({ oidc } as never, ORIGIN));
    expect(err.code).toBe('InvalidConfig');
    expect(err.message).toMatch(new RegExp(`^Invalid auth config: ${field.replace(/[[\].]/g, '\\$&')} `));
  });

  it('rejects a config that is neither shape', () => {
    expect(errorOf(() => parseAuthConfig({} as never, ORIGIN)).message).toMatch(/^Invalid auth config: config /);
  });
});

describe('runtimeOptions.cognito.userPoolEndpoint (a local Cognito-compatible server)', () => {
  it('puts the issuer, JWKS and every hosted-UI endpoint under the endpoint', () => {
    const config = parseAuthConfig(outputs, ORIGIN, { userPoolEndpoint: 'http://127.0.0.1:3200/' });
    expect(config.issuer).toBe('http://127.0.0.1:3200');
    expect(config.endpoints).toEqual({
      authorization: 'http://127.0.0.1:3200/oauth2/authorize',
      token: 'http://127.0.0.1:3200/oauth2/token',
      revocation: 'http://127.0.0.1:3200/oauth2/revoke',
      userinfo: 'http://127.0.0.1:3200/oauth2/userInfo',
      cognitoLogout: 'http://127.0.0.1:3200/logout',
      signUp: 'http://127.0.0.1:3200/signup',
      jwks: 'http://127.0.0.1:3200/.well-known/jwks.json',
    });
    // Everything else still comes from the outputs.
    expect(config).toMatchObject({ flavor: 'cognito', clientId: '3n4b5urk1ft4fl3mg5e62d9ado', groupsClaim: 'cognito:groups' });
    expect(parseAuthConfig(outputs, ORIGIN, { userPoolEndpoint: 'https://cognito.test/pool-1' }).endpoints?.token).toBe('https://cognito.test/pool-1/oauth2/token');
    expect(parseAuthConfig(outputs, ORIGIN, {}).issuer).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xYz');
  });

  it.each([
    ['plain http to a remote host', 'http://cognito.example.com'],
    ['not a URL', 'localhost:3200'],
    ['a query', 'http://127.0.0.1:3200/?x=1'],
    ['credentials', 'https://user:pw@cognito.test'],
    ['a non-string', 3200],
  ])('refuses %s, naming the field', (_, value) => {
    const error = errorOf(() => parseAuthConfig(outputs, ORIGIN, { userPoolEndpoint: value as string }));
    expect(error.code).toBe('InvalidConfig');
    expect(error.message).toContain('runtimeOptions.cognito.userPoolEndpoint');
  });

  it('is refused beside an { oidc } config, which names its own issuer', () => {
    const error = errorOf(() => parseAuthConfig({ oidc: { issuer: 'https://id.example.com', clientId: 'c' } }, ORIGIN, { userPoolEndpoint: 'http://127.0.0.1:3200' }));
    expect(error.message).toContain('runtimeOptions.cognito.userPoolEndpoint');
  });
});

describe('runtimeOptions.cognito: authFlow and userPoolId (cognito.signIn)', () => {
  const devIdp = { oidc: { issuer: 'http://127.0.0.1:3200', clientId: 'x', flavor: 'cognito' as const } };
  it('USER_SRP_AUTH by default; the pool id comes from the outputs, the Cognito issuer, or the option for a local issuer', () => {
    expect(parseAuthConfig({ oidc: { issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc', clientId: 'x' } }, ORIGIN)).toMatchObject({
      authFlow: 'USER_SRP_AUTH',
      userPoolId: 'us-east-1_abc',
    });
    expect(parseAuthConfig(devIdp, ORIGIN).userPoolId).toBeUndefined();
    expect(parseAuthConfig(devIdp, ORIGIN, { userPoolId: 'us-east-1_DevPool01', authFlow: 'USER_PASSWORD_AUTH' })).toMatchObject({
      authFlow: 'USER_PASSWORD_AUTH',
      userPoolId: 'us-east-1_DevPool01',
    });
    const generic = parseAuthConfig({ oidc: { issuer: 'https://id.example.org', clientId: 'x' } }, ORIGIN, { authFlow: 'USER_PASSWORD_AUTH' });
    expect(generic.authFlow).toBeUndefined();
  });

  it.each([
    ['runtimeOptions.cognito.authFlow', { authFlow: 'CUSTOM_AUTH' }],
    ['runtimeOptions.cognito.userPoolId', { userPoolId: 'DevPool01' }],
    ['runtimeOptions.cognito.userPoolId', { userPoolId: 'eu-west-1_Other' }],
  ])('names %s when it is invalid or contradicts the config', (field, cognito) => {
    const err = errorOf(() => parseAuthConfig(outputs, ORIGIN, cognito as never));
    expect(err.code).toBe('InvalidConfig');
    expect(err.message).toMatch(new RegExp(`^Invalid auth config: ${field.replace(/[[\].]/g, '\\$&')} `));
  });
});
