// Test setup shared by the refresh tests that sign in through the auth routes
// and then refresh outside them (the guard, server contexts on several
// instances sharing a store).
import { NextRequest } from 'next/server.js';
import { expect } from 'vitest';
import { createRuntimeRefresher } from '../../createServerRunner.js';
import type { DevIdp } from '../../dev-idp/index.js';
import { createAuthGuardFor } from '../../guard/createAuthGuard.js';
import { captureCallback, callRoute } from '../../routes/__tests__/signInFlow.js';
import { createAuthRouteHandlersFor } from '../../routes/createAuthRouteHandlers.js';
import type { AuthRuntime } from '../AuthRuntime.js';
import type { ContextSpec } from '../ContextSpec.js';
import { createRunWithServerContext } from '../createRunWithServerContext.js';
import { sessionValues } from './expiredSession.js';

/** The runtime with a refresher memory of its own, as a separate instance has. */
export function asInstance(runtime: AuthRuntime): AuthRuntime {
  return { ...runtime, refresher: createRuntimeRefresher(runtime, { state: { inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() } }) };
}

/**
 * Signs `login` in through the auth routes and waits until the access token
 * (`accessTtl` seconds) has expired; the callback's response, whose cookies
 * are the expired session.
 */
export async function signInThenExpire(runtime: AuthRuntime, origin: string, login: { username: string; password: string }, accessTtl: number): Promise<Response> {
  const handlers = createAuthRouteHandlersFor(runtime)();
  const { callbackUrl, cookie } = await captureCallback(handlers, origin, login);
  const signedInAt = Date.now();
  const callback = await callRoute(handlers, callbackUrl.href, cookie);
  expect(callback.status).toBe(303);
  const after = signedInAt + accessTtl * 1000 + 1000;
  while (Date.now() < after) await new Promise((resolve) => setTimeout(resolve, after - Date.now()));
  return callback;
}

/**
 * A guarded page request with the expired session `cookie`: it must go on
 * after exactly one refresh_token call and write session cookies.
 */
export async function refreshThroughGuard(runtime: AuthRuntime, idp: DevIdp, origin: string, cookie: string): Promise<{ response: Response; written: string[] }> {
  const guard = createAuthGuardFor(runtime)({ rules: [{ path: '/dashboard' }] });
  idp.resetStats();
  const response = await guard(new NextRequest(`${origin}/dashboard`, { headers: { cookie } }));
  expect(response.headers.get('x-middleware-next')).toBe('1');
  expect(idp.stats().tokenCalls.refresh_token).toBe(1);
  const written = sessionValues(response.headers.getSetCookie());
  expect(written.length).toBeGreaterThan(0);
  return { response, written };
}

/** `operation` in a route handler's server context on `runtime`, for a request carrying `cookie`. */
export function inContext<T>(runtime: AuthRuntime, origin: string, cookie: string, operation: (ctx: ContextSpec) => Promise<T>): Promise<T> {
  return createRunWithServerContext(runtime)({
    nextServerContext: { request: new Request(`${origin}/api/me`, { headers: { cookie } }), response: new Response(null) },
    operation,
  });
}

/** Three concurrent contexts on each instance, all with the same `cookie`: what `operation` returned in each. */
export function onEveryInstance<T>(instances: AuthRuntime[], origin: string, cookie: string, operation: (ctx: ContextSpec) => Promise<T>): Promise<T[]> {
  return Promise.all(instances.flatMap((runtime) => [1, 2, 3].map(() => inContext(runtime, origin, cookie, operation))));
}
