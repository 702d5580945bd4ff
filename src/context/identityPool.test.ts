import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AmplifyOutputs } from '../config/types.js';
import { createAuthRuntime } from '../createServerRunner.js';
import { DEFAULT_IDENTITY_POOL_ID, signInWithPassword, startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import type { AuthError} from '../errors/AuthError.js';
import { isAuthError } from '../errors/AuthError.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { AuthRuntime } from './AuthRuntime.js';
import { createIdentityCredentials } from './createIdentityCredentials.js';
import { createRunWithServerContext } from './createRunWithServerContext.js';
import { fetchAuthSession } from './fetchAuthSession.js';
import { sealedCookieHeader } from './__tests__/sealedCookieHeader.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'identityclient';
const SECRET = 'identity-secret-identity-secret-identity-secret-01';
const USER_POOL_ID = 'us-east-1_DevPool01';
const PROVIDER = `cognito-idp.us-east-1.amazonaws.com/${USER_POOL_ID}`;
const GUEST_POOL_ID = 'us-east-1:11111111-2222-4333-8444-555555555555';

function outputs(identity: { identity_pool_id?: string; unauthenticated_identities_enabled?: boolean } = {}): AmplifyOutputs {
  return {
    version: '1.4',
    auth: {
      user_pool_id: USER_POOL_ID,
      aws_region: 'us-east-1',
      user_pool_client_id: CLIENT_ID,
      ...identity,
      oauth: {
        domain: 'my-app.auth.us-east-1.amazoncognito.com',
        scopes: ['openid', 'email', 'profile'],
        redirect_sign_in_uri: [`${ORIGIN}/api/auth/sign-in-callback`],
        redirect_sign_out_uri: [`${ORIGIN}/api/auth/sign-out-callback`],
        response_type: 'code',
      },
    },
  };
}

let idp: DevIdp;
let guestIdp: DevIdp;

function runtimeFor(target: DevIdp, identity: Parameters<typeof outputs>[0]): AuthRuntime {
  return createAuthRuntime(outputs(identity), { secret: SECRET, origin: ORIGIN, cognito: { userPoolEndpoint: target.issuer } }, {});
}

async function signIn(target: DevIdp, username: string, password: string): Promise<TokenSet> {
  const t = await signInWithPassword({ issuer: target.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/cb`, username, password });
  return { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken! };
}

async function session(runtime: AuthRuntime, cookie: string | undefined, forceRefresh = false) {
  return createRunWithServerContext(runtime)({
    nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: cookie ? { cookie } : {} }), response: new Response() },
    operation: (ctx) => fetchAuthSession(ctx, { forceRefresh }),
  });
}

const clients = () => [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/cb`], postLogoutRedirectUris: [] }];

beforeAll(async () => {
  idp = await startDevIdp({ port: 0, quiet: true, clients: clients() });
  guestIdp = await startDevIdp({ port: 0, quiet: true, clients: clients(), identityPool: { id: GUEST_POOL_ID, allowGuests: true } });
});
afterAll(async () => {
  await idp?.close();
  await guestIdp?.close();
});
beforeEach(() => {
  idp.resetStats();
  guestIdp.resetStats();
});

describe('config: identity_pool_id in amplify_outputs.json', () => {
  it('parses identity_pool_id, guests and the endpoint (identityPoolEndpoint, else userPoolEndpoint)', () => {
    const runtime = runtimeFor(idp, { identity_pool_id: DEFAULT_IDENTITY_POOL_ID, unauthenticated_identities_enabled: true });
    expect(runtime.config.identityPool).toEqual({ id: DEFAULT_IDENTITY_POOL_ID, region: 'us-east-1', allowGuests: true, providerName: PROVIDER, endpoint: idp.issuer });
    const explicit = createAuthRuntime(outputs({ identity_pool_id: DEFAULT_IDENTITY_POOL_ID }), { secret: SECRET, origin: ORIGIN, cognito: { identityPoolEndpoint: 'http://127.0.0.1:9/' } }, {});
    expect(explicit.config.identityPool).toEqual({ id: DEFAULT_IDENTITY_POOL_ID, region: 'us-east-1', allowGuests: false, providerName: PROVIDER, endpoint: 'http://127.0.0.1:9' });
    expect(createAuthRuntime(outputs(), { secret: SECRET, origin: ORIGIN }, {}).config.identityPool).toBeUndefined();
    const off = createAuthRuntime(outputs({ identity_pool_id: DEFAULT_IDENTITY_POOL_ID }), { secret: SECRET, origin: ORIGIN, cognito: { identityPoolCredentials: false } }, {});
    expect(off.config.identityPool).toBeUndefined();
    expect(() =>
      createAuthRuntime(outputs({ identity_pool_id: DEFAULT_IDENTITY_POOL_ID }), { secret: SECRET, origin: ORIGIN, cognito: { identityPoolCredentials: 'no' as unknown as boolean } }, {}),
    ).toThrow(expect.objectContaining({ code: 'InvalidConfig', message: expect.stringContaining('identityPoolCredentials') }));
  });

  it.each([
    [{ identity_pool_id: 'not-a-pool' }, 'auth.identity_pool_id'],
    [{ identity_pool_id: '' }, 'auth.identity_pool_id'],
    [{ identity_pool_id: DEFAULT_IDENTITY_POOL_ID, unauthenticated_identities_enabled: 'yes' as unknown as boolean }, 'auth.unauthenticated_identities_enabled'],
  ])('refuses a malformed identity pool config %j naming the field', (identity, field) => {
    expect(() => runtimeFor(idp, identity)).toThrow(expect.objectContaining({ code: 'InvalidConfig', message: expect.stringContaining(field) }));
  });

  it('refuses a plain-http identityPoolEndpoint off loopback', () => {
    expect(() => createAuthRuntime(outputs({ identity_pool_id: DEFAULT_IDENTITY_POOL_ID }), { secret: SECRET, origin: ORIGIN, cognito: { identityPoolEndpoint: 'http://example.com' } }, {})).toThrow(
      expect.objectContaining({ code: 'InvalidConfig', message: expect.stringContaining('identityPoolEndpoint') }),
    );
  });
});

describe('fetchAuthSession with an identity pool (dev IdP, real SDK client)', () => {
  it('returns credentials and an identityId for the signed-in user, the same identityId after a refresh', async () => {
    const runtime = runtimeFor(idp, { identity_pool_id: DEFAULT_IDENTITY_POOL_ID });
    const cookie = await sealedCookieHeader(runtime, await signIn(idp, 'alice@example.com', 'alice-password'));
    const first = await session(runtime, cookie);
    expect(first.userSub).toBeTypeOf('string');
    expect(first.identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect(first.credentials).toEqual({
      accessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/),
      secretAccessKey: expect.any(String),
      sessionToken: expect.any(String),
      expiration: expect.any(Date),
    });
    expect(first.credentials!.expiration.getTime()).toBeGreaterThan(Date.now() + 3000_000);
    idp.resetStats();
    const refreshed = await session(runtime, cookie, true);
    expect(idp.stats().tokenCalls.refresh_token).toBe(1);
    expect(refreshed.identityId).toBe(first.identityId);
    // A new runner (nothing cached) gets the same identity from the pool: stable per user.
    const other = await session(runtimeFor(idp, { identity_pool_id: DEFAULT_IDENTITY_POOL_ID }), cookie);
    expect(other.identityId).toBe(first.identityId);
  });

  it('two concurrent fetchAuthSession calls make one GetCredentialsForIdentity; later calls hit the cache', async () => {
    const runtime = runtimeFor(idp, { identity_pool_id: DEFAULT_IDENTITY_POOL_ID });
    const cookie = await sealedCookieHeader(runtime, await signIn(idp, 'bob@example.com', 'bob-password'));
    idp.resetStats();
    const [a, b] = await Promise.all([session(runtime, cookie), session(runtime, cookie)]);
    expect(a.credentials).toEqual(b.credentials);
    expect(idp.stats().identityCalls).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });
    const c = await session(runtime, cookie);
    expect(c.credentials).toEqual(a.credentials);
    expect(idp.stats().identityCalls).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });
  });

  it('two users never share credentials or identities', async () => {
    const runtime = runtimeFor(idp, { identity_pool_id: DEFAULT_IDENTITY_POOL_ID });
    const alice = await sealedCookieHeader(runtime, await signIn(idp, 'alice@example.com', 'alice-password'));
    const bob = await sealedCookieHeader(runtime, await signIn(idp, 'bob@example.com', 'bob-password'));
    const [a, b] = await Promise.all([session(runtime, alice), session(runtime, bob)]);
    expect(a.userSub).not.toBe(b.userSub);
    expect(a.identityId).not.toBe(b.identityId);
    expect(a.credentials!.accessKeyId).not.toBe(b.credentials!.accessKeyId);
    expect(a.credentials!.sessionToken).not.toBe(b.credentials!.sessionToken);
  });

  it('signed out with guests allowed: guest credentials and a guest identityId, no tokens', async () => {
    const runtime = runtimeFor(guestIdp, { identity_pool_id: GUEST_POOL_ID, unauthenticated_identities_enabled: true });
    const guest = await session(runtime, undefined);
    expect(guest.tokens).toBeUndefined();
    expect(guest.userSub).toBeUndefined();
    expect(guest.identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect(guest.credentials?.accessKeyId).toMatch(/^ASIA/);
    // Guests share one identity per runner (one role for all of them): cached, not one identity per request.
    expect((await session(runtime, undefined)).identityId).toBe(guest.identityId);
    expect(guestIdp.stats().identityCalls).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });
  });

  it('signed out, guests allowed by the config but refused by the pool: plainly signed out ({}), no error', async () => {
    const runtime = runtimeFor(idp, { identity_pool_id: DEFAULT_IDENTITY_POOL_ID, unauthenticated_identities_enabled: true });
    expect(await session(runtime, undefined)).toEqual({});
    expect(idp.stats().identityCalls).toEqual({ GetId: 1, GetCredentialsForIdentity: 0 });
  });

  it('signed out with guests off: no credentials field, no error, no call', async () => {
    const runtime = runtimeFor(idp, { identity_pool_id: DEFAULT_IDENTITY_POOL_ID });
    expect(await session(runtime, undefined)).toEqual({});
    expect(idp.stats().identityCalls).toEqual({ GetId: 0, GetCredentialsForIdentity: 0 });
  });

  it('without an identity pool fetchAuthSession is unchanged: tokens and userSub only, no identity call', async () => {
    const runtime = runtimeFor(idp, {});
    const cookie = await sealedCookieHeader(runtime, await signIn(idp, 'alice@example.com', 'alice-password'));
    const result = await session(runtime, cookie);
    expect(Object.keys(result).sort()).toEqual(['tokens', 'userSub']);
    expect(await session(runtime, undefined)).toEqual({});
    expect(idp.stats().identityCalls).toEqual({ GetId: 0, GetCredentialsForIdentity: 0 });
  });

  it('identity service down: AuthError IdpUnavailable with no token in the message', async () => {
    const down = await startDevIdp({ port: 0, quiet: true, clients: clients() });
    const runtime = createAuthRuntime(
      outputs({ identity_pool_id: DEFAULT_IDENTITY_POOL_ID }),
      { secret: SECRET, origin: ORIGIN, cognito: { userPoolEndpoint: idp.issuer, identityPoolEndpoint: down.issuer } },
      {},
    );
    await down.close();
    const tokens = await signIn(idp, 'alice@example.com', 'alice-password');
    const error: unknown = await session(runtime, await sealedCookieHeader(runtime, tokens)).catch((e: unknown) => e);
    expect(isAuthError(error, 'IdpUnavailable')).toBe(true);
    expect((error as AuthError).message).not.toContain(tokens.idToken);
    expect((error as AuthError).message).not.toContain(tokens.idToken.split('.')[1]!);
  });

  it('an identity pool id the service does not know: AuthError InvalidConfig, not a 500 stack or a token', async () => {
    const runtime = runtimeFor(guestIdp, { identity_pool_id: DEFAULT_IDENTITY_POOL_ID });
    const tokens = await signIn(guestIdp, 'alice@example.com', 'alice-password');
    const error: unknown = await session(runtime, await sealedCookieHeader(runtime, tokens)).catch((e: unknown) => e);
    expect(isAuthError(error, 'InvalidConfig')).toBe(true);
    expect((error as AuthError).message).not.toContain(tokens.idToken.split('.')[1]!);
  });
});

describe('credentials cache (createIdentityCredentials, injected clock)', () => {
  it('hits the cache until shortly before expiry, then fetches new credentials for the same identity', async () => {
    let now = Date.now();
    const pool = runtimeFor(idp, { identity_pool_id: DEFAULT_IDENTITY_POOL_ID }).config.identityPool!;
    const identities = createIdentityCredentials(pool, { now: () => now, refreshBeforeSeconds: 300 });
    const tokens = await signIn(idp, 'alice@example.com', 'alice-password');
    const sub = JSON.parse(Buffer.from(tokens.idToken.split('.')[1]!, 'base64url').toString()).sub as string;
    const first = (await identities.get({ sub, idToken: tokens.idToken }))!;
    now = first.credentials.expiration.getTime() - 301_000;
    expect(await identities.get({ sub, idToken: tokens.idToken })).toBe(first);
    expect(idp.stats().identityCalls.GetCredentialsForIdentity).toBe(1);
    now = first.credentials.expiration.getTime() - 299_000;
    const second = (await identities.get({ sub, idToken: tokens.idToken }))!;
    expect(second.credentials.accessKeyId).not.toBe(first.credentials.accessKeyId);
    expect(second.identityId).toBe(first.identityId);
    // The identityId is remembered per user: no second GetId.
    expect(idp.stats().identityCalls).toEqual({ GetId: 1, GetCredentialsForIdentity: 2 });
  });
});

describe('identity forgotten by the service', () => {
  it('an identityId the pool no longer knows (local service restarted) is looked up again with GetId, not an error', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'nsa-identity-')), 'idp.json');
    const first = await startDevIdp({ port: 0, quiet: true, clients: clients(), stateFile });
    let now = Date.now();
    const pool = runtimeFor(first, { identity_pool_id: DEFAULT_IDENTITY_POOL_ID }).config.identityPool!;
    const identities = createIdentityCredentials(pool, { now: () => now });
    const tokens = await signIn(first, 'alice@example.com', 'alice-password');
    const sub = JSON.parse(Buffer.from(tokens.idToken.split('.')[1]!, 'base64url').toString()).sub as string;
    const before = (await identities.get({ sub, idToken: tokens.idToken }))!;
    await first.close();
    // Same port and keys: the same issuer, so the ID token stays valid; its identities are gone.
    const second = await startDevIdp({ port: first.port, quiet: true, clients: clients(), stateFile });
    try {
      now = before.credentials.expiration.getTime();
      const after = (await identities.get({ sub, idToken: tokens.idToken }))!;
      expect(after.identityId).not.toBe(before.identityId);
      expect(second.stats().identityCalls).toEqual({ GetId: 1, GetCredentialsForIdentity: 2 });
    } finally {
      await second.close();
    }
  });
});

describe('dev IdP Cognito Identity (real SDK client, no adapter)', () => {
  const sdk = (target: DevIdp) => new CognitoIdentityClient({ region: 'us-east-1', endpoint: target.issuer, maxAttempts: 1 });
  const nameOf = (e: unknown) => (e instanceof Error ? e.name : String(e));

  it('ID token of another IdP (forged login) is refused: NotAuthorizedException, at GetId and GetCredentialsForIdentity', async () => {
    const other = await startDevIdp({ port: 0, quiet: true, clients: clients() });
    try {
      const foreign = await signIn(other, 'alice@example.com', 'alice-password');
      const own = await signIn(idp, 'alice@example.com', 'alice-password');
      const client = sdk(idp);
      await expect(client.send(new GetIdCommand({ IdentityPoolId: DEFAULT_IDENTITY_POOL_ID, Logins: { [PROVIDER]: foreign.idToken } }))).rejects.toMatchObject({
        name: 'NotAuthorizedException',
      });
      const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: DEFAULT_IDENTITY_POOL_ID, Logins: { [PROVIDER]: own.idToken } }));
      const error = await client.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [PROVIDER]: foreign.idToken } })).catch((e: unknown) => e);
      expect(nameOf(error)).toBe('NotAuthorizedException');
      expect((error as Error).message).not.toContain(foreign.idToken.split('.')[1]!);
    } finally {
      await other.close();
    }
  });

  it("another user's ID token cannot get credentials for a user's identity (Logins don't match)", async () => {
    const client = sdk(idp);
    const alice = await signIn(idp, 'alice@example.com', 'alice-password');
    const bob = await signIn(idp, 'bob@example.com', 'bob-password');
    const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: DEFAULT_IDENTITY_POOL_ID, Logins: { [PROVIDER]: alice.idToken } }));
    await expect(client.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [PROVIDER]: bob.idToken } }))).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    // Without any login, an authenticated identity is not a guest.
    await expect(client.send(new GetCredentialsForIdentityCommand({ IdentityId }))).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('an access token or a tampered ID token as the login is refused', async () => {
    const client = sdk(idp);
    const alice = await signIn(idp, 'alice@example.com', 'alice-password');
    const [h, p, s] = alice.idToken.split('.');
    const tampered = `${h}.${p!.slice(0, -2)}AA.${s}`;
    for (const login of [alice.accessToken, tampered, 'not-a-jwt']) {
      await expect(client.send(new GetIdCommand({ IdentityPoolId: DEFAULT_IDENTITY_POOL_ID, Logins: { [PROVIDER]: login } }))).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    }
  });

  it('expired ID token is refused', async () => {
    const shortLived = await startDevIdp({ port: 0, quiet: true, clients: clients(), idTokenTtl: 1 });
    try {
      const tokens = await signIn(shortLived, 'alice@example.com', 'alice-password');
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const error = await sdk(shortLived)
        .send(new GetIdCommand({ IdentityPoolId: DEFAULT_IDENTITY_POOL_ID, Logins: { [PROVIDER]: tokens.idToken } }))
        .catch((e: unknown) => e);
      expect(nameOf(error)).toBe('NotAuthorizedException');
      expect((error as Error).message).toContain('expired');
    } finally {
      await shortLived.close();
    }
  });

  it('guests when guest access is off, unknown pool, malformed pool id and unknown identity get Cognito errors', async () => {
    const client = sdk(idp);
    await expect(client.send(new GetIdCommand({ IdentityPoolId: DEFAULT_IDENTITY_POOL_ID }))).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(sdk(guestIdp).send(new GetIdCommand({ IdentityPoolId: DEFAULT_IDENTITY_POOL_ID }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(client.send(new GetIdCommand({ IdentityPoolId: 'nope' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(client.send(new GetCredentialsForIdentityCommand({ IdentityId: 'us-east-1:00000000-0000-4000-8000-0000000000ff' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('each guest GetId gives a new identity; a user always gets the same one', async () => {
    const client = sdk(guestIdp);
    const a = await client.send(new GetIdCommand({ IdentityPoolId: GUEST_POOL_ID }));
    const b = await client.send(new GetIdCommand({ IdentityPoolId: GUEST_POOL_ID }));
    expect(a.IdentityId).not.toBe(b.IdentityId);
    const alice = await signIn(guestIdp, 'alice@example.com', 'alice-password');
    const again = await signIn(guestIdp, 'alice@example.com', 'alice-password');
    const u1 = await client.send(new GetIdCommand({ IdentityPoolId: GUEST_POOL_ID, Logins: { [PROVIDER]: alice.idToken } }));
    const u2 = await client.send(new GetIdCommand({ IdentityPoolId: GUEST_POOL_ID, Logins: { [PROVIDER]: again.idToken } }));
    expect(u1.IdentityId).toBe(u2.IdentityId);
    const guestCredentials = await client.send(new GetCredentialsForIdentityCommand({ IdentityId: a.IdentityId }));
    expect(guestCredentials.Credentials?.Expiration).toBeInstanceOf(Date);
  });
});
