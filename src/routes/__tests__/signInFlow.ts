import { CookieJar } from '../../dev-idp/CookieJar.js';
import type { AuthRouteHandlers } from '../createAuthRouteHandlers.js';

/** Calls one auth route (App Router shape) with an optional Cookie header. */
export function callRoute(handlers: AuthRouteHandlers, url: string, cookie?: string, init: RequestInit = {}): Promise<Response> {
  const slug = new URL(url).pathname.split('/').pop() ?? '';
  const headers = new Headers(init.headers);
  if (cookie) headers.set('cookie', cookie);
  return handlers.GET(new Request(url, { ...init, headers }), { params: Promise.resolve({ slug }) });
}

/** `name=value` pairs of a response's Set-Cookie lines (deletions included), as a Cookie header. */
export function cookieHeaderOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .join('; ');
}

/**
 * Starts a sign-in at the app's route, signs in at the dev IdP's real login
 * page, and stops where the IdP sends the browser back: the captured
 * callback request (its URL and the Cookie header the browser would send).
 */
export async function captureCallback(
  handlers: AuthRouteHandlers,
  origin: string,
  login: { username: string; password: string },
  returnTo = '/me',
): Promise<{ callbackUrl: URL; cookie: string }> {
  const start = await callRoute(handlers, `${origin}/api/auth/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
  if (start.status !== 302) throw new Error(`sign-in answered ${start.status}`);
  const cookie = cookieHeaderOf(start);
  const jar = new CookieJar();
  let url = new URL(start.headers.get('location')!);
  let response = await jar.fetch(url);
  for (let hops = 0; hops < 20; hops++) {
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      url = new URL(response.headers.get('location')!, url);
      if (url.origin === origin) return { callbackUrl: url, cookie };
      response = await jar.fetch(url);
      continue;
    }
    const body = await response.text();
    const action = /<form\b[^>]*\bid="sign-in-form"[^>]*>/i.exec(body)?.[0]?.match(/\baction="([^"]*)"/i)?.[1]?.replace(/&amp;/g, '&');
    if (!action) throw new Error(`the IdP showed no login form (${response.status})`);
    url = new URL(action, url);
    response = await jar.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(login).toString(),
    });
  }
  throw new Error('too many redirects');
}
