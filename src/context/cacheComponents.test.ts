// The session read under Next's Cache Components, driven through Next's own
// request-scope stores (work/work-unit async storage) and its real
// `cookies()` / `connection()`: what Next does when a server component reads
// the session inside a prerender or inside a cache scope.
// First: what `next start` sets up before anything else (AsyncLocalStorage on globalThis).
import 'next/dist/server/node-environment-baseline.js';
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { workAsyncStorage } from 'next/dist/server/app-render/work-async-storage.external.js';
import { workUnitAsyncStorage } from 'next/dist/server/app-render/work-unit-async-storage.external.js';
import { RequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { cookies } from 'next/headers.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthRuntime } from '../createServerRunner.js';
import { signInWithPassword, startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { AuthError, isAuthError } from '../errors/AuthError.js';
import { createRunWithServerContext } from './createRunWithServerContext.js';
import type { RunWithServerContext } from './createRunWithServerContext.js';
import { fetchAuthSession } from './fetchAuthSession.js';
import { sealedCookieHeader } from './__tests__/sealedCookieHeader.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'cache-components-client';
const SECRET = 'cache-components-secret-cache-components-0123456789';

let idp: DevIdp;
let run: RunWithServerContext;
let aliceCookie: string;

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/api/auth/sign-out-callback`] }],
  });
  const runtime = createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } }, { secret: SECRET, origin: ORIGIN }, {});
  run = createRunWithServerContext(runtime);
  const t = await signInWithPassword({ issuer: idp.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/api/auth/sign-in-callback`, username: 'alice@example.com', password: 'alice-password' });
  aliceCookie = await sealedCookieHeader(runtime, { idToken: t.idToken, accessToken: t.accessToken, ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}) });
});

afterAll(async () => {
  await idp?.close();
});

const sealedCookies = (header: string) => RequestCookiesAdapter.seal(new RequestCookies(new Headers({ cookie: header })));

// The parts of Next's stores that cookies() and connection() look at.
const workStore = { route: '/dashboard', forceStatic: false, dynamicShouldError: false } as never;
function inScope<T>(workUnitStore: Record<string, unknown>, fn: () => T): T {
  return workAsyncStorage.run(workStore, () => workUnitAsyncStorage.run({ phase: 'render', ...workUnitStore } as never, fn));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('reading the session inside a cache scope fails with AuthError CachedScope', () => {
  it("inside 'use cache': Next's cookies() refusal becomes CachedScope, saying to pass the user id as a cache key", async () => {
    const err = await rejection(inScope({ type: 'cache' }, () => run({ nextServerContext: { cookies }, operation: (ctx) => fetchAuthSession(ctx) })));
    expect(isAuthError(err, 'CachedScope')).toBe(true);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toMatch(/can't be read inside 'use cache'/);
    expect((err as Error).message).toMatch(/user id/);
    expect(String(((err as Error).cause as Error).message)).toContain('`cookies()` can\'t be read inside `"use cache"`');
  });

  it('inside unstable_cache: CachedScope', async () => {
    const err = await rejection(inScope({ type: 'unstable-cache' }, () => run({ nextServerContext: { cookies }, operation: (ctx) => fetchAuthSession(ctx) })));
    expect(isAuthError(err, 'CachedScope')).toBe(true);
    expect(String(((err as Error).cause as Error).message)).toContain('unstable_cache()');
  });

  it("inside 'use cache: private' (where cookies() answers): connection() refuses, CachedScope", async () => {
    const operation = vi.fn((ctx) => fetchAuthSession(ctx));
    const err = await rejection(
      inScope({ type: 'private-cache', cookies: sealedCookies(aliceCookie) }, () => run({ nextServerContext: { cookies }, operation })),
    );
    expect(isAuthError(err, 'CachedScope')).toBe(true);
    expect(String(((err as Error).cause as Error).message)).toContain('"use cache: private"');
    expect(operation).not.toHaveBeenCalled();
  });

  it("Next 15's wording of the refusal is recognised too", async () => {
    const next15 = new Error(
      'Route /dashboard used "cookies" inside "use cache". Accessing Dynamic data sources inside a cache scope is not supported. If you need this data inside a cached function use "cookies" outside of the cached function and pass the required dynamic data in as an argument. See more info here: https://nextjs.org/docs/messages/next-request-in-use-cache',
    );
    const err = await rejection(
      run({
        nextServerContext: {
          cookies: () => {
            throw next15;
          },
        },
        operation: (ctx) => fetchAuthSession(ctx),
      }),
    );
    expect(isAuthError(err, 'CachedScope')).toBe(true);
    expect((err as Error).cause).toBe(next15);
  });

  it('any other cookies() failure is rethrown unchanged', async () => {
    const other = new Error('cookies was called outside a request scope');
    const err = await rejection(
      run({
        nextServerContext: {
          cookies: () => {
            throw other;
          },
        },
        operation: (ctx) => fetchAuthSession(ctx),
      }),
    );
    expect(err).toBe(other);
  });
});

describe('Cache Components prerender: no clock before connection()', () => {
  it('a runtime prefetch render (cookies resolve, connection hangs) reads no clock and no random bytes: the read waits for the request', async () => {
    const controller = new AbortController();
    const operation = vi.fn((ctx) => fetchAuthSession(ctx));
    const clock = vi.spyOn(Date, 'now');
    const random = vi.spyOn(globalThis.crypto, 'getRandomValues');
    try {
      const read = inScope({ type: 'prerender-runtime', renderSignal: controller.signal }, () =>
        run({ nextServerContext: { cookies: async () => sealedCookies(aliceCookie) }, operation }),
      );
      const settled = vi.fn();
      read.then(settled, settled);
      // Let every microtask and a macrotask turn pass: a read that did not wait
      // for connection() would have unsealed the cookie and checked its expiry.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(clock).not.toHaveBeenCalled();
      expect(random).not.toHaveBeenCalled();
      expect(operation).not.toHaveBeenCalled();
      expect(settled).not.toHaveBeenCalled();
      controller.abort();
      // Next ends the prerender: the hanging read rejects with Next's own error.
      await expect(read).rejects.toThrow();
      expect(operation).not.toHaveBeenCalled();
    } finally {
      clock.mockRestore();
      random.mockRestore();
    }
  });

  it('outside any Next request (a plain cookies function) the read runs at once', async () => {
    const session = await run({ nextServerContext: { cookies: async () => sealedCookies(aliceCookie) }, operation: (ctx) => fetchAuthSession(ctx) });
    expect(session.tokens?.idToken.payload.email).toBe('alice@example.com');
  });
});
