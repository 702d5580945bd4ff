import type { NextRequest } from 'next/server';
import { createAuthGuard as createAmplifyGuard } from './amplify-auth';
import { createAuthGuard } from './auth';

// Shown (with status 403) to a signed-in user without the ADMINS group.
const FORBIDDEN = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Forbidden · Acme Notes</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body style="margin:0;font-family:system-ui,sans-serif;background:#f5f7fb;color:#1d2330">
<header style="padding:.75rem 1.5rem;background:#fff;border-bottom:1px solid #dde2ec"><a href="/" style="font-weight:700;color:#3b5bdb;text-decoration:none">Acme Notes</a></header>
<main style="max-width:48rem;margin:2rem auto;padding:0 1rem"><section style="background:#fff;border:1px solid #dde2ec;border-radius:10px;padding:1.5rem 2rem">
<h1 data-testid="forbidden">403 — Forbidden</h1><p>Your account is not in the ADMINS group. Ask an administrator for access.</p>
<p><a href="/dashboard" style="color:#3b5bdb">Back to your dashboard</a></p></section></main></body></html>`;

const appGuard = createAuthGuard({
  // Rules see the path as Next routes it (percent-decoded, canonical); a path
  // that reads two ways under a rule is refused.
  rules: [
    { path: '/dashboard' },
    { path: '/admin', groups: ['ADMINS'] },
    { path: '/api/me' },
    { path: '/sessions' },
    { path: '/client' },
    { path: /^\/reports\/\d+$/ }, // a dynamic segment: app/reports/[id]
  ],
  forbidden: () => new Response(FORBIDDEN, { headers: { 'content-type': 'text/html; charset=utf-8' } }),
});

// /amplify keeps its session in Amplify's own cookies (amplify-auth.ts), so
// its pages go through that runner's guard, which also refreshes those
// cookies when the access token is due. /amplify itself is public (it hosts
// the sign-in form); /amplify/private needs a signed-in user.
const amplifyGuard = createAmplifyGuard({ rules: [{ path: '/amplify/private' }] });

// Decided on the path as Next routes it, as the guards' rules are
// (`/%61mplify/private` and `//amplify/private` must not reach the other
// guard); the guarded page checks the session itself too.
function isAmplifyPath(pathname: string): boolean {
  let path = pathname;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    // Malformed escapes: the app guard refuses them under its rules.
  }
  return /^\/+amplify(\/|$)/.test(path);
}

export function proxy(request: NextRequest): Promise<Response> {
  return isAmplifyPath(request.nextUrl.pathname) ? amplifyGuard(request) : appGuard(request);
}

export const config = {
  // /team is left out to show server components reading the session on their own.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|team).*)'],
};
