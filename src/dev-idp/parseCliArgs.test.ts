import { describe, expect, it } from 'vitest';

import { CliUsageError, parseCliArgs } from './parseCliArgs.js';

describe('parseCliArgs', () => {
  it('gives no options by default', () => {
    expect(parseCliArgs([], {})).toEqual({ help: false, options: {} });
  });

  it('reads every flag', () => {
    const { options } = parseCliArgs(
      [
        '--port', '0', '--host', '::1', '--users', 'users.json', '--mode', 'oidc', '--state', 'state.json',
        '--client-id', 'app', '--redirect-uri', 'http://localhost:4000/cb', '--redirect-uri', 'http://localhost:4001/cb',
        '--logout-uri', 'http://localhost:4000/out', '--access-token-ttl', '5', '--no-rotate',
      ],
      {},
    );
    expect(options).toEqual({
      port: 0,
      host: '::1',
      users: 'users.json',
      mode: 'oidc',
      stateFile: 'state.json',
      accessTokenTtl: 5,
      rotateRefreshToken: false,
      clients: [
        {
          clientId: 'app',
          redirectUris: ['http://localhost:4000/cb', 'http://localhost:4001/cb'],
          postLogoutRedirectUris: ['http://localhost:4000/out'],
        },
      ],
    });
  });

  it('falls back to DEV_IDP_* environment variables, flags win', () => {
    const env = {
      DEV_IDP_PORT: '3300',
      DEV_IDP_ACCESS_TOKEN_TTL: '5',
      DEV_IDP_MODE: 'oidc',
      DEV_IDP_USERS: 'u.json',
      DEV_IDP_STATE: 's.json',
    };
    expect(parseCliArgs([], env).options).toEqual({ port: 3300, accessTokenTtl: 5, mode: 'oidc', users: 'u.json', stateFile: 's.json' });
    expect(parseCliArgs(['--port', '4000', '--access-token-ttl', '60'], env).options).toMatchObject({ port: 4000, accessTokenTtl: 60 });
  });

  it('keeps the default client URIs when only the client id changes', () => {
    expect(parseCliArgs(['--client-id', 'other'], {}).options.clients).toEqual([
      {
        clientId: 'other',
        redirectUris: ['http://localhost:3000/api/auth/sign-in-callback'],
        postLogoutRedirectUris: ['http://localhost:3000/api/auth/sign-out-callback'],
      },
    ]);
  });

  it.each([
    [['--bogus']],
    [['--port', 'abc']],
    [['--port', '70000']],
    [['--mode', 'saml']],
    [['--access-token-ttl', '0']],
    [['--redirect-uri', 'not a url']],
    [['--signing-alg', 'HS256']],
    [['positional']],
  ])('throws a usage error for %j', (argv) => {
    expect(() => parseCliArgs(argv, {})).toThrow(CliUsageError);
  });

  it('names the environment variable when it is the bad value', () => {
    expect(() => parseCliArgs([], { DEV_IDP_ACCESS_TOKEN_TTL: 'soon' })).toThrow(/DEV_IDP_ACCESS_TOKEN_TTL/);
  });

  it('takes the signing algorithm from --signing-alg or DEV_IDP_SIGNING_ALG', () => {
    expect(parseCliArgs(['--signing-alg', 'ES256'], {}).options).toEqual({ signingAlg: 'ES256' });
    expect(parseCliArgs([], { DEV_IDP_SIGNING_ALG: 'EdDSA' }).options).toEqual({ signingAlg: 'EdDSA' });
  });

  it('--app-origin registers the app as client local-app with the library\'s callback and back-channel logout URIs', () => {
    expect(parseCliArgs(['--app-origin', 'http://localhost:3000'], {})).toEqual({
      help: false,
      appOrigin: 'http://localhost:3000',
      options: {
        clients: [
          {
            clientId: 'local-app',
            redirectUris: ['http://localhost:3000/api/auth/sign-in-callback'],
            postLogoutRedirectUris: ['http://localhost:3000/api/auth/sign-out-callback', 'http://localhost:3000/'],
            backchannelLogoutUri: 'http://localhost:3000/api/auth/backchannel-logout',
          },
        ],
      },
    });
  });

  it('--backchannel-logout-uri overrides the --app-origin default, and an empty one turns it off', () => {
    const other = parseCliArgs(['--app-origin', 'http://localhost:3000', '--backchannel-logout-uri', 'http://127.0.0.1:3000/bcl'], {});
    expect(other.options.clients?.[0]?.backchannelLogoutUri).toBe('http://127.0.0.1:3000/bcl');
    const off = parseCliArgs(['--app-origin', 'http://localhost:3000', '--backchannel-logout-uri', ''], {});
    expect(off.options.clients?.[0]?.backchannelLogoutUri).toBe(false);
  });

  it('--backchannel-logout-uri without --app-origin applies to the CLI\'s client', () => {
    expect(parseCliArgs(['--backchannel-logout-uri', 'http://localhost:3000/api/auth/backchannel-logout'], {}).options).toEqual({
      backchannelLogoutUri: 'http://localhost:3000/api/auth/backchannel-logout',
    });
    expect(() => parseCliArgs(['--backchannel-logout-uri', 'not a url'], {})).toThrow(/--backchannel-logout-uri: not an absolute URL/);
  });

  it('--app-origin takes --client-id, adds extra --redirect-uri / --logout-uri, and normalises the origin', () => {
    const parsed = parseCliArgs(
      ['--app-origin', 'HTTP://LocalHost:4000/', '--client-id', 'shop', '--redirect-uri', 'http://127.0.0.1:4000/api/auth/sign-in-callback', '--logout-uri', 'http://localhost:4000/'],
      {},
    );
    expect(parsed.appOrigin).toBe('http://localhost:4000');
    expect(parsed.options.clients).toEqual([
      {
        clientId: 'shop',
        redirectUris: ['http://localhost:4000/api/auth/sign-in-callback', 'http://127.0.0.1:4000/api/auth/sign-in-callback'],
        postLogoutRedirectUris: ['http://localhost:4000/api/auth/sign-out-callback', 'http://localhost:4000/'],
        backchannelLogoutUri: 'http://localhost:4000/api/auth/backchannel-logout',
      },
    ]);
  });

  it('--app-origin is a flag only: DEV_IDP_APP_ORIGIN in the environment changes nothing', () => {
    expect(parseCliArgs([], { DEV_IDP_APP_ORIGIN: 'http://localhost:3001' })).toEqual({ help: false, options: {} });
  });

  it.each([
    ['localhost:3000', /--app-origin must be an http\(s\) origin such as http:\/\/localhost:3000, got "localhost:3000"/],
    ['ftp://localhost:3000', /--app-origin must be an http\(s\) origin/],
    ['not a url', /--app-origin must be an http\(s\) origin/],
    ['http://localhost:3000/app', /--app-origin must be an origin only .* e\.g\. http:\/\/localhost:3000/],
    ['http://localhost:3000/?x=1', /--app-origin must be an origin only/],
    ['http://user:pw@localhost:3000', /--app-origin must be an origin only/],
  ])('--app-origin %j is a usage error naming the flag', (origin, message) => {
    expect(() => parseCliArgs(['--app-origin', origin], {})).toThrow(CliUsageError);
    expect(() => parseCliArgs(['--app-origin', origin], {})).toThrow(message);
  });

  it('--identity-pool and --identity-pool-guests set the identity pool the IdP answers for', () => {
    const id = 'eu-west-1:11111111-2222-4333-8444-555555555555';
    expect(parseCliArgs(['--identity-pool', id], {}).options).toEqual({ identityPool: { id } });
    expect(parseCliArgs(['--identity-pool', id, '--identity-pool-guests'], {}).options).toEqual({ identityPool: { id, allowGuests: true } });
    // Guests without an id: any well-formed pool id, guests allowed.
    expect(parseCliArgs(['--identity-pool-guests'], {}).options).toEqual({ identityPool: { allowGuests: true } });
  });

  it('falls back to DEV_IDP_IDENTITY_POOL and DEV_IDP_IDENTITY_POOL_GUESTS=1, the flag wins', () => {
    const env = { DEV_IDP_IDENTITY_POOL: 'us-east-1:00000000-0000-4000-8000-000000000000', DEV_IDP_IDENTITY_POOL_GUESTS: '1' };
    expect(parseCliArgs([], env).options).toEqual({ identityPool: { id: 'us-east-1:00000000-0000-4000-8000-000000000000', allowGuests: true } });
    const id = 'us-west-2:11111111-2222-4333-8444-555555555555';
    expect(parseCliArgs(['--identity-pool', id], env).options).toEqual({ identityPool: { id, allowGuests: true } });
    // Empty or 0 means unset / off.
    expect(parseCliArgs([], { DEV_IDP_IDENTITY_POOL: '', DEV_IDP_IDENTITY_POOL_GUESTS: '0' }).options).toEqual({});
  });

  it.each([
    [['--identity-pool', 'not-a-pool'], {}, /--identity-pool must look like "<region>:<uuid>"/],
    [['--identity-pool', 'us-east-1_DevPool01'], {}, /--identity-pool must look like/],
    [[], { DEV_IDP_IDENTITY_POOL: 'pool' }, /DEV_IDP_IDENTITY_POOL must look like/],
    [[], { DEV_IDP_IDENTITY_POOL_GUESTS: 'yes' }, /DEV_IDP_IDENTITY_POOL_GUESTS must be 1 or 0, got "yes"/],
  ])('a malformed identity pool %j %j is a usage error naming the flag or variable', (argv, env, message) => {
    expect(() => parseCliArgs(argv, env)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv, env)).toThrow(message);
  });

  it('--client-id is repeatable: more clients with the same URIs (an Amplify page beside the app, say)', () => {
    const uris = ['--redirect-uri', 'http://localhost:3000/cb', '--logout-uri', 'http://localhost:3000/out'];
    expect(parseCliArgs(['--client-id', 'app', '--client-id', 'amplifyexample', ...uris], {}).options.clients).toEqual([
      { clientId: 'app', redirectUris: ['http://localhost:3000/cb'], postLogoutRedirectUris: ['http://localhost:3000/out'] },
      { clientId: 'amplifyexample', redirectUris: ['http://localhost:3000/cb'], postLogoutRedirectUris: ['http://localhost:3000/out'] },
    ]);
    const withOrigin = parseCliArgs(['--app-origin', 'http://localhost:3000', '--client-id', 'shop', '--client-id', 'shopamplify'], {}).options.clients;
    expect(withOrigin?.map((c) => c.clientId)).toEqual(['shop', 'shopamplify']);
    expect(withOrigin?.[1]).toEqual({ ...withOrigin?.[0], clientId: 'shopamplify' });
    expect(() => parseCliArgs(['--client-id', 'app', '--client-id', 'app'], {})).toThrow(/--client-id: the same client id twice/);
  });

  it('recognises --help', () => {
    expect(parseCliArgs(['-h'], {}).help).toBe(true);
  });
});
