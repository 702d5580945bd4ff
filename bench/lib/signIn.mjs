// A real sign-in over HTTP through the example app and the dev IdP, as a
// browser would: /api/auth/sign-in → IdP hosted login form → callback, which
// sets the app's sealed session cookie. Returns the Cookie header to send.
import { URLSearchParams } from 'node:url';
import { CookieJar } from '../../dist/dev-idp/CookieJar.js';

function formAction(html) {
  const form = /<form\b[^>]*\bid="sign-in-form"[^>]*>/i.exec(html)?.[0];
  return form && /\baction="([^"]*)"/i.exec(form)?.[1]?.replace(/&amp;/g, '&');
}

/**
 * @param {{ origin: string, username: string, password: string, returnTo?: string }} o
 * @returns {Promise<{ cookie: string, landedOn: string }>}
 */
export async function signInThroughApp({ origin, username, password, returnTo = '/dashboard' }) {
  const jar = new CookieJar();
  let url = new URL(`/api/auth/sign-in?returnTo=${encodeURIComponent(returnTo)}`, origin);
  let response = await jar.fetch(url);
  let posted = false;
  for (let hop = 0; hop < 20; hop++) {
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      url = new URL(response.headers.get('location'), url);
      // Back in the app after the callback: signed in.
      if (url.origin === new URL(origin).origin && !url.pathname.startsWith('/api/auth/')) {
        const cookie = jar
          .header(url)
          .split('; ')
          // The sealed session (or its chunks), or the server-session id cookie (session.codec 'server').
          .filter((pair) => /^(__Host-)?nsa\.(session(\.\d+)?|sid)=/.test(pair))
          .join('; ');
        if (!cookie) throw new Error('bench sign-in: no session cookie after the callback');
        return { cookie, landedOn: url.pathname };
      }
      response = await jar.fetch(url);
      continue;
    }
    const html = await response.text();
    const action = formAction(html);
    if (posted || !action || response.status !== 200) throw new Error(`bench sign-in: unexpected HTTP ${response.status} at ${url.href}`);
    posted = true;
    url = new URL(action, url);
    response = await jar.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password }).toString(),
    });
  }
  throw new Error('bench sign-in: too many redirects');
}
