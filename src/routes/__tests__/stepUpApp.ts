import { NextRequest } from 'next/server.js';
import { createAuthRuntime } from '../../createServerRunner.js';
import type { AuthRuntime } from '../../context/AuthRuntime.js';
import { createRunWithServerContext } from '../../context/createRunWithServerContext.js';
import { fetchAuthSession } from '../../context/fetchAuthSession.js';
import { requireAuth } from '../../context/requireAuth.js';
import type { RequireAuthOptions } from '../../context/requireAuth.js';
import { CookieJar } from '../../dev-idp/CookieJar.js';
import type { DevIdp } from '../../dev-idp/index.js';
import { isAuthError } from '../../errors/AuthError.js';
import { createAuthGuardFor } from '../../guard/createAuthGuard.js';
import type { AuthGuardOptions } from '../../guard/AuthGuardOptions.js';
import { createAuthRouteHandlersFor } from '../createAuthRouteHandlers.js';
import type { RuntimeOptions } from '../../config/runtimeOptions.js';
import type { AuthConfigInput } from '../../config/types.js';

export const STEP_UP_ORIGIN = 'http://localhost:3000';
export const STEP_UP_SECRET = 'step-up-secret-step-up-secret-0123456789ab';

/**
 * The app of the step-up tests, in process: the auth routes, the guard in
 * front of every other path (as proxy.ts), pages that answer `page <path>`,
 * and `/api/requireAuth?maxAge=&acr=` answering through `requireAuth`
 * (200 with the user, or 401 with the error's challenge). `/api/session`
 * answers the session's ID token claims. Requests reach it from a
 * {@link StepUpBrowser}; IdP URLs go over loopback to the real dev IdP.
 */
export function createStepUpApp(input: { idp: DevIdp; clientId: string; rules: AuthGuardOptions['rules']; config?: Partial<NonNullable<Extract<AuthConfigInput, { oidc: unknown }>['oidc']>>; runtimeOptions?: RuntimeOptions }) {
  const runtime: AuthRuntime = createAuthRuntime(
    { oidc: { issuer: input.idp.issuer, clientId: input.clientId, scopes: ['openid', 'email', 'profile', 'offline_access'], ...input.config } },
    { secret: STEP_UP_SECRET, origin: STEP_UP_ORIGIN, ...input.runtimeOptions },
    {},
  );
  const handlers = createAuthRouteHandlersFor(runtime)({ redirectOnSignInComplete: '/home' });
  const guard = createAuthGuardFor(runtime)({ rules: input.rules });
  const run = createRunWithServerContext(runtime);

  async function page(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const response = new Response(null);
    if (url.pathname === '/api/session') {
      const session = await run({ nextServerContext: { request, response }, operation: (ctx) => fetchAuthSession(ctx, { forceRefresh: url.searchParams.has('refresh') }) });
      return Response.json(session.tokens ? session.tokens.idToken.payload : null, { headers: response.headers });
    }
    if (url.pathname === '/api/requireAuth') {
      const options: RequireAuthOptions = {};
      if (url.searchParams.has('maxAge')) options.maxAge = Number(url.searchParams.get('maxAge'));
      if (url.searchParams.has('acr')) options.acr = url.searchParams.getAll('acr');
      try {
        const user = await run({ nextServerContext: { request, response }, operation: (ctx) => requireAuth(ctx, options) });
        return Response.json(user);
      } catch (err) {
        if (isAuthError(err, 'InsufficientAuthentication')) {
          return Response.json(
            { error: err.code, maxAge: err.maxAge ?? null, acrValues: err.acrValues ?? null },
            { status: 401, headers: { 'www-authenticate': err.wwwAuthenticate!, 'cache-control': 'no-store' } },
          );
        }
        if (isAuthError(err)) return Response.json({ error: err.code }, { status: isAuthError(err, 'UserUnAuthenticated') ? 401 : 500 });
        throw err;
      }
    }
    return new Response(`page ${url.pathname}`);
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const slug = /^\/api\/auth\/([^/]+)$/.exec(url.pathname)?.[1];
    if (slug) return (request.method === 'POST' ? handlers.POST : handlers.GET)(request, { params: Promise.resolve({ slug }) });
    const verdict = await guard(new NextRequest(request.url, { method: request.method, headers: request.headers }));
    if (verdict.headers.get('x-middleware-next') !== '1') return verdict;
    return page(request);
  }
  return { runtime, handle };
}

/** What a navigation went through. */
export interface Navigation {
  url: URL;
  response: Response;
  body: string;
  /** Every URL requested, in order. */
  trail: URL[];
  /** Times the IdP's password form was filled in, and its one-time code form. */
  passwordPrompts: number;
  codePrompts: number;
}

/**
 * A scripted browser: one cookie jar for the in-process app and the dev IdP,
 * following redirects, filling the IdP's password form (`login`) and its
 * second-factor form (with the code from `GET /dev/users/<u>/second-factor-code`).
 * `rewrite` may change any URL before it is requested (an attacker or a
 * proxy editing the authorization request).
 */
export class StepUpBrowser {
  readonly jar = new CookieJar();

  constructor(
    private readonly app: { handle(request: Request): Promise<Response> },
    private readonly idp: DevIdp,
  ) {}

  async fetch(url: URL, init: RequestInit = {}): Promise<Response> {
    if (url.origin !== STEP_UP_ORIGIN) return this.jar.fetch(url, init);
    const headers = new Headers(init.headers);
    const cookie = this.jar.header(url);
    if (cookie) headers.set('cookie', cookie);
    const response = await this.app.handle(new Request(url, { ...init, headers }));
    this.jar.store(url, response.headers.getSetCookie());
    return response;
  }

  async navigate(start: string, options: { login?: { username: string; password: string }; rewrite?: (url: URL) => URL; headers?: Record<string, string> } = {}): Promise<Navigation> {
    let url = new URL(start, STEP_UP_ORIGIN);
    const trail = [url];
    let response = await this.fetch(url, { headers: options.headers ?? {} });
    let passwordPrompts = 0;
    let codePrompts = 0;
    for (let hops = 0; hops < 30; hops++) {
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get('location');
        await response.body?.cancel();
        if (!location) break;
        url = new URL(location, url);
        if (options.rewrite) url = options.rewrite(url);
        trail.push(url);
        response = await this.fetch(url);
        continue;
      }
      const body = await response.text();
      const passwordForm = formAction(body, 'sign-in-form');
      const codeForm = formAction(body, 'second-factor-form');
      if (passwordForm && options.login && passwordPrompts < 3) {
        passwordPrompts++;
        url = new URL(passwordForm, url);
        response = await this.fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(options.login).toString() });
        continue;
      }
      if (codeForm && options.login && codePrompts < 3) {
        codePrompts++;
        const code = await this.secondFactorCode(options.login.username);
        url = new URL(codeForm, url);
        response = await this.fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ code }).toString() });
        continue;
      }
      return { url, response, body, trail, passwordPrompts, codePrompts };
    }
    throw new Error(`too many redirects from ${start}`);
  }

  /** The code the dev IdP waits for, from its test hook. */
  async secondFactorCode(username: string): Promise<string> {
    const response = await fetch(`${this.idp.issuer}/dev/users/${encodeURIComponent(username)}/second-factor-code`);
    const body = (await response.json()) as { code?: string };
    if (!body.code) throw new Error(`no second-factor code for ${username} (${response.status})`);
    return body.code;
  }

  /** The ID token claims of the current session (`null` when signed out). */
  async claims(): Promise<Record<string, unknown> | null> {
    const response = await this.fetch(new URL('/api/session', STEP_UP_ORIGIN));
    return (await response.json()) as Record<string, unknown> | null;
  }
}

function formAction(html: string, id: string): string | undefined {
  return new RegExp(`<form\\b[^>]*\\bid="${id}"[^>]*>`, 'i').exec(html)?.[0]?.match(/\baction="([^"]*)"/i)?.[1]?.replace(/&amp;/g, '&');
}
