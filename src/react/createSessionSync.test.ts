import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClientSession } from '../session/ClientSession.js';
import { createSessionSync } from './createSessionSync.js';
import type { SessionSync, SessionSyncEnv } from './createSessionSync.js';
import { EXPIRY_LEAD_MS, MIN_CHECK_DELAY_MS } from './nextCheckDelay.js';
import { broadcast } from './tabMessage.js';

// The provider's behaviour without React or a DOM: a real HTTP server answers
// GET /api/auth/session, real BroadcastChannels connect the "tabs", real
// EventTargets stand for window and document. Only time is manual: an
// injected clock and a timer list fired by hand (no waiting in tests).
const alice = { username: 'alice', userId: 'sub-1', email: 'alice@example.com', groups: [] };
const T0 = 1_700_000_000_000;
let answer: { status: number; body: unknown } = { status: 200, body: { user: null } };
let requests = 0;
let hold: Promise<void> | undefined;
let server: Server;
let basePath: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url !== '/api/auth/session' || req.method !== 'GET') return void res.writeHead(404).end();
    requests++;
    const { status, body } = answer;
    void (hold ?? Promise.resolve()).then(() => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  basePath = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/auth`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  answer = { status: 200, body: { user: null } };
  requests = 0;
  hold = undefined;
});

const closed: string[] = [];
class RecordingChannel extends BroadcastChannel {
  override close(): void {
    closed.push(this.name);
    super.close();
  }
}

function browser() {
  let clock = T0;
  let nextId = 0;
  const timers = new Map<number, { run: () => void; ms: number }>();
  const window = new EventTarget();
  const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  const env: SessionSyncEnv = {
    window,
    document,
    BroadcastChannel: RecordingChannel,
    now: () => clock,
    setTimeout: (run, ms) => (timers.set(++nextId, { run, ms }), nextId),
    clearTimeout: (id) => void timers.delete(id as number),
  };
  return {
    env,
    window,
    document,
    advance: (ms: number) => void (clock += ms),
    pending: () => [...timers.values()].map((t) => t.ms),
    /** Runs the one pending timer set for `ms`. */
    fire(ms: number) {
      const entry = [...timers].find(([, t]) => t.ms === ms);
      if (!entry) throw new Error(`no timer for ${ms} ms (pending: ${this.pending().join(', ')})`);
      timers.delete(entry[0]);
      clock += ms;
      entry[1].run();
    },
  };
}

// Stops every sync a test started, even one that failed before its own stop():
// an open channel would otherwise answer the next test's broadcasts.
const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((stop) => stop()));
function start(sync: SessionSync, env: SessionSyncEnv): () => void {
  const stop = sync.start(env);
  running.push(stop);
  return stop;
}

/** Counts calls to the real fetch (still called through) until the test ends. */
let restoreFetch: (() => void) | undefined;
afterEach(() => restoreFetch?.());
function countFetchCalls(): () => number {
  const real = globalThis.fetch;
  let n = 0;
  globalThis.fetch = (...args: Parameters<typeof fetch>) => (n++, real(...args));
  restoreFetch = () => void (globalThis.fetch = real);
  return () => n;
}

const nextChange = (sync: SessionSync) =>
  new Promise<ClientSession | undefined>((resolve) => {
    const off = sync.subscribe(() => {
      off();
      resolve(sync.get());
    });
  });

describe('createSessionSync', () => {
  it('hydrated from the server session: starting calls no fetch and arms the expiry timer', () => {
    const b = browser();
    const sync = createSessionSync(basePath, { user: alice, expiresAt: T0 + 3_600_000 });
    const calls = countFetchCalls();
    const stop = start(sync, b.env);
    expect(calls()).toBe(0); // fetch would have been called synchronously by start()
    expect(b.pending()).toEqual([3_600_000 - EXPIRY_LEAD_MS]);
    stop();
  });

  it('without a session: one fetch on start (once, even when Strict Mode starts it twice), then authenticated', async () => {
    answer = { status: 200, body: { user: alice, expiresAt: T0 + 60_000 } };
    const b = browser();
    const sync = createSessionSync(basePath, undefined);
    const changed = nextChange(sync);
    const calls = countFetchCalls();
    start(sync, b.env)();
    const stop = start(sync, b.env);
    expect(calls()).toBe(1);
    expect(await changed).toEqual({ user: alice, expiresAt: T0 + 60_000 });
    expect(requests).toBe(1);
    stop();
  });

  it('update() resolves with the new session and notifies every subscriber', async () => {
    const b = browser();
    const sync = createSessionSync(basePath, { user: null });
    const stop = start(sync, b.env);
    const seen: (ClientSession | undefined)[] = [];
    sync.subscribe(() => seen.push(sync.get()));
    sync.subscribe(() => seen.push(sync.get()));
    answer = { status: 200, body: { user: alice, expiresAt: T0 + 60_000 } };
    expect(await sync.update()).toEqual({ user: alice, expiresAt: T0 + 60_000 });
    expect(seen).toEqual([sync.get(), sync.get()]);
    stop();
  });

  it('a 503 or an HTML error page keeps the last known session (no flapping to signed out) and retries with back-off', async () => {
    const b = browser();
    const session = { user: alice, expiresAt: T0 + 3_600_000 };
    const sync = createSessionSync(basePath, session);
    const stop = start(sync, b.env);
    answer = { status: 503, body: { error: 'store_unavailable' } };
    await expect(sync.update()).rejects.toThrow('session check failed (503)');
    expect(sync.get()).toBe(session);
    expect(b.pending()).toEqual([MIN_CHECK_DELAY_MS]);
    answer = { status: 200, body: '<html>' };
    await expect(sync.update()).rejects.toThrow('session check failed (200)');
    expect(sync.get()).toBe(session);
    expect(b.pending()).toEqual([2 * MIN_CHECK_DELAY_MS]);
    answer = { status: 200, body: session };
    await sync.update();
    expect(b.pending()).toEqual([3_600_000 - EXPIRY_LEAD_MS]); // back to the expiry timer
    stop();
  });

  it('a network failure keeps the last known session too', async () => {
    const sync = createSessionSync('http://127.0.0.1:1/api/auth', { user: alice, expiresAt: T0 + 3_600_000 });
    const stop = start(sync, browser().env);
    await expect(sync.update()).rejects.toThrow();
    expect(sync.get()).toEqual({ user: alice, expiresAt: T0 + 3_600_000 });
    stop();
  });

  it('sign-out in another tab: signed out at once with no fetch, then one confirming fetch 5 s later', async () => {
    const b = browser();
    const sync = createSessionSync(basePath, { user: alice, expiresAt: T0 + 3_600_000 });
    const stop = start(sync, b.env);
    const changed = nextChange(sync);
    broadcast('signed-out');
    expect(await changed).toEqual({ user: null });
    expect(requests).toBe(0);
    expect(b.pending()).toEqual([MIN_CHECK_DELAY_MS]);
    const confirmed = nextChange(sync);
    b.fire(MIN_CHECK_DELAY_MS);
    expect(await confirmed).toEqual({ user: null });
    expect(requests).toBe(1);
    stop();
  });

  it('a session answer sent before the other tab signed out does not flip this tab back to signed in', async () => {
    const b = browser();
    const sync = createSessionSync(basePath, { user: alice, expiresAt: T0 + 3_600_000 });
    const stop = start(sync, b.env);
    let release!: () => void;
    hold = new Promise<void>((resolve) => (release = resolve));
    answer = { status: 200, body: { user: alice, expiresAt: T0 + 3_600_000 } };
    const inFlight = sync.check();
    const signedOut = nextChange(sync);
    broadcast('signed-out');
    expect(await signedOut).toEqual({ user: null });
    release();
    await inFlight;
    expect(sync.get()).toEqual({ user: null });
    stop();
  });

  it('focus and visibility re-checks are throttled to one per 5 s and skipped while hidden', async () => {
    const b = browser();
    const sync = createSessionSync(basePath, { user: null });
    const stop = start(sync, b.env);
    b.advance(MIN_CHECK_DELAY_MS);
    const first = nextChange(sync);
    b.window.dispatchEvent(new Event('focus'));
    b.document.dispatchEvent(new Event('visibilitychange')); // the same tab switch: throttled
    await first;
    expect(requests).toBe(1);
    b.advance(MIN_CHECK_DELAY_MS - 1);
    b.window.dispatchEvent(new Event('focus'));
    expect(requests).toBe(1);
    b.advance(1);
    b.document.visibilityState = 'hidden';
    b.document.dispatchEvent(new Event('visibilitychange'));
    b.document.visibilityState = 'visible';
    const second = nextChange(sync);
    b.document.dispatchEvent(new Event('visibilitychange'));
    await second;
    expect(requests).toBe(2);
    stop();
  });

  it('the expiry timer fires shortly before expiresAt and re-arms for the refreshed session', async () => {
    const b = browser();
    const sync = createSessionSync(basePath, { user: alice, expiresAt: T0 + 60_000 });
    const stop = start(sync, b.env);
    expect(b.pending()).toEqual([60_000 - EXPIRY_LEAD_MS]);
    answer = { status: 200, body: { user: alice, expiresAt: T0 + 120_000 } };
    const refreshed = nextChange(sync);
    b.fire(60_000 - EXPIRY_LEAD_MS);
    expect(await refreshed).toEqual({ user: alice, expiresAt: T0 + 120_000 });
    expect(b.pending()).toEqual([120_000 - (60_000 - EXPIRY_LEAD_MS) - EXPIRY_LEAD_MS]);
    stop();
  });

  it('update() that changes the user tells the other tabs, which re-fetch; the message carries no user data', async () => {
    const tabA = createSessionSync(basePath, { user: null });
    const tabB = createSessionSync(basePath, { user: null });
    const spy = new BroadcastChannel('next-server-auth');
    const messages: unknown[] = [];
    spy.onmessage = (event: MessageEvent) => messages.push(event.data);
    const stopA = start(tabA, browser().env);
    const stopB = start(tabB, browser().env);
    answer = { status: 200, body: { user: alice, expiresAt: T0 + 60_000 } };
    const bChanged = nextChange(tabB);
    await tabA.update();
    expect(await bChanged).toEqual({ user: alice, expiresAt: T0 + 60_000 });
    expect(requests).toBe(2);
    expect(messages).toEqual([{ type: 'changed' }]);
    spy.close();
    stopA();
    stopB();
  });

  it('stop() removes the listeners, clears the timers and closes the channel', async () => {
    const b = browser();
    closed.length = 0;
    const sync = createSessionSync(basePath, { user: alice, expiresAt: T0 + 60_000 });
    const stop = start(sync, b.env);
    expect(b.pending()).toHaveLength(1);
    stop();
    expect(b.pending()).toEqual([]);
    expect(closed).toEqual(['next-server-auth']);
    b.advance(60_000);
    b.window.dispatchEvent(new Event('focus'));
    b.document.dispatchEvent(new Event('visibilitychange'));
    expect(requests).toBe(0);
  });
});
