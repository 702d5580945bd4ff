import { NextResponse } from 'next/server.js';
import type { NextRequest } from 'next/server.js';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { groupsOf } from '../context/groupsOf.js';
import { isBackgroundFetch } from '../context/isBackgroundFetch.js';
import { isPrefetchRequest } from '../context/isPrefetchRequest.js';
import { readSession } from '../context/readSession.js';
import { runInContext } from '../context/runInContext.js';
import type { AuthGuardOptions } from './AuthGuardOptions.js';
import { isAuthError } from '../errors/AuthError.js';
import { compileRules } from './compileRules.js';
import { combineRequirements } from '../oauth/combineRequirements.js';
import { setAuthenticationParams } from '../oauth/setAuthenticationParams.js';
import { unmetAuthentication } from '../oauth/unmetAuthentication.js';
import { requirementsOf } from './requirementsOf.js';
import { decidePath } from './decidePath.js';
import { ambiguousPathDenial, forbiddenPage, jsonDenial, signInRedirect, stepUpDenial, unavailable } from './denyResponse.js';
import { forwardResponse } from './forwardResponse.js';

/** A `middleware.ts` / `proxy.ts` function; pass the app's own response second to compose. */
export type AuthGuard = (request: NextRequest, upstream?: unknown) => Promise<Response>;

/** Binds `createAuthGuard` to a runtime. */
export function createAuthGuardFor(runtime: AuthRuntime) {
  /**
   * Route protection for `proxy.ts` (Next 16, Node) and `middleware.ts`
   * (edge). Signed-out page requests are redirected to sign-in with
   * `returnTo`; API routes and server actions get 401/403 JSON; prefetches
   * never start a sign-in. Rules see the path Next routes (percent-decoded,
   * canonical); a path that reads more than one way under a protected rule is
   * refused (400 page, 401 JSON). Rules with `maxAge` / `acr` ask for step-up
   * (RFC 9470): pages go through sign-in with `max_age` / `acr_values` and
   * come back, API requests get a 401 `insufficient_user_authentication` challenge.
   *
   * @example
   * ```ts
   * // proxy.ts
   * import { createAuthGuard } from './auth';
   * export const proxy = createAuthGuard({
   *   rules: [{ path: '/dashboard' }, { path: '/admin', groups: ['ADMINS'] }, { path: '/api/me' }, { path: '/admin/billing', maxAge: 300, acr: 'mfa' }],
   * });
   * export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'] };
   * ```
   */
  return function createAuthGuard(options: AuthGuardOptions): AuthGuard {
    const signInPath = options.signInPath ?? runtime.options.signInPath;
    const apiPrefixes = options.apiPrefixes ?? ['/api/'];
    const rules = compileRules(options.rules);
    const requirements = requirementsOf(rules, runtime.config.flavor);
    const { origin } = runtime.options;

    return async function guard(request, upstream) {
      const base = upstream instanceof Response ? upstream : undefined;
      const { pathname, search } = request.nextUrl;
      const decision = decidePath(rules, pathname);
      const scratch = NextResponse.next();
      const written = scratch.headers;

      if (decision.kind === 'open') {
        // Nothing to enforce, but a due session is still refreshed here: the
        // proxy is the one place that can both store the new cookie and hand it
        // to this request's server components, which could otherwise only
        // refresh for their own render.
        await runInContext(runtime, { request, response: scratch }, (_spec, state) => readSession(state)).catch(() => undefined);
        return forwardResponse(request, written, base);
      }

      // Any reading of the path under an API prefix is an API request (decided on the decoded path too).
      const api = request.headers.has('next-action') || [pathname, ...decision.spellings].some((path) => apiPrefixes.some((p) => path.startsWith(p)));
      if (decision.kind === 'ambiguous') return ambiguousPathDenial(api);
      let session;
      try {
        session = await runInContext(runtime, { request, response: scratch }, (_spec, state) => readSession(state));
      } catch (err) {
        // The session needed a refresh and the IdP is down: keep the cookies, ask to retry.
        if (isAuthError(err, 'IdpUnavailable') || isAuthError(err, 'DiscoveryFailed')) return unavailable(api);
        // Server-side sessions with the store down: not knowing is not "signed out". Keep the cookies.
        if (isAuthError(err, 'StoreUnavailable')) return unavailable(api, 'store');
        throw err;
      }

      if (session === undefined) {
        if (api) return jsonDenial(401, written);
        // Next strips its router headers (and `_rsc`) before middleware runs, so
        // a router fetch is told by `Sec-Fetch-Dest`: not a document. A 204 makes a
        // prefetch a no-op and a client-side navigation fall back to a document
        // request, which is redirected below.
        if (isPrefetchRequest(request.headers) || isBackgroundFetch(request.headers)) {
          return new NextResponse(null, { status: 204, headers: { 'cache-control': 'private, no-store' } });
        }
        const signIn = new URL(signInPath, origin);
        signIn.searchParams.set('returnTo', `${pathname}${search}`);
        // A step-up page: ask for it in this one sign-in rather than a second one on return.
        setAuthenticationParams(signIn.searchParams, combineRequirements(decision.rules.map((rule) => requirements.get(rule))) ?? undefined);
        return signInRedirect(signIn, written);
      }
      // Usually one rule; when the raw and the decoded path match different rules, each must be satisfied.
      for (const rule of decision.rules) {
        if (rule.groups && rule.groups.length > 0 && !rule.groups.some((g) => groupsOf(session, runtime.config.groupsClaim).includes(g))) {
          return api ? jsonDenial(403, written) : forbiddenPage(request, options.forbidden, written);
        }
      }
      // Step-up (RFC 9470): recent enough (`maxAge`) and of an accepted class (`acr`)?
      const required = combineRequirements(decision.rules.map((rule) => requirements.get(rule)));
      // Two rules whose acr lists share no value: no sign-in can satisfy both.
      if (required === null) return api ? jsonDenial(403, written) : forbiddenPage(request, options.forbidden, written);
      const unmet = required && unmetAuthentication(session.idToken.payload, required, Date.now(), runtime.options.tokens.clockSkew);
      if (required && unmet) {
        if (api) return stepUpDenial(required, unmet, written);
        if (isPrefetchRequest(request.headers) || isBackgroundFetch(request.headers)) {
          return new NextResponse(null, { status: 204, headers: { 'cache-control': 'private, no-store' } });
        }
        // Through sign-in with max_age / acr_values and back here; the callback checks the new ID token.
        const signIn = new URL(signInPath, origin);
        signIn.searchParams.set('returnTo', `${pathname}${search}`);
        setAuthenticationParams(signIn.searchParams, required);
        return signInRedirect(signIn, written);
      }
      return forwardResponse(request, written, base);
    };
  };
}
