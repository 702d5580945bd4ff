import type { ClientSession } from '../session/ClientSession.js';
import { fetchClientSession } from './fetchClientSession.js';
import { MIN_CHECK_DELAY_MS, nextCheckDelay } from './nextCheckDelay.js';
import { parseTabMessage, TAB_CHANNEL } from './tabMessage.js';
import type { TabMessage } from './tabMessage.js';

/** The browser objects the sync uses; tests pass their own (default: the page's, read in `start()`). */
export interface SessionSyncEnv {
  window: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  document: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & { visibilityState: string };
  BroadcastChannel?: typeof BroadcastChannel;
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

/** One provider's session, kept in step with the server and the other tabs. */
export interface SessionSync {
  get(): ClientSession | undefined;
  subscribe(listener: () => void): () => void;
  /** Fetches the session; the latest answer wins; a failure keeps the last known session (and rejects). */
  check(): Promise<ClientSession>;
  /** `check()`, and tells the other tabs when the user changed. */
  update(): Promise<ClientSession>;
  /** A newer session from the server render. */
  replace(session: ClientSession): void;
  /** Listeners, tab channel, timers, and the first fetch when the session is not known; returns the cleanup. */
  start(env?: SessionSyncEnv): () => void;
}

const ignore = (): void => undefined;
const userKey = (session: ClientSession | undefined): string => JSON.stringify(session?.user);

/**
 * The non-React half of `<SessionProvider>`: re-checks on focus and when the
 * tab becomes visible (at most every {@link MIN_CHECK_DELAY_MS}), shortly
 * before `expiresAt`, after failures with back-off, and on messages from
 * other tabs (`signed-out`: signed out at once, confirmed by a fetch after
 * {@link MIN_CHECK_DELAY_MS}).
 *
 * @example
 * ```ts
 * const sync = createSessionSync('/api/auth', initial);
 * const stop = sync.start();
 * ```
 */
export function createSessionSync(basePath: string, initial: ClientSession | undefined): SessionSync {
  let session = initial;
  let failures = 0;
  let seq = 0;
  let lastCheck = 0;
  let fetched = false;
  let env: SessionSyncEnv | undefined;
  let timer: unknown;
  let confirm: unknown;
  let channel: BroadcastChannel | undefined;
  const listeners = new Set<() => void>();

  const arm = (): void => {
    if (!env) return;
    env.clearTimeout(timer);
    const delay = nextCheckDelay(session, failures, env.now());
    timer = delay === undefined ? undefined : env.setTimeout(() => void sync.check().catch(ignore), delay);
  };
  const set = (next: ClientSession | undefined, failed: number): void => {
    session = next;
    failures = failed;
    arm();
    for (const listener of listeners) listener();
  };

  const sync: SessionSync = {
    get: () => session,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async check() {
      const id = ++seq;
      fetched = true;
      lastCheck = env ? env.now() : Date.now();
      try {
        const next = await fetchClientSession(basePath);
        // An older answer arriving late must not undo a newer one.
        if (id === seq) set(next, 0);
        return next;
      } catch (err) {
        if (id === seq) set(session, failures + 1);
        throw err;
      }
    },
    async update() {
      const before = session;
      const next = await sync.check();
      // Through our own channel object, which does not hear itself: only the other tabs re-fetch.
      if (userKey(before) !== userKey(next)) channel?.postMessage({ type: 'changed' } satisfies TabMessage);
      return next;
    },
    replace(next) {
      seq++;
      set(next, 0);
    },
    start(given) {
      const e = (env = given ?? { window, document, BroadcastChannel: globalThis.BroadcastChannel, now: Date.now, setTimeout: (run, ms) => setTimeout(run, ms), clearTimeout: (t) => clearTimeout(t as number) });
      const recheck = (): void => {
        if (e.document.visibilityState === 'visible' && e.now() - lastCheck >= MIN_CHECK_DELAY_MS) sync.check().catch(ignore);
      };
      const tabs = (channel = e.BroadcastChannel ? new e.BroadcastChannel(TAB_CHANNEL) : undefined);
      if (tabs) {
        tabs.onmessage = (event: MessageEvent): void => {
          const type = parseTabMessage(event.data);
          if (type === 'changed') sync.check().catch(ignore);
          if (type !== 'signed-out') return;
          // Signed out at once; an answer already on its way is stale. The
          // confirming fetch waits: the other tab's sign-out POST may not
          // have reached the server yet, and an answer from before it would
          // flip this tab back to signed in.
          seq++;
          lastCheck = e.now();
          set({ user: null }, 0);
          e.clearTimeout(confirm);
          confirm = e.setTimeout(() => void sync.check().catch(ignore), MIN_CHECK_DELAY_MS);
        };
      }
      e.window.addEventListener('focus', recheck);
      e.document.addEventListener('visibilitychange', recheck);
      arm();
      // Once per provider, even when Strict Mode starts it twice.
      if (session === undefined && !fetched) sync.check().catch(ignore);
      return () => {
        e.clearTimeout(timer);
        e.clearTimeout(confirm);
        tabs?.close();
        channel = env = undefined;
        e.window.removeEventListener('focus', recheck);
        e.document.removeEventListener('visibilitychange', recheck);
      };
    },
  };
  return sync;
}
