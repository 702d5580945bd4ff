// The dev IdP's second factor (secondFactor: true, oidc mode): acr_values=mfa
// asks for a one-time code after the password; the ID token says acr/amr.
// Real HTTP against a real startDevIdp, a cookie jar as the browser.
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { createAuthorizationRequest } from './authorizationCodeFlow.js';
import type { AuthorizationRequest } from './authorizationCodeFlow.js';
import { CookieJar } from './CookieJar.js';
import { parseCliArgs } from './parseCliArgs.js';
import { startDevIdp } from './startDevIdp.js';
import type { DevIdp } from './types.js';
import { CLIENT_ID, postForm, REDIRECT_URI } from './__tests__/helpers.js';

const ALICE = { username: 'alice@example.com', password: 'alice-password' };
let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp({ port: 0, quiet: true, mode: 'oidc', secondFactor: true });
});

afterAll(async () => {
  await idp?.close();
});

function authorize(params: Record<string, string> = {}): AuthorizationRequest {
  const request = createAuthorizationRequest(`${idp.issuer}/oauth2/authorize`, { clientId: CLIENT_ID, redirectUri: REDIRECT_URI });
  for (const [k, v] of Object.entries(params)) request.url.searchParams.set(k, v);
  return request;
}

const actionOf = (html: string, id: string) =>
  new RegExp(`<form\\b[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0]?.match(/\baction="([^"]*)"/)?.[1]?.replace(/&amp;/g, '&');

/** Follows redirects until a page (returned) or the app's callback (returned as `callback`). */
async function follow(jar: CookieJar, response: Response, from: URL): Promise<{ html?: string; status: number; url: URL; callback?: URL }> {
  let url = from;
  for (let hops = 0; hops < 20; hops++) {
    if (response.status < 300 || response.status >= 400) return { html: await response.text(), status: response.status, url };
    await response.body?.cancel();
    url = new URL(response.headers.get('location')!, url);
    if (url.href.startsWith(REDIRECT_URI)) return { status: 302, url, callback: url };
    response = await jar.fetch(url);
  }
  throw new Error('too many redirects');
}

async function post(jar: CookieJar, url: URL, form: Record<string, string>) {
  return follow(jar, await jar.fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() }), url);
}

async function codeOf(username: string): Promise<{ status: number; code?: string }> {
  const response = await fetch(`${idp.issuer}/dev/users/${encodeURIComponent(username)}/second-factor-code`);
  return { status: response.status, ...((await response.json()) as { code?: string }) };
}

async function exchange(request: AuthorizationRequest, callback: URL): Promise<Record<string, unknown>> {
  const { body } = await postForm(`${idp.issuer}/oauth2/token`, {
    grant_type: 'authorization_code',
    code: callback.searchParams.get('code')!,
    redirect_uri: REDIRECT_URI,
    code_verifier: request.codeVerifier,
    client_id: CLIENT_ID,
  });
  return decodeJwt(body.id_token as string);
}

/** Password sign-in; returns the page after the password (the code form when asked). */
async function password(jar: CookieJar, request: AuthorizationRequest) {
  const login = await follow(jar, await jar.fetch(request.url), request.url);
  const action = actionOf(login.html ?? '', 'sign-in-form');
  if (!action) throw new Error(`no sign-in form (${login.status})`);
  return post(jar, new URL(action, login.url), ALICE);
}

describe('dev IdP second factor', () => {
  it('discovery lists acr_values_supported pwd and mfa', async () => {
    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.acr_values_supported).toEqual(['pwd', 'mfa']);
  });

  it('without acr_values: password only, acr pwd, amr [pwd]', async () => {
    const jar = new CookieJar();
    const request = authorize();
    const done = await password(jar, request);
    expect(done.callback).toBeDefined();
    expect(await exchange(request, done.callback!)).toMatchObject({ acr: 'pwd', amr: ['pwd'] });
  });

  it('acr_values=mfa: after the password a one-time code (shown on the page and at the /dev route), then acr mfa, amr [pwd, otp]; the code is single use', async () => {
    const jar = new CookieJar();
    const request = authorize({ acr_values: 'mfa' });
    const page = await password(jar, request);
    expect(page.status).toBe(200);
    const shown = /data-testid="second-factor-code">(\d{6})</.exec(page.html!)?.[1];
    const hook = await codeOf(ALICE.username);
    expect(hook.status).toBe(200);
    expect(shown).toBe(hook.code);
    const done = await post(jar, new URL(actionOf(page.html!, 'second-factor-form')!, page.url), { code: hook.code! });
    expect(await exchange(request, done.callback!)).toMatchObject({ acr: 'mfa', amr: ['pwd', 'otp'] });
    expect((await codeOf(ALICE.username)).status).toBe(404);
  });

  it('an IdP session at pwd asked for acr_values=mfa signs in again (password, then code): the IdP\'s login policy honours acr_values', async () => {
    const jar = new CookieJar();
    const first = authorize();
    expect((await password(jar, first)).callback).toBeDefined();
    // Same browser, no acr asked: the IdP session answers at once.
    const silent = authorize();
    expect((await follow(jar, await jar.fetch(silent.url), silent.url)).callback).toBeDefined();
    const stepUp = authorize({ acr_values: 'mfa' });
    const login = await follow(jar, await jar.fetch(stepUp.url), stepUp.url);
    expect(actionOf(login.html ?? '', 'sign-in-form')).toBeDefined();
    const codePage = await post(jar, new URL(actionOf(login.html!, 'sign-in-form')!, login.url), ALICE);
    const done = await post(jar, new URL(actionOf(codePage.html!, 'second-factor-form')!, codePage.url), { code: (await codeOf(ALICE.username)).code! });
    expect(await exchange(stepUp, done.callback!)).toMatchObject({ acr: 'mfa' });
    // Now at mfa, the IdP session satisfies acr_values=mfa without asking again.
    const again = authorize({ acr_values: 'mfa' });
    const silentAgain = await follow(jar, await jar.fetch(again.url), again.url);
    expect(await exchange(again, silentAgain.callback!)).toMatchObject({ acr: 'mfa' });
  });

  it('a wrong code is refused (401, asked again); after 5 wrong codes the sign-in starts over and the right code no longer works', async () => {
    const jar = new CookieJar();
    const request = authorize({ acr_values: 'mfa' });
    const page = await password(jar, request);
    const action = new URL(actionOf(page.html!, 'second-factor-form')!, page.url);
    const { code } = await codeOf(ALICE.username);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 4; i++) {
      const again = await post(jar, action, { code: wrong });
      expect(again.status, `try ${i}`).toBe(401);
      expect(again.html).toContain('Incorrect code');
      expect(actionOf(again.html!, 'second-factor-form')).toBeDefined();
    }
    const fifth = await post(jar, action, { code: wrong });
    expect(fifth.status).toBe(401);
    expect(actionOf(fifth.html!, 'sign-in-form')).toBeDefined();
    const late = await post(jar, action, { code: code! });
    expect(late.callback).toBeUndefined();
    expect(actionOf(late.html!, 'sign-in-form')).toBeDefined();
  });

  it('the code page cannot be reached without this interaction\'s password: a code POSTed straight there signs no one in', async () => {
    const jar = new CookieJar();
    const request = authorize({ acr_values: 'mfa' });
    const login = await follow(jar, await jar.fetch(request.url), request.url);
    const uidPath = new URL(actionOf(login.html!, 'sign-in-form')!, login.url).pathname.replace(/\/signin$/, '');
    const skipped = await post(jar, new URL(`${uidPath}/second-factor`, idp.issuer), { code: '123456' });
    expect(skipped.callback).toBeUndefined();
    expect(skipped.status).toBe(401);
    expect(actionOf(skipped.html!, 'sign-in-form')).toBeDefined();
  });

  it('the code is never written to the console', async () => {
    const log = vi.spyOn(console, 'log');
    const info = vi.spyOn(console, 'info');
    try {
      const page = await password(new CookieJar(), authorize({ acr_values: 'mfa' }));
      const { code } = await codeOf(ALICE.username);
      expect(page.status).toBe(200);
      const printed = [...log.mock.calls, ...info.mock.calls].flat().map(String).join('\n');
      expect(printed).not.toContain(code!);
    } finally {
      log.mockRestore();
      info.mockRestore();
    }
  });

  it('secondFactor needs oidc mode (Cognito has no acr), and --second-factor turns it on', async () => {
    await expect(startDevIdp({ port: 0, quiet: true, secondFactor: true })).rejects.toThrow(/secondFactor needs mode "oidc"/);
    expect(parseCliArgs(['--mode', 'oidc', '--second-factor'], {}).options).toMatchObject({ mode: 'oidc', secondFactor: true });
  });
});
