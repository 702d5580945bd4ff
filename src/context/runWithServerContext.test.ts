import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { RequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { NextRequest, NextResponse } from 'next/server.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthRuntime } from '../createServerRunner.js';
import { startDevIdp, signInWithPassword } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { isAuthError } from '../errors/AuthError.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { AuthRuntime } from './AuthRuntime.js';
import type { ContextSpec } from './ContextSpec.js';
import { liveContextCount } from './contextRegistry.js';
import { createRunWithServerContext } from './createRunWithServerContext.js';
import type { RunWithServerContext } from './createRunWithServerContext.js';
import { fetchAuthSession } from './fetchAuthSession.js';
import { fetchUserAttributes } from './fetchUserAttributes.js';
import { getCurrentUser } from './getCurrentUser.js';
import { sealedCookieHeader } from './__tests__/sealedCookieHeader.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'integration-client';
const SECRET = 'integration-secret-integration-secret-0123456789';

let idp: DevIdp;
let runtime: AuthRuntime;
let run: RunWithServerContext;
let alice: TokenSet;
let bob: TokenSet;
let aliceCookie: string;
let bobCookie: string;

async function tokensFor(username: string, password: string): Promise<TokenSet> {
  const t = await signInWithPassword({ issuer: idp.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/api/auth/sign-in-callback`, username, password });
  return { idToken: t.idToken, accessToken: t.accessToken, ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}) };
}

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/api/auth/sign-out-callback`] }],
  });
  runtime = createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } }, { secret: SECRET, origin: ORIGIN }, {});
  run = createRunWithServerContext(runtime);
  [alice, bob] = await Promise.all([tokensFor('alice@example.com', 'alice-password'), tokensFor('bob@example.com', 'bob-password')]);
  [aliceCookie, bobCookie] = await Promise.all([sealedCookieHeader(runtime, alice), sealedCookieHeader(runtime, bob)]);
});

afterAll(async () => {
  await idp?.close();
});

/** What the app would print for the user: identity, groups and userinfo attributes. */
async function describeUser(ctx: ContextSpec) {
  const user = await getCurrentUser(ctx);
  const session = await fetchAuthSession(ctx);
  const attributes = await fetchUserAttributes(ctx);
  return {
    username: user.username,
    userId: user.userId,
    userSub: session.userSub,
    groups: session.tokens?.idToken.payload['cognito:groups'] ?? [],
    email: attributes.email,
    name: attributes.name,
  };
}

function nextCookies(header: string) {
  return async () => RequestCookiesAdapter.seal(new RequestCookies(new Headers({ cookie: header })));
}

describe('runWithServerContext reads a real session through every Next.js context', () => {
  let expected: Awaited<ReturnType<typeof describeUser>>;
  beforeAll(() => {
    const sub = JSON.parse(Buffer.from(alice.idToken.split('.')[1]!, 'base64url').toString()).sub as string;
    expected = { username: 'alice@example.com', userId: sub, userSub: sub, groups: ['ADMINS'], email: 'alice@example.com', name: 'Alice Example' };
  });

  it('{ cookies } — server components, server actions, route handlers', async () => {
    expect(await run({ nextServerContext: { cookies: nextCookies(aliceCookie) }, operation: describeUser })).toEqual(expected);
  });

  it('{ request: NextRequest, response: NextResponse } — middleware / proxy', async () => {
    const request = new NextRequest(`${ORIGIN}/dashboard`, { headers: { cookie: aliceCookie } });
    expect(await run({ nextServerContext: { request, response: NextResponse.next() }, operation: describeUser })).toEqual(expected);
  });

  it('{ request: Request, response: Response } — App Router route handlers', async () => {
    const request = new Request(`${ORIGIN}/api/me`, { headers: { cookie: aliceCookie } });
    expect(await run({ nextServerContext: { request, response: new Response(null) }, operation: describeUser })).toEqual(expected);
  });

  it('{ request: IncomingMessage, response: ServerResponse } — Pages Router', async () => {
    const server = createServer((req, res) => {
      run({ nextServerContext: { request: req, response: res }, operation: describeUser }).then(
        (user) => res.end(JSON.stringify(user)),
        (err: unknown) => {
          res.statusCode = 500;
          res.end(String(err));
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/legacy`, { headers: { cookie: aliceCookie } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(expected);
    } finally {
      server.close();
    }
  });

  it('bob has no groups', async () => {
    const user = await run({ nextServerContext: { cookies: nextCookies(bobCookie) }, operation: describeUser });
    expect(user.username).toBe('bob@example.com');
    expect(user.groups).toEqual([]);
    expect(user.name).toBe('Bob Example');
  });

  it('null is a signed-out context', async () => {
    const session = await run({ nextServerContext: null, operation: (ctx) => fetchAuthSession(ctx) });
    expect(session).toEqual({});
    const err = await run({ nextServerContext: null, operation: (ctx) => getCurrentUser(ctx) }).catch((e: unknown) => e);
    expect(isAuthError(err, 'UserUnAuthenticated')).toBe(true);
  });
});

describe('secret rotation', () => {
  it('a map of secrets unseals cookies sealed with an older secret and seals with the highest id', async () => {
    const config = { oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' as const } };
    const OLD = 'old-secret-old-secret-old-secret-old-secret';
    const NEW = 'new-secret-new-secret-new-secret-new-secret';
    const before = createAuthRuntime(config, { secret: OLD, origin: ORIGIN }, {});
    const during = createAuthRuntime(config, { secret: { 1: OLD, 2: NEW }, origin: ORIGIN }, {});
    const after = createAuthRuntime(config, { secret: { 2: NEW }, origin: ORIGIN }, {});
    const read = (rt: AuthRuntime, cookie: string) =>
      createRunWithServerContext(rt)({ nextServerContext: { cookies: nextCookies(cookie) }, operation: (ctx) => fetchAuthSession(ctx) });

    const oldCookie = await sealedCookieHeader(before, alice);
    expect((await read(during, oldCookie)).userSub).toBeDefined();
    expect(await read(after, oldCookie)).toEqual({});
    const newCookie = await sealedCookieHeader(during, alice);
    expect(newCookie).toMatch(/^nsa\.session=Fe26\.2\*2\*/); // sealed with id 2
    expect((await read(after, newCookie)).userSub).toBeDefined();
  });
});

describe('context handles', () => {
  it('cannot be used after their operation settled', async () => {
    const leaked = await run({ nextServerContext: { cookies: nextCookies(aliceCookie) }, operation: (ctx) => ctx });
    const err = await fetchAuthSession(leaked).catch((e: unknown) => e);
    expect(isAuthError(err, 'ContextDestroyed')).toBe(true);
    const err2 = await getCurrentUser(leaked).catch((e: unknown) => e);
    expect(isAuthError(err2, 'ContextDestroyed')).toBe(true);
  });

  it('are destroyed when the operation throws', async () => {
    let leaked: ContextSpec | undefined;
    const before = liveContextCount();
    await expect(
      run({
        nextServerContext: null,
        operation: (ctx) => {
          leaked = ctx;
          throw new Error('boom');
        },
      }),
    ).rejects.toThrow('boom');
    expect(liveContextCount()).toBe(before);
    expect(isAuthError(await fetchAuthSession(leaked!).catch((e: unknown) => e), 'ContextDestroyed')).toBe(true);
  });

  it('isolate 1,000 interleaved concurrent requests of two users', async () => {
    const before = liveContextCount();
    const aliceSub = JSON.parse(Buffer.from(alice.idToken.split('.')[1]!, 'base64url').toString()).sub as string;
    const bobSub = JSON.parse(Buffer.from(bob.idToken.split('.')[1]!, 'base64url').toString()).sub as string;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const who = i % 2 === 0 ? 'alice' : 'bob';
        const header = who === 'alice' ? aliceCookie : bobCookie;
        const shapes = [
          () => ({ cookies: nextCookies(header) }),
          () => ({ request: new NextRequest(`${ORIGIN}/x`, { headers: { cookie: header } }), response: NextResponse.next() }),
          () => ({ request: new Request(`${ORIGIN}/x`, { headers: { cookie: header } }), response: new Response(null) }),
        ];
        return run({
          nextServerContext: shapes[i % 3]!(),
          operation: async (ctx) => {
            peak = Math.max(peak, liveContextCount() - before);
            await sleep(i % 7); // interleave: other requests run between the two reads
            const first = await getCurrentUser(ctx);
            await sleep((i * 13) % 5);
            const session = await fetchAuthSession(ctx);
            return { who, username: first.username, sub: session.userSub, accessSub: session.tokens?.accessToken.payload.sub };
          },
        });
      }),
    );
    for (const r of results) {
      const sub = r.who === 'alice' ? aliceSub : bobSub;
      expect(r).toEqual({ who: r.who, username: `${r.who}@example.com`, sub, accessSub: sub });
    }
    expect(peak).toBeGreaterThan(100); // they really overlapped
    expect(liveContextCount()).toBe(before);
  });
});
