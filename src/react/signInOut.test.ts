import { afterEach, describe, expect, it } from 'vitest';
import { authBasePath } from './authBasePath.js';
import { signIn } from './signIn.js';
import { signOut } from './signOut.js';
import { TAB_CHANNEL } from './tabMessage.js';

// Minimal stand-ins for the two browser objects these functions use; the
// navigation itself is tested in Chromium (e2e/client.spec.ts).
const g = globalThis as Record<string, unknown>;
afterEach(() => {
  delete g.window;
  delete g.document;
  authBasePath.current = '/api/auth';
});

function fakeLocation(path: string) {
  const url = new URL(path, 'https://app.example.com');
  const assigned: string[] = [];
  g.window = { location: { origin: url.origin, pathname: url.pathname, search: url.search, hash: url.hash, assign: (to: string) => assigned.push(to) } };
  return assigned;
}

describe('signIn', () => {
  it('navigates to the sign-in route with the current page as returnTo by default', () => {
    const assigned = fakeLocation('/orders?id=1#top');
    signIn();
    expect(assigned).toEqual([`/api/auth/sign-in?returnTo=${encodeURIComponent('/orders?id=1#top')}`]);
  });

  it('open redirect through signIn({ returnTo }): another origin is dropped, not passed on', () => {
    const assigned = fakeLocation('/');
    signIn({ returnTo: 'https://evil.example/phish' });
    signIn({ returnTo: '//evil.example' });
    expect(assigned).toEqual(['/api/auth/sign-in', '/api/auth/sign-in']);
  });

  it('passes customState on, encoded, beside returnTo (none: nothing added)', () => {
    const assigned = fakeLocation('/');
    signIn({ returnTo: '/orders?id=1', customState: 'a & b #c' });
    signIn({ returnTo: 'https://evil.example', customState: 'x' });
    signIn({ returnTo: '/a', customState: '' });
    expect(assigned).toEqual([`/api/auth/sign-in?returnTo=${encodeURIComponent('/orders?id=1')}&customState=a%20%26%20b%20%23c`, '/api/auth/sign-in?customState=x', '/api/auth/sign-in?returnTo=%2Fa']);
  });

  it('uses the provider basePath, or the one given', () => {
    const assigned = fakeLocation('/');
    authBasePath.current = '/auth';
    signIn({ returnTo: '/a' });
    signIn({ returnTo: '/b', basePath: '/other' });
    expect(assigned).toEqual(['/auth/sign-in?returnTo=%2Fa', '/other/sign-in?returnTo=%2Fb']);
  });
});

describe('signOut', () => {
  it('broadcasts signed-out to the other tabs, then submits a top-level POST form to the sign-out route', async () => {
    const form = { method: '', action: '', style: { display: '' }, submitted: 0, submit() { this.submitted++; } };
    const appended: unknown[] = [];
    g.document = { createElement: (tag: string) => (tag === 'form' ? form : undefined), body: { appendChild: (el: unknown) => appended.push(el) } };
    const otherTab = new BroadcastChannel(TAB_CHANNEL);
    const received = new Promise<unknown>((resolve) => {
      otherTab.onmessage = (event: MessageEvent) => resolve(event.data);
    });
    signOut();
    expect(await received).toEqual({ type: 'signed-out' });
    otherTab.close();
    expect(form).toMatchObject({ method: 'POST', action: '/api/auth/sign-out', submitted: 1 });
    expect(appended).toEqual([form]);
  });
});
