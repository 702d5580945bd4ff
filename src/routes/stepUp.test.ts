// Step-up (RFC 9470, OIDC max_age / acr_values) end to end: the guard, the
// sign-in route and callback, requireAuth, against the real dev IdP in oidc
// mode with its second factor on (acr `mfa` after a one-time code).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import type { GuardRule } from '../guard/AuthGuardOptions.js';
import { createServerActionsFor } from './createServerActions.js';
import { createStepUpApp, STEP_UP_ORIGIN, StepUpBrowser } from './__tests__/stepUpApp.js';

const CLIENT_ID = 'step-up-client';
const ALICE = { username: 'alice@example.com', password: 'alice-password' };
const RULES: GuardRule[] = [
  { path: '/home' },
  { path: '/admin/billing', maxAge: 300, acr: 'mfa' },
  { path: '/account/security', maxAge: 300 },
  { path: '/api/billing', maxAge: 300, acr: ['mfa'] },
];

const client = { clientId: CLIENT_ID, redirectUris: [`${STEP_UP_ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${STEP_UP_ORIGIN}/`] };
let idp: DevIdp;
/** The same client at an IdP without a second factor: it ignores acr_values, as many do. */
let plainIdp: DevIdp;

beforeAll(async () => {
  [idp, plainIdp] = await Promise.all([
    startDevIdp({ port: 0, quiet: true, mode: 'oidc', secondFactor: true, clients: [client] }),
    startDevIdp({ port: 0, quiet: true, mode: 'oidc', clients: [client] }),
  ]);
});

afterAll(async () => {
  await Promise.all([idp?.close(), plainIdp?.close()]);
});

function setUp(at: DevIdp = idp) {
  const app = createStepUpApp({ idp: at, clientId: CLIENT_ID, rules: RULES });
  return { app, browser: new StepUpBrowser(app, at) };
}

/** Signs in (password only: acr `pwd`), optionally with the clock `agoSeconds` in the past. */
async function signedIn(browser: StepUpBrowser, agoSeconds = 0): Promise<void> {
  if (agoSeconds > 0) {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - agoSeconds * 1000);
  }
  try {
    const first = await browser.navigate('/home', { login: ALICE });
    expect(first.body).toBe('page /home');
  } finally {
    vi.useRealTimers();
  }
}

const callbacksIn = (trail: URL[]) => trail.filter((u) => u.pathname === '/api/auth/sign-in-callback').length;
const signInsIn = (trail: URL[]) => trail.filter((u) => u.pathname === '/api/auth/sign-in').length;

describe('step-up: pages', () => {
  it('a session without the rule\'s acr is sent to re-authenticate (password, then the one-time code) and returns to the page with acr mfa', async () => {
    const { browser } = setUp();
    await signedIn(browser);
    expect(await browser.claims()).toMatchObject({ acr: 'pwd', amr: ['pwd'] });

    const visit = await browser.navigate('/admin/billing?tab=invoices', { login: ALICE });
    expect(visit.response.status).toBe(200);
    expect(visit.body).toBe('page /admin/billing');
    expect(visit.url.href).toBe(`${STEP_UP_ORIGIN}/admin/billing?tab=invoices`);
    // The guard asked the sign-in route for the rule's max_age and acr_values, which passed them to the IdP.
    const signIn = visit.trail.find((u) => u.pathname === '/api/auth/sign-in')!;
    expect(Object.fromEntries(signIn.searchParams)).toEqual({ returnTo: '/admin/billing?tab=invoices', max_age: '300', acr_values: 'mfa' });
    const authorize = visit.trail.find((u) => u.pathname === '/oauth2/authorize')!;
    expect(authorize.searchParams.get('max_age')).toBe('300');
    expect(authorize.searchParams.get('acr_values')).toBe('mfa');
    // The IdP's own policy made it a real re-authentication: its session (acr pwd) was not enough.
    expect(visit.passwordPrompts).toBe(1);
    expect(visit.codePrompts).toBe(1);
    const claims = (await browser.claims())!;
    expect(claims).toMatchObject({ acr: 'mfa', amr: ['pwd', 'otp'] });
    expect(Math.abs((claims.auth_time as number) - Date.now() / 1000)).toBeLessThan(60);

    // Now it passes straight through, and the sign-in route sends a user who already meets it straight back.
    const again = await browser.navigate('/admin/billing', { login: ALICE });
    expect(again.trail.map((u) => u.pathname)).toEqual(['/admin/billing']);
    const direct = await browser.navigate('/api/auth/sign-in?returnTo=%2Fadmin%2Fbilling&max_age=300&acr_values=mfa');
    expect(direct.trail.map((u) => u.pathname)).toEqual(['/api/auth/sign-in', '/admin/billing']);
  });

  it('a session older than the rule\'s maxAge signs in again at the IdP (its own max_age policy) and comes back', async () => {
    const { browser } = setUp();
    await signedIn(browser, 600);
    const visit = await browser.navigate('/account/security', { login: ALICE });
    expect(visit.body).toBe('page /account/security');
    expect(visit.passwordPrompts).toBe(1);
    expect(visit.codePrompts).toBe(0);
    const claims = (await browser.claims())!;
    expect(Math.abs((claims.auth_time as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('the stepped-up session keeps its acr and auth_time through a refresh (no second trip to the IdP)', async () => {
    const { browser } = setUp();
    await signedIn(browser);
    await browser.navigate('/admin/billing', { login: ALICE });
    const before = (await browser.claims())!;
    const refreshed = (await (await browser.fetch(new URL('/api/session?refresh', STEP_UP_ORIGIN))).json()) as Record<string, unknown>;
    expect(refreshed.iat).toBeGreaterThanOrEqual(before.iat as number);
    expect(refreshed).toMatchObject({ acr: 'mfa', auth_time: before.auth_time });
    const again = await browser.navigate('/admin/billing');
    expect(again.trail.map((u) => u.pathname)).toEqual(['/admin/billing']);
  });

  it('prefetches of a step-up page get 204 and start no sign-in', async () => {
    const { browser } = setUp();
    await signedIn(browser);
    const cookiesBefore = browser.jar.names(STEP_UP_ORIGIN).sort();
    const response = await browser.fetch(new URL('/admin/billing', STEP_UP_ORIGIN), { headers: { 'next-router-prefetch': '1' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(browser.jar.names(STEP_UP_ORIGIN).sort()).toEqual(cookiesBefore);
  });
});

describe('step-up: what the callback refuses (each ends on a 403 page, never a loop, the session untouched)', () => {
  async function refused(visit: Awaited<ReturnType<StepUpBrowser['navigate']>>, browser: StepUpBrowser, before: Record<string, unknown> | null) {
    expect(visit.response.status).toBe(403);
    expect(visit.url.pathname).toBe('/api/auth/sign-in-callback');
    expect(visit.body).toContain('data-testid="auth-error-code">insufficient_authentication<');
    expect(visit.response.headers.get('cache-control')).toBe('private, no-store');
    // One trip: the guard's redirect, the route, the IdP, the callback; then it stops.
    expect(signInsIn(visit.trail)).toBe(1);
    expect(callbacksIn(visit.trail)).toBe(1);
    // No new session was written: the old one is still there, unchanged.
    expect(await browser.claims()).toEqual(before);
  }

  it('an ID token without the requested acr is refused (an IdP that ignores acr_values)', async () => {
    const { browser } = setUp(plainIdp);
    await signedIn(browser);
    const before = await browser.claims();
    expect(before).not.toHaveProperty('acr');
    const visit = await browser.navigate('/admin/billing', { login: ALICE });
    expect(visit.trail.find((u) => u.pathname === '/oauth2/authorize')!.searchParams.get('acr_values')).toBe('mfa');
    await refused(visit, browser, before);
  });

  it('an authorization request stripped of acr_values on the way comes back with acr pwd and is refused', async () => {
    const { browser } = setUp();
    await signedIn(browser);
    const before = await browser.claims();
    const strip = (url: URL) => {
      if (url.pathname === '/oauth2/authorize') url.searchParams.delete('acr_values');
      return url;
    };
    const visit = await browser.navigate('/admin/billing', { login: ALICE, rewrite: strip });
    expect(visit.codePrompts).toBe(0);
    await refused(visit, browser, before);
  });

  it('a callback whose auth_time is older than max_age is refused (max_age raised on the way to the IdP)', async () => {
    const { browser } = setUp();
    await signedIn(browser, 600);
    const before = await browser.claims();
    const raise = (url: URL) => {
      if (url.pathname === '/oauth2/authorize') url.searchParams.set('max_age', '86400');
      return url;
    };
    const visit = await browser.navigate('/account/security', { login: ALICE, rewrite: raise });
    // The IdP, asked for 86400 s, was content with its 10-minute-old session.
    expect(visit.passwordPrompts).toBe(0);
    await refused(visit, browser, before);
  });

  it('a callback from an authorization request stripped of max_age on the way is refused (the IdP answered from its 10-minute-old session)', async () => {
    const { browser } = setUp();
    await signedIn(browser, 600);
    const before = await browser.claims();
    const strip = (url: URL) => {
      if (url.pathname === '/oauth2/authorize') url.searchParams.delete('max_age');
      return url;
    };
    const visit = await browser.navigate('/account/security', { login: ALICE, rewrite: strip });
    expect(visit.passwordPrompts).toBe(0);
    await refused(visit, browser, before);
  });
});

describe('step-up: API requests and server code (RFC 9470 challenge)', () => {
  it('an API call under a step-up rule gets 401 with the RFC 9470 WWW-Authenticate challenge, no-store, and keeps its session', async () => {
    const { browser } = setUp();
    await signedIn(browser);
    const cookiesBefore = browser.jar.header(new URL(STEP_UP_ORIGIN));
    for (const headers of [{}, { 'next-action': 'a1b2c3' }] as Array<Record<string, string>>) {
      const response = await browser.fetch(new URL('/api/billing', STEP_UP_ORIGIN), { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        'Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", max_age=300, acr_values="mfa"',
      );
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(await response.json()).toEqual({ error: 'insufficient_user_authentication', message: 'A different authentication level is required', max_age: 300, acr_values: 'mfa' });
    }
    expect(browser.jar.header(new URL(STEP_UP_ORIGIN))).toBe(cookiesBefore);
    // A page under a step-up rule asked as a server action is an API request too: the challenge, not a redirect.
    const action = await browser.fetch(new URL('/admin/billing', STEP_UP_ORIGIN), { method: 'POST', headers: { 'next-action': 'a1b2c3' } });
    expect(action.status).toBe(401);
    expect(action.headers.get('www-authenticate')).toContain('error="insufficient_user_authentication"');
  });

  it('an API call after stepping up passes; signed out it is the plain 401 without a step-up challenge', async () => {
    const { browser } = setUp();
    await signedIn(browser);
    await browser.navigate('/admin/billing', { login: ALICE });
    const response = await browser.fetch(new URL('/api/billing', STEP_UP_ORIGIN));
    expect(response.status).toBe(200);
    const signedOut = await new StepUpBrowser(setUp().app, idp).fetch(new URL('/api/billing', STEP_UP_ORIGIN));
    expect(signedOut.status).toBe(401);
    expect(signedOut.headers.get('www-authenticate')).toBeNull();
    expect(await signedOut.json()).toMatchObject({ error: 'unauthenticated' });
  });

  it('requireAuth throws InsufficientAuthentication carrying the challenge; signed out it stays UserUnAuthenticated', async () => {
    const { app, browser } = setUp();
    const signedOut = await new StepUpBrowser(app, idp).fetch(new URL('/api/requireAuth?maxAge=300&acr=mfa', STEP_UP_ORIGIN));
    expect(signedOut.status).toBe(401);
    expect(await signedOut.json()).toEqual({ error: 'UserUnAuthenticated' });

    await signedIn(browser, 600);
    const stale = await browser.fetch(new URL('/api/requireAuth?maxAge=300', STEP_UP_ORIGIN));
    expect(stale.status).toBe(401);
    expect(stale.headers.get('www-authenticate')).toBe('Bearer error="insufficient_user_authentication", error_description="More recent authentication is required", max_age=300');
    expect(await stale.json()).toEqual({ error: 'InsufficientAuthentication', maxAge: 300, acrValues: null });

    const weak = await browser.fetch(new URL('/api/requireAuth?acr=mfa&acr=hwk', STEP_UP_ORIGIN));
    expect(weak.headers.get('www-authenticate')).toBe('Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="mfa hwk"');
    expect(await weak.json()).toEqual({ error: 'InsufficientAuthentication', maxAge: null, acrValues: ['mfa', 'hwk'] });

    // Stepped up (through the page), the same calls return the user.
    await browser.navigate('/admin/billing', { login: ALICE });
    const ok = await browser.fetch(new URL('/api/requireAuth?maxAge=300&acr=mfa', STEP_UP_ORIGIN));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ username: expect.any(String), userId: expect.any(String) });
  });

  it('requireAuth with a malformed maxAge or acr is the app\'s bug: InvalidConfig, whoever asks', async () => {
    const { browser } = setUp();
    await signedIn(browser);
    for (const query of ['maxAge=-1', 'maxAge=1.5', 'maxAge=99999999999', 'acr=a%20b', 'acr=%22x', 'acr=']) {
      const response = await browser.fetch(new URL(`/api/requireAuth?${query}`, STEP_UP_ORIGIN));
      expect(response.status, query).toBe(500);
      expect(await response.json(), query).toEqual({ error: 'InvalidConfig' });
    }
  });
});

describe('step-up: the sign-in route\'s max_age and acr_values', () => {
  it('junk max_age / acr_values is a 400 invalid_step_up that starts nothing (no transaction cookie, no IdP)', async () => {
    const { browser } = setUp();
    const junk = [
      'max_age=-1',
      'max_age=abc',
      'max_age=1e3',
      'max_age=%2B5',
      'max_age=',
      'max_age=999999999',
      'max_age=31536001',
      'max_age=5&max_age=6',
      'acr_values=',
      'acr_values=mfa%20%20pwd',
      'acr_values=%20mfa',
      'acr_values=a%22b',
      'acr_values=a%5Cb',
      'acr_values=caf%C3%A9',
      'acr_values=a%0Ab',
      `acr_values=${'x'.repeat(129)}`,
      `acr_values=${Array.from({ length: 11 }, (_, i) => `v${i}`).join('%20')}`,
      'acr_values=mfa&acr_values=pwd',
    ];
    for (const query of junk) {
      const response = await browser.fetch(new URL(`/api/auth/sign-in?returnTo=%2Fhome&${query}`, STEP_UP_ORIGIN));
      expect(response.status, query).toBe(400);
      expect(await response.text(), query).toContain('data-testid="auth-error-code">invalid_step_up<');
      expect(response.headers.getSetCookie(), query).toEqual([]);
    }
    expect(browser.jar.names(STEP_UP_ORIGIN)).toEqual([]);
  });

  it('valid bounds pass: max_age 0 and 31536000, ten acr values of 128 characters', async () => {
    const { browser } = setUp();
    const values = Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(128, 'x')).join('%20');
    for (const query of ['max_age=0', 'max_age=31536000', `acr_values=${values}`]) {
      const response = await browser.fetch(new URL(`/api/auth/sign-in?${query}`, STEP_UP_ORIGIN));
      expect(response.status, query).toBe(302);
      expect(new URL(response.headers.get('location')!).pathname, query).toBe('/oauth2/authorize');
    }
  });
});

describe('step-up: configuration', () => {
  it('a guard rule with a bad maxAge / acr, or a step-up on a public rule, throws InvalidConfig naming the rule', () => {
    const bad: Array<[object, string]> = [
      [{ path: '/x', maxAge: -5 }, 'rules[0].maxAge'],
      [{ path: '/x', maxAge: 300.5 }, 'rules[0].maxAge'],
      [{ path: '/x', acr: [] }, 'rules[0].acr'],
      [{ path: '/x', acr: 'two words' }, 'rules[0].acr'],
      [{ path: '/x', public: true, maxAge: 60 }, 'rules[0]'],
    ];
    for (const [rule, field] of bad) {
      expect(() => createStepUpApp({ idp, clientId: CLIENT_ID, rules: [rule as never] }), field).toThrow(expect.objectContaining({ code: 'InvalidConfig', message: expect.stringContaining(field) }));
    }
  });
});

describe('step-up with a Cognito config (no max_age, no acr at Cognito)', () => {
  let cognitoIdp: DevIdp;
  beforeAll(async () => {
    cognitoIdp = await startDevIdp({ port: 0, quiet: true, clients: [client] });
  });
  afterAll(async () => {
    await cognitoIdp?.close();
  });
  const cognitoApp = (rules: GuardRule[]) => createStepUpApp({ idp: cognitoIdp, clientId: CLIENT_ID, rules, config: { flavor: 'cognito', scopes: ['openid', 'email', 'profile'] } });

  it('a session older than maxAge is sent through prompt=login (Cognito has no max_age) and comes back with a fresh auth_time', async () => {
    const app = cognitoApp([{ path: '/home' }, { path: '/account/security', maxAge: 300 }]);
    const browser = new StepUpBrowser(app, cognitoIdp);
    await signedIn(browser, 600);
    const visit = await browser.navigate('/account/security', { login: ALICE });
    expect(visit.body).toBe('page /account/security');
    const authorize = visit.trail.find((u) => u.pathname === '/oauth2/authorize')!;
    expect(authorize.searchParams.get('prompt')).toBe('login');
    expect(authorize.searchParams.has('max_age')).toBe(false);
    expect(authorize.searchParams.has('acr_values')).toBe(false);
    expect(visit.passwordPrompts).toBe(1);
    expect(Math.abs(((await browser.claims())!.auth_time as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('an acr rule, requireAuth acr or sign-in acr_values cannot be met with Cognito: InvalidConfig at createAuthGuard, 400 at the route', async () => {
    expect(() => cognitoApp([{ path: '/admin/billing', acr: 'mfa' }])).toThrow(expect.objectContaining({ code: 'InvalidConfig', message: expect.stringContaining('rules[0].acr') }));
    const browser = new StepUpBrowser(cognitoApp([{ path: '/home' }]), cognitoIdp);
    const response = await browser.fetch(new URL('/api/auth/sign-in?acr_values=mfa', STEP_UP_ORIGIN));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('invalid_step_up');
    await signedIn(browser);
    const required = await browser.fetch(new URL('/api/requireAuth?acr=mfa', STEP_UP_ORIGIN));
    expect(await required.json()).toEqual({ error: 'InvalidConfig' });
  });
});

describe('step-up: the signIn server action', () => {
  /** The URL of the Next `redirect()` an action ended with (digest `NEXT_REDIRECT;<type>;<url>;<status>;`). */
  async function redirectOf(action: Promise<unknown>): Promise<string> {
    const error = await action.then(
      () => undefined,
      (err: unknown) => err,
    );
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest !== 'string' || !digest.startsWith('NEXT_REDIRECT;')) throw error;
    return digest.split(';')[2]!;
  }

  it('signIn(returnTo, { maxAge, acr }) redirects to the sign-in route with max_age and acr_values, which a browser follows to a stepped-up session', async () => {
    const { app, browser } = setUp();
    const actions = createServerActionsFor(app.runtime);
    const location = await redirectOf(actions.signIn('/admin/billing', { maxAge: 300, acr: ['mfa'] }));
    expect(location).toBe('/api/auth/sign-in?returnTo=%2Fadmin%2Fbilling&max_age=300&acr_values=mfa');
    await signedIn(browser);
    const visit = await browser.navigate(location, { login: ALICE });
    expect(visit.body).toBe('page /admin/billing');
    expect(await browser.claims()).toMatchObject({ acr: 'mfa' });
  });

  it('signIn with a bad maxAge or acr throws InvalidConfig before any redirect', async () => {
    const { app } = setUp();
    const actions = createServerActionsFor(app.runtime);
    await expect(actions.signIn('/x', { maxAge: -1 })).rejects.toMatchObject({ code: 'InvalidConfig', message: expect.stringContaining('signIn options.maxAge') });
    await expect(actions.signIn('/x', { acr: 'a b' })).rejects.toMatchObject({ code: 'InvalidConfig', message: expect.stringContaining('signIn options.acr') });
  });
});

describe('step-up: signed out on a step-up page', () => {
  it('one sign-in asks for the rule\'s max_age and acr_values at once (password and code), and lands on the page', async () => {
    const { browser } = setUp();
    const visit = await browser.navigate('/admin/billing', { login: ALICE });
    expect(visit.body).toBe('page /admin/billing');
    expect(Object.fromEntries(visit.trail.find((u) => u.pathname === '/api/auth/sign-in')!.searchParams)).toEqual({ returnTo: '/admin/billing', max_age: '300', acr_values: 'mfa' });
    expect(signInsIn(visit.trail)).toBe(1);
    expect(visit.passwordPrompts).toBe(1);
    expect(visit.codePrompts).toBe(1);
    expect(await browser.claims()).toMatchObject({ acr: 'mfa' });
  });
});
