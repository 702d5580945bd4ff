import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientSession } from '../session/ClientSession.js';
import { SessionProvider } from './SessionProvider.js';
import { useSession } from './useSession.js';

// Server rendering with the real react-dom/server. Browser globals are traps:
// touching window/document/storage during render throws, and fetch and
// BroadcastChannel (both exist in Node) are replaced by recorders.
const touched: string[] = [];
const saved = new Map<string, PropertyDescriptor | undefined>();
const TRAPPED = ['window', 'document', 'localStorage', 'sessionStorage', 'fetch', 'BroadcastChannel'];

beforeEach(() => {
  touched.length = 0;
  for (const name of TRAPPED) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.push(name);
        throw new Error(`${name} touched during server render`);
      },
    });
  }
});

afterEach(() => {
  for (const name of TRAPPED) {
    const descriptor = saved.get(name);
    if (descriptor) Object.defineProperty(globalThis, name, descriptor);
    else delete (globalThis as Record<string, unknown>)[name];
  }
});

function Probe() {
  const { status, user, expiresAt } = useSession();
  return createElement('p', null, `${status}|${user?.email ?? '-'}|${expiresAt ?? '-'}`);
}

const render = (session?: ClientSession) => renderToString(createElement(SessionProvider, session ? { session } : {}, createElement(Probe)));

describe('SessionProvider on the server', () => {
  it('first render shows the user from the session prop, never touching window, storage, fetch or BroadcastChannel', () => {
    const html = render({ user: { username: 'alice', userId: 'sub-1', email: 'alice@example.com', groups: [] }, expiresAt: 1_700_000_000_000 });
    expect(html).toBe('<p>authenticated|alice@example.com|1700000000000</p>');
    expect(touched).toEqual([]);
  });

  it('a signed-out prop renders unauthenticated on the first render (no loading flash)', () => {
    expect(render({ user: null })).toBe('<p>unauthenticated|-|-</p>');
    expect(touched).toEqual([]);
  });

  it('without a prop it renders loading and fetches nothing during render (the fetch runs in an effect, in the browser)', () => {
    expect(render()).toBe('<p>loading|-|-</p>');
    expect(touched).toEqual([]);
  });

  it('useSession outside a SessionProvider fails with a clear message', () => {
    expect(() => renderToString(createElement(Probe))).toThrow('next-server-auth: useSession() must be called inside <SessionProvider>');
  });
});
