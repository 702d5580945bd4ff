// amplify_outputs.json imported as JSON, the way an app's auth.ts does. With
// `resolveJsonModule` TypeScript widens the file's literals (`"code"` becomes
// `string`, `[]` becomes `never[]`), so this file is as much a type test as a
// runtime one: `npm test`'s type check (tsc over src/**/*.test.ts) fails if
// the public config type stops accepting the widened shape.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import outputs from './__tests__/amplify_outputs.json' with { type: 'json' };
import { createServerRunner } from '../createServerRunner.js';
import type { ServerRunnerInput } from '../createServerRunner.js';
import type { AmplifyOutputs, AuthConfigInput } from './types.js';
import type { RuntimeOptions } from './runtimeOptions.js';
import { AuthError } from '../errors/AuthError.js';
import { BrowserLike } from '../routes/__tests__/browserLike.js';
import { startAuthApp, TEST_CLIENT_ID, TEST_SECRET } from '../routes/__tests__/startAuthApp.js';
import type { AuthApp } from '../routes/__tests__/startAuthApp.js';

const ORIGIN = 'https://app.example.com';

describe('amplify_outputs.json imported as JSON', () => {
  it('type-checks as createServerRunner({ config }) without a cast', () => {
    // The widened literal that used to fail the type check.
    expectTypeOf(outputs.auth.oauth.response_type).toEqualTypeOf<string>();
    expectTypeOf(outputs.auth.mfa_methods).toEqualTypeOf<never[]>();
    expectTypeOf(outputs).toExtend<AmplifyOutputs>();
    expectTypeOf(outputs).toExtend<AuthConfigInput>();
    expectTypeOf(outputs).toExtend<ServerRunnerInput['config']>();

    const runner = createServerRunner({ config: outputs, runtimeOptions: { secret: TEST_SECRET, origin: ORIGIN } });
    expect([typeof runner.runWithServerContext, typeof runner.createAuthRouteHandlers, typeof runner.createAuthGuard]).toEqual(['function', 'function', 'function']);
  });

  it('still refuses, at type level, a config that lacks what the library reads', () => {
    // @ts-expect-error: auth.user_pool_id, auth.aws_region and auth.user_pool_client_id are required
    const missing: AuthConfigInput = { auth: { oauth: outputs.auth.oauth } };
    // @ts-expect-error: scopes must be strings
    const badScopes: AmplifyOutputs = { auth: { ...outputs.auth, oauth: { ...outputs.auth.oauth, scopes: [1] } } };
    expect([missing, badScopes]).toHaveLength(2);
  });

  it('a widened response_type that is not "code" is refused at start-up, naming the field', () => {
    const implicit = { ...outputs, auth: { ...outputs.auth, oauth: { ...outputs.auth.oauth, response_type: 'token' } } };
    let error: unknown;
    try {
      createServerRunner({ config: implicit, runtimeOptions: { secret: TEST_SECRET, origin: ORIGIN } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('InvalidConfig');
    expect((error as AuthError).message).toBe('Invalid auth config: auth.oauth.response_type must be "code" (got "token")');
  });

  it('runtimeOptions.cognito.userPoolEndpoint takes a JSON-imported config too', () => {
    const runtimeOptions: RuntimeOptions = { secret: TEST_SECRET, origin: ORIGIN, cognito: { userPoolEndpoint: 'http://127.0.0.1:3200' } };
    expect(() => createServerRunner({ config: outputs, runtimeOptions })).not.toThrow();
  });
});

describe.each(['app', 'pages'] as const)('a JSON-imported amplify_outputs.json pointed at the dev IdP with userPoolEndpoint (%s router)', (adapter) => {
  let app: AuthApp;
  beforeAll(async () => {
    app = await startAuthApp({
      adapter,
      runner: (idp, origin) => ({
        // What an app does for local development: the real outputs, with this
        // app's callback URLs (the dev IdP registers exactly these) and the
        // dev IdP's client.
        config: {
          ...outputs,
          auth: {
            ...outputs.auth,
            user_pool_client_id: TEST_CLIENT_ID,
            oauth: {
              ...outputs.auth.oauth,
              redirect_sign_in_uri: [`${origin}/api/auth/sign-in-callback`],
              redirect_sign_out_uri: [`${origin}/api/auth/sign-out-callback`],
              // The dev IdP serves these; Cognito's `phone` scope it does not know.
              scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
            },
          },
        },
        runtimeOptions: { secret: TEST_SECRET, origin, cognito: { userPoolEndpoint: idp.issuer } },
      }),
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('signs alice in at the local endpoint and reads her session', async () => {
    const browser = new BrowserLike(app.origin);
    const signedIn = await browser.navigate('/api/auth/sign-in?returnTo=/me', { username: 'alice@example.com', password: 'alice-password' });
    expect(signedIn.response.status).toBe(200);
    expect(JSON.parse(signedIn.body)).toMatchObject({ username: 'alice@example.com', email: 'alice@example.com', groups: ['ADMINS'] });
    const authorize = signedIn.trail.find((u) => u.origin === app.idp.issuer);
    expect(authorize?.pathname).toBe('/oauth2/authorize');
    expect(signedIn.trail.every((u) => u.origin === app.origin || u.origin === app.idp.issuer)).toBe(true);
    expect(app.statuses).not.toContain(500);
  });
});
